// The header lists, wire bytes and resulting dynamic tables of RFC 7541 Appendix C.2-C.6, typed
// in from the RFC (testonly).

#ifndef H2ENGINE_HPACK_RFC7541_EXAMPLES_H_
#define H2ENGINE_HPACK_RFC7541_EXAMPLES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "hpack/header_field.h"

namespace h2engine::hpack::test {

struct RfcBlock {
  std::vector<HeaderField> headers;
  const char* hex;                 // the encoded block
  std::vector<std::string> table;  // dynamic table after decoding, newest first
  size_t table_size;               // §4.1 size after decoding
};

struct RfcSequence {
  const char* name;              // "C.3" ...
  uint32_t table_capacity;       // SETTINGS_HEADER_TABLE_SIZE of the example
  bool huffman;                  // whether the RFC Huffman-codes the literals
  std::vector<RfcBlock> blocks;  // consecutive blocks on one connection
};

// C.2.1-C.2.4: independent blocks, each on a fresh table.
inline std::vector<RfcSequence> RfcC2() {
  return {
      {"C.2.1",
       4096,
       false,
       {{{{"custom-key", "custom-header"}},
         "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572",
         {"custom-key: custom-header"},
         55}}},
      {"C.2.2",
       4096,
       false,
       {{{{":path", "/sample/path"}}, "040c 2f73 616d 706c 652f 7061 7468", {}, 0}}},
      {"C.2.3",
       4096,
       false,
       {{{{"password", "secret", true}}, "1008 7061 7373 776f 7264 0673 6563 7265 74", {}, 0}}},
      {"C.2.4", 4096, false, {{{{":method", "GET"}}, "82", {}, 0}}},
  };
}

inline std::vector<HeaderField> Request1() {
  return {
      {":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {":authority", "www.example.com"}};
}
inline std::vector<HeaderField> Request2() {
  return {{":method", "GET"},
          {":scheme", "http"},
          {":path", "/"},
          {":authority", "www.example.com"},
          {"cache-control", "no-cache"}};
}
inline std::vector<HeaderField> Request3() {
  return {{":method", "GET"},
          {":scheme", "https"},
          {":path", "/index.html"},
          {":authority", "www.example.com"},
          {"custom-key", "custom-value"}};
}
inline std::vector<HeaderField> Response1() {
  return {{":status", "302"},
          {"cache-control", "private"},
          {"date", "Mon, 21 Oct 2013 20:13:21 GMT"},
          {"location", "https://www.example.com"}};
}
inline std::vector<HeaderField> Response2() {
  return {{":status", "307"},
          {"cache-control", "private"},
          {"date", "Mon, 21 Oct 2013 20:13:21 GMT"},
          {"location", "https://www.example.com"}};
}
inline std::vector<HeaderField> Response3() {
  return {{":status", "200"},
          {"cache-control", "private"},
          {"date", "Mon, 21 Oct 2013 20:13:22 GMT"},
          {"location", "https://www.example.com"},
          {"content-encoding", "gzip"},
          {"set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"}};
}

inline std::vector<std::string> RequestTable1() { return {":authority: www.example.com"}; }
inline std::vector<std::string> RequestTable2() {
  return {"cache-control: no-cache", ":authority: www.example.com"};
}
inline std::vector<std::string> RequestTable3() {
  return {"custom-key: custom-value", "cache-control: no-cache", ":authority: www.example.com"};
}
inline std::vector<std::string> ResponseTable1() {
  return {"location: https://www.example.com", "date: Mon, 21 Oct 2013 20:13:21 GMT",
          "cache-control: private", ":status: 302"};
}
inline std::vector<std::string> ResponseTable2() {
  return {":status: 307", "location: https://www.example.com",
          "date: Mon, 21 Oct 2013 20:13:21 GMT", "cache-control: private"};
}
inline std::vector<std::string> ResponseTable3() {
  return {"set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
          "content-encoding: gzip", "date: Mon, 21 Oct 2013 20:13:22 GMT"};
}

inline RfcSequence RfcC3() {
  return {"C.3",
          4096,
          false,
          {{Request1(), "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d", RequestTable1(), 57},
           {Request2(), "8286 84be 5808 6e6f 2d63 6163 6865", RequestTable2(), 110},
           {Request3(), "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65",
            RequestTable3(), 164}}};
}

inline RfcSequence RfcC4() {
  return {"C.4",
          4096,
          true,
          {{Request1(), "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff", RequestTable1(), 57},
           {Request2(), "8286 84be 5886 a8eb 1064 9cbf", RequestTable2(), 110},
           {Request3(), "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf",
            RequestTable3(), 164}}};
}

inline RfcSequence RfcC5() {
  return {"C.5",
          256,
          false,
          {{Response1(),
            "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 "
            "2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 "
            "6c65 2e63 6f6d",
            ResponseTable1(), 222},
           {Response2(), "4803 3330 37c1 c0bf", ResponseTable2(), 222},
           {Response3(),
            "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d "
            "54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 "
            "5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e "
            "3d31",
            ResponseTable3(), 215}}};
}

inline RfcSequence RfcC6() {
  return {"C.6",
          256,
          true,
          {{Response1(),
            "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 "
            "2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
            ResponseTable1(), 222},
           {Response2(), "4883 640e ffc1 c0bf", ResponseTable2(), 222},
           {Response3(),
            "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab "
            "77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f "
            "9587 3160 65c0 03ed 4ee5 b106 3d50 07",
            ResponseTable3(), 215}}};
}

// RfcSequences: C.2.1-C.2.4, C.3, C.4, C.5, C.6.
inline std::vector<RfcSequence> AllRfcSequences() {
  std::vector<RfcSequence> all = RfcC2();
  all.push_back(RfcC3());
  all.push_back(RfcC4());
  all.push_back(RfcC5());
  all.push_back(RfcC6());
  return all;
}

}  // namespace h2engine::hpack::test

#endif  // H2ENGINE_HPACK_RFC7541_EXAMPLES_H_
