#include "hpack/tools/story_codec.h"

#include <algorithm>
#include <cstdio>
#include <span>
#include <string_view>
#include <utility>

#include "base/byte_sink.h"
#include "hpack/encoder.h"
#include "hpack/error.h"
#include "hpack/header_field.h"

namespace h2engine::hpack::tools {

namespace {

// CollectingListener stores the decoded fields of one block.
class CollectingListener : public HeaderListener {
 public:
  void OnHeader(std::string_view name, std::string_view value, bool /*never_indexed*/) override {
    headers_.push_back({std::string(name), std::string(value)});
  }
  std::vector<StoryHeader>& headers() { return headers_; }

 private:
  std::vector<StoryHeader> headers_;
};

// Quote shows a header for an error message: printable ASCII as is, the rest as \xNN, long
// strings cut.
std::string Quote(const StoryHeader& h) {
  std::string out = "\"";
  std::string text = h.name + ": " + h.value;
  constexpr size_t kMax = 100;
  for (size_t i = 0; i < text.size() && i < kMax; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    }
  }
  if (text.size() > kMax) out += "...";
  out += "\"";
  return out;
}

std::string SeqnoPrefix(const StoryCase& c) {
  return "mismatch at seqno " + std::to_string(c.seqno) + ": ";
}

// DecodeFragments feeds `wire` to the decoder whole or in fragments of 1..max_fragment bytes.
HpackError DecodeFragments(Decoder& decoder, std::span<const uint8_t> wire, size_t max_fragment) {
  if (max_fragment == 0) return decoder.DecodeFragment(wire);
  size_t next = 1;
  while (!wire.empty()) {
    size_t n = std::min(next, wire.size());
    HpackError e = decoder.DecodeFragment(wire.first(n));
    if (e != HpackError::kNone) return e;
    wire = wire.subspan(n);
    next = next == max_fragment ? 1 : next + 1;
  }
  return HpackError::kNone;
}

}  // namespace

std::string DescribeMismatch(const std::vector<StoryHeader>& got,
                             const std::vector<StoryHeader>& want) {
  size_t n = std::min(got.size(), want.size());
  for (size_t i = 0; i < n; ++i) {
    if (got[i] != want[i]) {
      return "header " + std::to_string(i) + ": got " + Quote(got[i]) + ", want " +
             Quote(want[i]);
    }
  }
  if (got.size() == want.size()) return "";
  std::string out = "got " + std::to_string(got.size()) + " headers, want " +
                    std::to_string(want.size());
  if (got.size() < want.size()) {
    out += " (first missing: " + Quote(want[n]) + ")";
  } else {
    out += " (first extra: " + Quote(got[n]) + ")";
  }
  return out;
}

bool DecodeStory(const Story& story, const StoryDecodeOptions& options, std::string* error) {
  Decoder decoder(options.decoder);
  CollectingListener listener;
  for (const StoryCase& c : story.cases) {
    if (!c.wire.has_value()) {
      *error = SeqnoPrefix(c) + "no wire (a raw story? use `hpack encode` first)";
      return false;
    }
    if (c.header_table_size.has_value()) decoder.SetMaxTableSize(*c.header_table_size);
    listener.headers().clear();
    decoder.StartBlock(&listener);
    std::span<const uint8_t> wire(reinterpret_cast<const uint8_t*>(c.wire->data()),
                                  c.wire->size());
    HpackError e = DecodeFragments(decoder, wire, options.max_fragment);
    if (e != HpackError::kNone) {
      *error = SeqnoPrefix(c) + "decoder error " + std::string(HpackErrorName(e));
      return false;
    }
    e = decoder.EndBlock();
    if (e != HpackError::kNone) {
      *error = SeqnoPrefix(c) + "decoder error " + std::string(HpackErrorName(e)) +
               " at the end of the block";
      return false;
    }
    std::string diff = DescribeMismatch(listener.headers(), c.headers);
    if (!diff.empty()) {
      *error = SeqnoPrefix(c) + diff;
      return false;
    }
  }
  return true;
}

Story EncodeStory(const Story& input, const StoryEncodeOptions& options) {
  std::vector<TableSizeChange> changes = options.changes;
  std::stable_sort(changes.begin(), changes.end(),
                   [](const TableSizeChange& a, const TableSizeChange& b) {
                     return a.case_index < b.case_index;
                   });
  uint32_t cap = std::max<uint32_t>(4096, options.table_size);
  for (const TableSizeChange& ch : changes) cap = std::max(cap, ch.size);
  if (options.encoder_max_table_size.has_value()) cap = *options.encoder_max_table_size;
  EncoderOptions encoder_options;
  encoder_options.use_huffman = options.use_huffman;
  encoder_options.max_table_size = cap;
  Encoder encoder(encoder_options);

  Story out;
  out.context = input.context;
  out.description = "Encoded by h2engine's HPACK encoder (RFC 7541): peer table size " +
                    std::to_string(options.table_size) +
                    (changes.empty() ? "" : " (changing during the story)") +
                    (options.encoder_max_table_size.has_value()
                         ? ", own table limit " + std::to_string(cap)
                         : "") +
                    ", " +
                    (options.use_huffman ? "Huffman when shorter" : "no Huffman") +
                    ", indexing what is likely to repeat, never indexing authorization and "
                    "short cookies.";
  out.cases.reserve(input.cases.size());
  std::vector<HeaderField> fields;
  ByteSink sink;
  size_t next_change = 0;
  for (size_t i = 0; i < input.cases.size(); ++i) {
    StoryCase c;
    c.seqno = i;
    c.headers = input.cases[i].headers;
    if (i == 0) {
      c.header_table_size = options.table_size;
      encoder.SetPeerMaxTableSize(options.table_size);
    }
    while (next_change < changes.size() && changes[next_change].case_index <= i) {
      c.header_table_size = changes[next_change].size;
      encoder.SetPeerMaxTableSize(changes[next_change].size);
      ++next_change;
    }
    fields.clear();
    for (const StoryHeader& h : c.headers) fields.push_back({h.name, h.value, false});
    sink.Clear();
    encoder.Encode(fields, sink);
    c.wire = std::string(sink.view());
    out.cases.push_back(std::move(c));
  }
  return out;
}

}  // namespace h2engine::hpack::tools
