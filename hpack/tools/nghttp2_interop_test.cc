// Interoperability with nghttp2 (libnghttp2 from Debian, the HPACK library most HTTP/2 servers
// and curl use): our Encoder's output decodes exactly with nghttp2's inflater, and nghttp2's
// deflater output decodes exactly with our Decoder, over all raw-data stories, at several peer
// table sizes, with and without Huffman, and with the table size changing mid-story
// (RFC 7541 §4.2, §6.3).

#include <nghttp2/nghttp2.h>

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "hpack/tools/story.h"
#include "hpack/tools/story_codec.h"
#include "hpack/tools/story_files.h"

namespace h2engine::hpack::tools {
namespace {

struct InflaterDeleter {
  void operator()(nghttp2_hd_inflater* p) const { nghttp2_hd_inflate_del(p); }
};
struct DeflaterDeleter {
  void operator()(nghttp2_hd_deflater* p) const { nghttp2_hd_deflate_del(p); }
};

const std::vector<Story>& RawStories() {
  static const std::vector<Story>* stories = [] {
    auto* out = new std::vector<Story>;
    std::string dir = FindHpackTestCaseDir();
    std::vector<std::string> files;
    std::string error;
    if (dir.empty() || !ListStoryFiles(dir + "/raw-data", &files, &error)) return out;
    for (const std::string& file : files) {
      Story story;
      if (!LoadStory(file, &story, &error)) {
        ADD_FAILURE() << file << ": " << error;
        continue;
      }
      story.description = file;
      out->push_back(std::move(story));
    }
    return out;
  }();
  return *stories;
}

// DecodeWithNghttp2 decodes an encoded story with one nghttp2 inflater, applying each case's
// header_table_size before the case, and compares with the headers. "" on success, else
// "seqno N: ...".
std::string DecodeWithNghttp2(const Story& story) {
  nghttp2_hd_inflater* raw_inflater = nullptr;
  if (nghttp2_hd_inflate_new(&raw_inflater) != 0) return "nghttp2_hd_inflate_new failed";
  std::unique_ptr<nghttp2_hd_inflater, InflaterDeleter> inflater(raw_inflater);
  for (const StoryCase& c : story.cases) {
    std::string where = "seqno " + std::to_string(c.seqno) + ": ";
    if (c.header_table_size.has_value()) {
      int rv = nghttp2_hd_inflate_change_table_size(inflater.get(), *c.header_table_size);
      if (rv != 0) return where + "change_table_size: " + nghttp2_strerror(rv);
    }
    std::vector<StoryHeader> got;
    const uint8_t* in = reinterpret_cast<const uint8_t*>(c.wire->data());
    size_t left = c.wire->size();
    while (true) {
      nghttp2_nv nv;
      int flags = 0;
      ssize_t rv = nghttp2_hd_inflate_hd2(inflater.get(), &nv, &flags, in, left, /*in_final=*/1);
      if (rv < 0) return where + "nghttp2 inflate error: " + nghttp2_strerror(static_cast<int>(rv));
      in += rv;
      left -= static_cast<size_t>(rv);
      if (flags & NGHTTP2_HD_INFLATE_EMIT) {
        got.push_back({std::string(reinterpret_cast<const char*>(nv.name), nv.namelen),
                       std::string(reinterpret_cast<const char*>(nv.value), nv.valuelen)});
      }
      if (flags & NGHTTP2_HD_INFLATE_FINAL) {
        nghttp2_hd_inflate_end_headers(inflater.get());
        break;
      }
      if ((flags & NGHTTP2_HD_INFLATE_EMIT) == 0 && left == 0) {
        return where + "nghttp2 did not finish the block";
      }
    }
    std::string diff = DescribeMismatch(got, c.headers);
    if (!diff.empty()) return where + diff;
  }
  return "";
}

// EncodeWithNghttp2 encodes a raw story with one nghttp2 deflater (peer table size
// `table_size`, later changes applied before their case) and returns it as a story.
Story EncodeWithNghttp2(const Story& raw, uint32_t table_size,
                        const std::vector<TableSizeChange>& changes) {
  uint32_t cap = table_size;
  for (const TableSizeChange& ch : changes) cap = std::max(cap, ch.size);
  nghttp2_hd_deflater* raw_deflater = nullptr;
  EXPECT_EQ(nghttp2_hd_deflate_new(&raw_deflater, cap), 0);
  std::unique_ptr<nghttp2_hd_deflater, DeflaterDeleter> deflater(raw_deflater);
  Story out;
  for (size_t i = 0; i < raw.cases.size(); ++i) {
    StoryCase c;
    c.seqno = i;
    c.headers = raw.cases[i].headers;
    if (i == 0) {
      c.header_table_size = table_size;
      EXPECT_EQ(nghttp2_hd_deflate_change_table_size(deflater.get(), table_size), 0);
    }
    for (const TableSizeChange& ch : changes) {
      if (ch.case_index == i) {
        c.header_table_size = ch.size;
        EXPECT_EQ(nghttp2_hd_deflate_change_table_size(deflater.get(), ch.size), 0);
      }
    }
    std::vector<nghttp2_nv> nva;
    for (StoryHeader& h : c.headers) {
      nva.push_back({reinterpret_cast<uint8_t*>(h.name.data()),
                     reinterpret_cast<uint8_t*>(h.value.data()), h.name.size(), h.value.size(),
                     NGHTTP2_NV_FLAG_NONE});
    }
    std::string wire(nghttp2_hd_deflate_bound(deflater.get(), nva.data(), nva.size()), '\0');
    ssize_t n = nghttp2_hd_deflate_hd(deflater.get(), reinterpret_cast<uint8_t*>(wire.data()),
                                      wire.size(), nva.data(), nva.size());
    EXPECT_GE(n, 0) << nghttp2_strerror(static_cast<int>(n));
    wire.resize(n < 0 ? 0 : static_cast<size_t>(n));
    c.wire = std::move(wire);
    out.cases.push_back(std::move(c));
  }
  return out;
}

std::vector<TableSizeChange> MidStoryChanges(size_t n) {
  return {{n / 5, 256}, {2 * n / 5, 65536}, {3 * n / 5, 0}, {4 * n / 5, 4096}};
}

TEST(Nghttp2InteropTest, RawStoriesAreThere) { ASSERT_EQ(RawStories().size(), 32u); }

TEST(Nghttp2InteropTest, Nghttp2DecodesOurEncoder) {
  for (bool huffman : {true, false}) {
    for (uint32_t table_size : {0u, 256u, 4096u, 65536u}) {
      for (const Story& raw : RawStories()) {
        StoryEncodeOptions options;
        options.use_huffman = huffman;
        options.table_size = table_size;
        std::string error = DecodeWithNghttp2(EncodeStory(raw, options));
        EXPECT_EQ(error, "") << raw.description << " huffman=" << huffman
                             << " table_size=" << table_size;
      }
    }
  }
}

TEST(Nghttp2InteropTest, Nghttp2DecodesOurEncoderWithTableSizeChanges) {
  for (const Story& raw : RawStories()) {
    StoryEncodeOptions options;
    options.changes = MidStoryChanges(raw.cases.size());
    std::string error = DecodeWithNghttp2(EncodeStory(raw, options));
    EXPECT_EQ(error, "") << raw.description;
  }
}

// Our own table limit below the initial 4096 must be announced in the first block (§4.2):
// otherwise nghttp2's table stays at 4096, and when the peer later lowers its setting (here to
// 1024 at the third block) nghttp2 requires a size update that our encoder, believing its table
// already small enough, does not send.
TEST(Nghttp2InteropTest, Nghttp2DecodesOurEncoderWithASmallOwnLimit) {
  for (uint32_t own_limit : {0u, 256u}) {
    for (const Story& raw : RawStories()) {
      StoryEncodeOptions options;
      options.encoder_max_table_size = own_limit;
      std::string error = DecodeWithNghttp2(EncodeStory(raw, options));
      EXPECT_EQ(error, "") << raw.description << " own limit " << own_limit;
      options.changes = {{2, 1024}};
      error = DecodeWithNghttp2(EncodeStory(raw, options));
      EXPECT_EQ(error, "") << raw.description << " own limit " << own_limit << ", peer -> 1024";
    }
  }
}

TEST(Nghttp2InteropTest, WeDecodeNghttp2sEncoder) {
  for (uint32_t table_size : {0u, 256u, 4096u, 65536u}) {
    for (const Story& raw : RawStories()) {
      Story encoded = EncodeWithNghttp2(raw, table_size, {});
      std::string error;
      EXPECT_TRUE(DecodeStory(encoded, {}, &error))
          << raw.description << " table_size=" << table_size << ": " << error;
    }
  }
  for (const Story& raw : RawStories()) {
    Story encoded = EncodeWithNghttp2(raw, 4096, MidStoryChanges(raw.cases.size()));
    std::string error;
    EXPECT_TRUE(DecodeStory(encoded, {}, &error)) << raw.description << " (changes): " << error;
  }
}

// The checker itself must be able to fail: a changed header is reported.
TEST(Nghttp2InteropTest, CheckerDetectsMismatch) {
  ASSERT_FALSE(RawStories().empty());
  Story encoded = EncodeStory(RawStories()[2], {});
  encoded.cases[4].headers[0].value += "x";
  EXPECT_EQ(DecodeWithNghttp2(encoded).rfind("seqno 4: header 0: got", 0), 0u);
}

}  // namespace
}  // namespace h2engine::hpack::tools
