// Huffman benchmarks (RFC 7541 §5.2): encode and decode throughput of hpack/huffman.h on
// realistic header values, and nghttp2's HPACK inflater on literals with and without Huffman
// coding for comparison (nghttp2's public API does not expose its Huffman decoder; the
// difference between the two inflater runs is what its Huffman decoding costs).
//
// Throughput (bytes_per_second) counts decoded (plain) bytes for every benchmark, so the
// figures compare directly; `encoded_bytes` is the size of the Huffman code.
//
//   bazel run --config=opt //bench:huffman_bench

#include <nghttp2/nghttp2.h>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "base/byte_sink.h"
#include "benchmark/benchmark.h"
#include "hpack/huffman.h"

namespace h2engine::hpack {
namespace {

// 256 header values (names excluded) drawn at random, with repetition, from every header of
// the 32 hpack-test-case raw-data stories (Python: random.Random(7541), 256 draws): the real
// mix of dates, content types, paths, cookies and short tokens. 5598 bytes, mean 21.9.
const char* const kRealisticValues[] = {
    "O6Rt-cRJLPLokVndpOyGdTuWoLI6bPqiRt_TrdmIiYayIHUPbzY__A==",
    "Sat, 03 Nov 2012 13:29:42 GMT",
    "bytes",
    "http",
    "Accept-Encoding",
    "chunked",
    "Thu, 1 Apr 2004 01:01:01 GMT",
    "\"a29327667d45cc1:0\"",
    "CO1MPPSTCA07",
    "Hit from cloudfront",
    "14262",
    "ah.yimg.jp",
    "close",
    "Apache",
    "image/gif",
    "DCLK-AdSvr",
    "keep-alive",
    "application/json",
    "Sat, 10 Nov 2012 03:36:33 GMT",
    "CP=\"CAO DSP COR CUR ADMi DEVi TAIi PSAi PSDi IVAi IVDi CONi OUR DELi SAMi UNRi PUBi OTR"
     "i IND PHY ONL UNI PUR FIN COM NAV INT DEM CNT POL PRE\"",
    "4715",
    "43",
    "0",
    "bytes",
    "nosniff",
    "Wed, 31 Oct 2012 22:24:21 GMT",
    "200",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.8; rv:16.0) Gecko/20100101 Firefox/16.0",
    "bytes",
    "keep-alive",
    "keep-alive",
    "image/jpeg",
    "Apache",
    "application/x-javascript;charset=UTF-8",
    "NYT-S=0M0SovqlRxK8PDXrmvxADeHKjc4hKLrMXGdeFz9JchiAI7clrZeQfNdsV.Ynx4rkFI; path=/; domain"
     "=.nytimes.com",
    "Tue, 07 Aug 2012 05:29:55 GMT",
    "Wed, 07 Nov 2012 19:48:32 GMT",
    "keep-alive",
    "\"20a3-4cd5e1abc2380\"",
    "Sat, 03 Nov 2012 13:39:31 GMT",
    "bytes",
    "Sun, 02 Dec 2012 02:41:46 GMT",
    "Tue, 09 Oct 2012 07:20:18 GMT",
    "bytes",
    "text/html",
    "nosniff",
    "Apache",
    "HIT from photocache507.flickr.ac4.yahoo.com:83",
    "en-US,en;q=0.5",
    "keep-alive",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.8; rv:16.0) Gecko/20100101 Firefox/16.0",
    "chunked",
    "Sat, 03 Nov 2012 13:29:37 GMT",
    "image/jpeg",
    "Wed, 18 May 2033 03:33:20 GMT",
    "CO1MPPSTCA05",
    "200",
    "Accept-Encoding",
    "\"3508231446\"",
    "bytes",
    "Sat, 03 Nov 2012 13:29:30 GMT",
    "gzip, deflate",
    "1.0 e0361d2450a4995d92d661bf6b825ede.cloudfront.net (CloudFront)",
    "Wed, 21 Jan 2004 19:51:30 GMT",
    "nosniff",
    "max-age=630720000,public",
    "Sat, 03 Nov 2012 12:43:44 GMT",
    "Apache",
    "200",
    "gzip, deflate",
    "200",
    "keep-alive",
    "max-age=315360000,public",
    "Sat, 03 Nov 2012 13:39:06 GMT",
    "314",
    "GET",
    "gzip",
    "Fri, 21 Jun 2013 16:04:19 GMT",
    "image/jpeg",
    "1140",
    "MISS",
    "ECS (lhr/4BDF)",
    "http://www.yahoo.co.jp/",
    "Sat, 03 Nov 2012 13:29:29 GMT",
    "Sat, 03 Nov 2012 13:40:03 GMT",
    "200",
    "Tue, 02 Apr 2013 03:08:16 GMT",
    "43",
    "chunked",
    "application/javascript;charset=UTF-8",
    "\"567172269\"",
    "Wed, 27 Feb 2013 13:25:49 GMT",
    "private, no-store, no-cache, must-revalidate, post-check=0, pre-check=0, max-age=0",
    "Mon, 03 Dec 2012 12:57:12 GMT",
    "no-cache",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "928",
    "GET",
    "close",
    "/oi",
    "close",
    "Hit from cloudfront",
    "en-US,en;q=0.5",
    "max-age=630720000,public",
    "538",
    "4676",
    "473",
    "Accept-Encoding",
    "public, max-age=31068990",
    "text/plain; charset=UTF-8",
    "Wed, 04 Jan 2012 15:19:22 GMT",
    "Sat, 03 Nov 2012 13:39:40 GMT",
    "max-age=630720000,public",
    "7462",
    "200",
    "Sat, 03 Nov 2012 13:40:09 GMT",
    "Accept-Encoding",
    "_kuid_=IAJ5QtWI; path=/; expires=Thu, 02-May-13 13:39:54 GMT; domain=.krxd.net",
    "Thu, 01 Dec 1994 16:00:00 GMT",
    "Sat, 03 Nov 2012 12:51:09 GMT",
    "Apache",
    "image/png",
    "application/json; charset=utf-8",
    "close",
    "policyref=\"http://info.yahoo.com/w3c/p3p.xml\", CP=\"CAO DSP COR CUR ADM DEV TAI PSA PS"
     "D IVAi IVDi CONi TELo OTPi OUR DELi SAMi OTRi UNRi PUBi IND PHY ONL UNI PUR FIN COM NAV "
     "INT DEM CNT STA POL HEA PRE LOC GOV\"",
    "77450",
    "image/jpeg",
    "image/jpeg",
    "200",
    "Apache/2.2.19 (Unix)",
    "gzip",
    "ASP.NET",
    "Sun, 04 Nov 2012 09:21:55 GMT",
    "Sat, 03 Nov 2012 13:29:37 GMT",
    "B=76j09a189a6h4&b=3&s=0b",
    "no-cache",
    "gzip",
    "Microsoft-IIS/7.5",
    "GET",
    "CO1MPPSTCA08",
    "Thu, 17 Oct 2013 09:07:17 GMT",
    "GET",
    "policyref=\"http://info.yahoo.com/w3c/p3p.xml\", CP=\"CAO DSP COR CUR ADM DEV TAI PSA PS"
     "D IVAi IVDi CONi TELo OTPi OUR DELi SAMi OTRi UNRi PUBi IND PHY ONL UNI PUR FIN COM NAV "
     "INT DEM CNT STA POL HEA PRE LOC GOV\"",
    "application/javascript",
    "1722",
    "200",
    "http://www.yahoo.co.jp/",
    "575",
    "image/gif",
    "text/css",
    "s1.bdstatic.com",
    "\"57e-501c63f3\"",
    "chunked",
    "policyref=\"http://googleads.g.doubleclick.net/pagead/gcn_p3p_.xml\", CP=\"CURa ADMa DEV"
     "a TAIo PSAo PSDo OUR IND UNI PUR INT DEM STA PRE COM NAV OTC NOI DSP COR\"",
    "gzip",
    "168250",
    "Sat, 03 Nov 2012 13:28:23 GMT",
    "200",
    "200",
    "Tue, 30 Oct 2012 09:21:56 GMT",
    "text/html;charset=UTF-8",
    "bytes",
    "Sat, 03 Nov 2012 12:57:02 GMT",
    "max-age=630720000,public",
    "col.stc.s-msn.com",
    "close",
    "close",
    "beacon-a002.krxd.net",
    "keep-alive",
    "Accept-Encoding",
    "i.yimg.jp",
    "gzip",
    "204",
    "policyref=\"http://info.yahoo.com/w3c/p3p.xml\", CP=\"CAO DSP COR CUR ADM DEV TAI PSA PS"
     "D IVAi IVDi CONi TELo OTPi OUR DELi SAMi OTRi UNRi PUBi IND PHY ONL UNI PUR FIN COM NAV "
     "INT DEM CNT STA POL HEA PRE LOC GOV\"",
    "public, must-revalidate, proxy-revalidate, max-age=426970",
    "s1.bdstatic.com",
    "Hit from cloudfront",
    "gzip",
    "close",
    "Sat, 03 Nov 2012 12:57:13 GMT",
    "Tue, 26 Oct 2032 02:30:20 GMT",
    "IE=Edge;chrome=1",
    "Sat, 03 Nov 2012 13:04:30 GMT",
    "http://headlines.yahoo.co.jp/hl?c=moto&t=l",
    "200",
    "200",
    "keep-alive",
    "bytes",
    "200",
    "image/png",
    "keep-alive",
    "image/jpeg",
    "\"f13746374fa151b24abd8bf99a396878:1347294343\"",
    "Sun, 09 Dec 2012 13:59:29 GMT",
    "48",
    "Sat, 03 Nov 2012 13:29:37 GMT",
    "private, max-age=72025",
    "*",
    "Sat, 03 Nov 2012 13:37:21 GMT",
    "Fri, 01 Jan 1990 00:00:00 GMT",
    "Sat, 03 Nov 2012 13:32:11 GMT",
    "keep-alive",
    "0 326 dc12_ne1",
    "Apache",
    "HIT from photocache505.flickr.ac4.yahoo.com",
    "max-age=630720000,public",
    "max-age=26399474",
    "keep-alive",
    "1.0 e0361d2450a4995d92d661bf6b825ede.cloudfront.net (CloudFront)",
    "localization=en-us%3Bus%3Bus; expires=Sat, 01-Nov-2014 13:41:30 GMT; path=/; domain=.fli"
     "ckr.com",
    "245531",
    "max-age=307195",
    "Sat, 03 Nov 2012 13:38:24 GMT",
    "bytes",
    "gzip",
    "image/gif",
    "Apache",
    "T5hInOb6hUOq4NSYTVt8TjsCSGRUHafPxwGkS5jiNGzpLmixDUmWug==",
    "Accept-Encoding",
    "GET",
    "-1",
    "keep-alive",
    "Apache",
    "36302",
    "Sat, 03 Nov 2012 13:39:30 GMT",
    "34180192590438703882110320",
    "bytes",
    "Sat, 10 Nov 2012 04:59:19 GMT",
    "200",
    "/im_siggHulEjLwgzPyrVDkZ9oNPng---x200-y133-q90/amd/20121031-00005828-yj_corptrend-000-51"
     "670401-view.jpg",
    "Thu, 01 Nov 2012 21:24:39 GMT",
    "no-cache, no-store, must-revalidate",
    "Fri, 27 Aug 2010 00:22:54 GMT",
    "bytes",
    "s9ZmJKnYGlEjIGo8xQzxlhVM4nilGHgcv1fhK1Z7F1w=",
    "35",
    "Sat, 03 Nov 2012 13:41:56 GMT",
    "Apache",
    "timeout=20",
    "200",
    "VIEMSNVM001001",
    "bcookie=\"v=2&bae845a5-83ed-4590-becf-f0f3d586432b\"; leo_auth_token=\"GST:UDbWFFpLLdcS6"
     "gHJ7NJa3XYRsc7W_gDwutbWnlWLfo7G_2Y4jfLH-H:1351948419:4b5c0f1309310a9b659b97d8960e64fdd63"
     "5526b\"; JSESSIONID=\"ajax:0608630266152992729\"; visit=\"v=1&G\"; X-LI-IDC=C1",
    "1333",
    "gzip",
    "application/x-javascript",
    "684",
    "text/javascript; charset=UTF-8",
    "max-age=3860382",
    "Sun, 04 Nov 2012 04:03:22 GMT",
    "Apache",
    "Sat, 03 Nov 2012 13:39:57 GMT",
    "200",
    "54",
    "Accept-Encoding",
    "image/gif",
    "Sat, 03 Nov 2012 12:57:11 GMT",
};

enum CorpusId { kRealistic = 0, kOneLongValue = 1, kBase64Cookie = 2 };

struct Corpus {
  std::vector<std::string> plain;
  std::vector<std::vector<uint8_t>> encoded;
  size_t plain_bytes = 0;
  size_t encoded_bytes = 0;
};

Corpus MakeCorpus(CorpusId id) {
  Corpus c;
  switch (id) {
    case kRealistic:
      for (const char* v : kRealisticValues) c.plain.emplace_back(v);
      break;
    case kOneLongValue: {
      // The same values joined into one 5.6 KB string: the decoder's steady state.
      std::string all;
      for (const char* v : kRealisticValues) all += v;
      c.plain.push_back(all);
      break;
    }
    case kBase64Cookie: {
      // A 4 KB base64 value (session cookies, tokens): a near-uniform 64-symbol alphabet.
      static const char kB64[] =
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
      std::mt19937 rng(1);
      std::string v(4096, '\0');
      for (char& ch : v) ch = kB64[rng() % 64];
      c.plain.push_back(v);
      break;
    }
  }
  for (const std::string& v : c.plain) {
    ByteSink sink;
    HuffmanEncode(v, HuffmanEncodedLength(v), sink);
    c.encoded.emplace_back(sink.data(), sink.data() + sink.size());
    c.plain_bytes += v.size();
    c.encoded_bytes += sink.size();
  }
  return c;
}

const Corpus& GetCorpus(int64_t id) {
  static const Corpus* corpora[] = {new Corpus(MakeCorpus(kRealistic)),
                                    new Corpus(MakeCorpus(kOneLongValue)),
                                    new Corpus(MakeCorpus(kBase64Cookie))};
  return *corpora[id];
}

void SetLabel(benchmark::State& state, const Corpus& c) {
  static const char* const kNames[] = {"realistic values", "one long value", "base64 cookie"};
  state.SetLabel(kNames[state.range(0)]);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c.plain_bytes));
  state.counters["encoded_bytes"] = static_cast<double>(c.encoded_bytes);
}

void BM_HuffmanEncodedLength(benchmark::State& state) {
  const Corpus& c = GetCorpus(state.range(0));
  for (auto _ : state) {
    size_t total = 0;
    for (const std::string& v : c.plain) total += HuffmanEncodedLength(v);
    benchmark::DoNotOptimize(total);
  }
  SetLabel(state, c);
}
BENCHMARK(BM_HuffmanEncodedLength)->Arg(kRealistic)->Arg(kOneLongValue)->Arg(kBase64Cookie);

// What an HPACK encoder does per literal: length first, then the code.
void BM_HuffmanEncode(benchmark::State& state) {
  const Corpus& c = GetCorpus(state.range(0));
  ByteSink sink(c.encoded_bytes + 64);
  for (auto _ : state) {
    sink.Clear();
    for (const std::string& v : c.plain) HuffmanEncode(v, HuffmanEncodedLength(v), sink);
    benchmark::DoNotOptimize(sink.data());
  }
  if (sink.size() != c.encoded_bytes) std::abort();
  SetLabel(state, c);
}
BENCHMARK(BM_HuffmanEncode)->Arg(kRealistic)->Arg(kOneLongValue)->Arg(kBase64Cookie);

// Decoding into a reused std::string, as an HPACK decoder would.
void BM_HuffmanDecode(benchmark::State& state) {
  const Corpus& c = GetCorpus(state.range(0));
  std::string out;
  for (auto _ : state) {
    for (const std::vector<uint8_t>& e : c.encoded) {
      out.clear();
      if (!HuffmanDecode(e, 1 << 20, &out)) std::abort();
      benchmark::DoNotOptimize(out.data());
    }
  }
  SetLabel(state, c);
}
BENCHMARK(BM_HuffmanDecode)->Arg(kRealistic)->Arg(kOneLongValue)->Arg(kBase64Cookie);

// Decoding into caller-owned memory (no string resizing).
void BM_HuffmanDecodeTo(benchmark::State& state) {
  const Corpus& c = GetCorpus(state.range(0));
  std::vector<uint8_t> out(c.plain_bytes + 64);
  for (auto _ : state) {
    size_t n = 0;
    for (const std::vector<uint8_t>& e : c.encoded) {
      if (!HuffmanDecodeTo(e, out, &n)) std::abort();
      benchmark::DoNotOptimize(out.data());
    }
  }
  SetLabel(state, c);
}
BENCHMARK(BM_HuffmanDecodeTo)->Arg(kRealistic)->Arg(kOneLongValue)->Arg(kBase64Cookie);

// One header block of "literal header field without indexing, indexed name" (RFC 7541
// §6.2.2, name index 4 ":path") per value, with the values Huffman-coded or raw.
std::vector<uint8_t> LiteralBlock(const Corpus& c, bool huffman) {
  std::vector<uint8_t> block;
  for (size_t i = 0; i < c.plain.size(); ++i) {
    block.push_back(0x04);
    const uint8_t* data = huffman ? c.encoded[i].data()
                                  : reinterpret_cast<const uint8_t*>(c.plain[i].data());
    size_t len = huffman ? c.encoded[i].size() : c.plain[i].size();
    // §5.1 integer, 7-bit prefix, H bit on top.
    uint8_t h = huffman ? 0x80 : 0x00;
    if (len < 127) {
      block.push_back(static_cast<uint8_t>(h | len));
    } else {
      block.push_back(h | 127);
      size_t rest = len - 127;
      while (rest >= 128) {
        block.push_back(static_cast<uint8_t>(0x80 | (rest & 0x7f)));
        rest >>= 7;
      }
      block.push_back(static_cast<uint8_t>(rest));
    }
    block.insert(block.end(), data, data + len);
  }
  return block;
}

void Nghttp2Inflate(benchmark::State& state, bool huffman) {
  const Corpus& c = GetCorpus(state.range(0));
  const std::vector<uint8_t> block = LiteralBlock(c, huffman);
  nghttp2_hd_inflater* inflater = nullptr;
  if (nghttp2_hd_inflate_new(&inflater) != 0) std::abort();
  size_t value_bytes = 0;
  for (auto _ : state) {
    const uint8_t* in = block.data();
    size_t left = block.size();
    for (;;) {
      nghttp2_nv nv;
      int flags = 0;
      ssize_t n = nghttp2_hd_inflate_hd2(inflater, &nv, &flags, in, left, 1);
      if (n < 0) std::abort();
      in += n;
      left -= static_cast<size_t>(n);
      if (flags & NGHTTP2_HD_INFLATE_EMIT) value_bytes += nv.valuelen;
      if (flags & NGHTTP2_HD_INFLATE_FINAL) break;
    }
    nghttp2_hd_inflate_end_headers(inflater);
  }
  nghttp2_hd_inflate_del(inflater);
  if (value_bytes != c.plain_bytes * state.iterations()) std::abort();
  SetLabel(state, c);
}

void BM_Nghttp2InflateHuffmanLiterals(benchmark::State& state) { Nghttp2Inflate(state, true); }
BENCHMARK(BM_Nghttp2InflateHuffmanLiterals)->Arg(kRealistic)->Arg(kOneLongValue)->Arg(kBase64Cookie);

void BM_Nghttp2InflateRawLiterals(benchmark::State& state) { Nghttp2Inflate(state, false); }
BENCHMARK(BM_Nghttp2InflateRawLiterals)->Arg(kRealistic)->Arg(kOneLongValue)->Arg(kBase64Cookie);

}  // namespace
}  // namespace h2engine::hpack
