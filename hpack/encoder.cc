#include "hpack/encoder.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "hpack/huffman.h"
#include "hpack/static_table.h"
#include "hpack/varint.h"

namespace h2engine::hpack {

namespace {

// Representation patterns (§6) and their integer prefix lengths.
constexpr uint8_t kIndexedPattern = 0x80;              // §6.1, 7-bit index
constexpr uint8_t kIncrementalIndexingPattern = 0x40;  // §6.2.1, 6-bit name index
constexpr uint8_t kWithoutIndexingPattern = 0x00;      // §6.2.2, 4-bit name index
constexpr uint8_t kNeverIndexedPattern = 0x10;         // §6.2.3, 4-bit name index
constexpr uint8_t kSizeUpdatePattern = 0x20;           // §6.3, 5-bit size

}  // namespace

Encoder::Encoder(const EncoderOptions& options)
    : options_(options), table_(kDefaultHeaderTableSize) {
  // The peer's decoder starts at the protocol's 4096 (RFC 9113 §6.5.2). A smaller cap of ours
  // is announced at the start of the first block, so that both tables stay identical (and the
  // peer need not keep memory we will not use).
  if (options_.max_table_size < kDefaultHeaderTableSize) {
    update_pending_ = true;
    pending_min_size_ = pending_size_ = options_.max_table_size;
  }
}

void Encoder::SetPeerMaxTableSize(uint32_t size) {
  const uint32_t target = std::min(size, options_.max_table_size);
  if (update_pending_) {
    pending_min_size_ = std::min(pending_min_size_, target);
  } else {
    if (target == table_.capacity()) return;
    update_pending_ = true;
    pending_min_size_ = target;
  }
  pending_size_ = target;
}

void Encoder::Encode(std::span<const HeaderField> fields, h2engine::ByteSink& out) {
  if (update_pending_) {
    update_pending_ = false;
    // §4.2: signal the smallest size of the interval, then the final one.
    if (pending_min_size_ < pending_size_) {
      AppendVarint(kSizeUpdatePattern, 5, pending_min_size_, out);
      table_.SetCapacity(pending_min_size_);
    }
    if (pending_size_ != table_.capacity()) {
      AppendVarint(kSizeUpdatePattern, 5, pending_size_, out);
      table_.SetCapacity(pending_size_);
    }
  }
  for (const HeaderField& field : fields) EncodeField(field, out);
}

namespace {

// The indexing policy by static name index (0: a name not in the static table).
enum NamePolicy : uint8_t {
  kIndexable = 0,
  // Values that rarely repeat: indexing them costs nothing on the wire (a literal with or
  // without indexing has the same size) but evicts entries that would have been referenced.
  // Measured on the 32 hpack-test-case raw-data stories, excluding these three names (and no
  // others that are not specific to one site) improves the compressed size; date, etag,
  // last-modified, expires, location and set-cookie all repeat enough to be worth indexing.
  kNotIndexed = 1,  // :path (mostly distinct per request), content-length, age (every second)
  kSensitive = 2,   // authorization, proxy-authorization: never indexed (§7.1.3)
  kCookie = 4,      // never indexed when shorter than min_indexed_cookie_length
};

constexpr auto kNamePolicies = [] {
  std::array<uint8_t, kStaticTableSize + 1> policies{};
  policies[kStaticPathIndex] = kNotIndexed;
  policies[kStaticContentLengthIndex] = kNotIndexed;
  policies[kStaticAgeIndex] = kNotIndexed;
  policies[kStaticAuthorizationIndex] = kSensitive;
  policies[kStaticProxyAuthorizationIndex] = kSensitive;
  policies[kStaticCookieIndex] = kCookie;
  return policies;
}();

}  // namespace

void Encoder::EncodeField(const HeaderField& field, h2engine::ByteSink& out) {
  const std::string_view name = field.name;
  const std::string_view value = field.value;
  const StaticMatch match = StaticLookup(name, value);
  const uint8_t policy = kNamePolicies[match.name_index];

  if (H2_PREDICT_FALSE(field.never_index || policy > kNotIndexed)) {
    if (field.never_index || policy == kSensitive ||
        value.size() < options_.min_indexed_cookie_length) {
      EncodeSensitive(match.name_index, name, value, out);
      return;
    }
  }

  if (match.exact_index != 0) {
    out.AppendUInt8(kIndexedPattern | match.exact_index);
    return;
  }

  // Names the policy never indexes cannot be in the dynamic table: no hashing, no lookup.
  // (They are all static names, so the name is indexed anyway.)
  if (policy == kNotIndexed) {
    WriteLiteral(kWithoutIndexingPattern, 4, match.name_index, name, value, out);
    return;
  }

  if (match.name_index != 0) {
    const uint32_t index = table_.NewestIfEqual(match.name_index, value);
    if (index != 0) {
      AppendVarint(kIndexedPattern, 7, index, out);
      return;
    }
  }
  const EncoderTable::Key key = EncoderTable::KeyOf(name, value, match.name_index);
  const EncoderTable::Match dynamic = table_.Lookup(key);
  if (dynamic.exact_index != 0) {
    AppendVarint(kIndexedPattern, 7, dynamic.exact_index, out);
    return;
  }
  const uint32_t name_index = match.name_index != 0 ? match.name_index : dynamic.name_index;
  // An entry above 3/4 of the table would evict most of what is there for one field.
  if (EntrySize(name.size(), value.size()) <= size_t{table_.capacity()} / 4 * 3) {
    WriteLiteral(kIncrementalIndexingPattern, 6, name_index, name, value, out);
    table_.Insert(key);
  } else {
    WriteLiteral(kWithoutIndexingPattern, 4, name_index, name, value, out);
  }
}

void Encoder::EncodeSensitive(uint32_t static_name_index, std::string_view name,
                              std::string_view value, h2engine::ByteSink& out) {
  // An exact table match is not used either (§7.1.3): it would tell that the value was sent.
  uint32_t name_index = static_name_index;
  if (name_index == 0 && table_.num_entries() > 0) {
    name_index = table_.Lookup(EncoderTable::KeyOf(name, value, 0)).name_index;
  }
  WriteLiteral(kNeverIndexedPattern, 4, name_index, name, value, out);
}

namespace {

// WriteString writes a §5.2 string literal at `p`, Huffman-coded if that is strictly shorter
// (on a tie the raw string is cheaper to decode, and zero-copy), and returns its end. `p` must
// have room for kMaxVarintLength + s.size() + kHuffmanEncodeSlack bytes. One pass: the code is
// written where it would go after a one-byte length prefix, and abandoned for the raw string
// as soon as it reaches the raw length.
uint8_t* WriteString(std::string_view s, bool use_huffman, uint8_t* p) {
  H2_DCHECK_LE(s.size(), size_t{UINT32_MAX});
  size_t huffman_length;
  if (use_huffman && s.size() > 1 && HuffmanEncodeTo(s, s.size() - 1, p + 1, &huffman_length)) {
    if (H2_PREDICT_TRUE(huffman_length < 127)) {
      p[0] = static_cast<uint8_t>(0x80 | huffman_length);
      return p + 1 + huffman_length;
    }
    // A longer length prefix: move the code up behind it.
    const size_t n = VarintLength(7, static_cast<uint32_t>(huffman_length));
    std::memmove(p + n, p + 1, huffman_length);
    EncodeVarint(0x80, 7, static_cast<uint32_t>(huffman_length), p);
    return p + n + huffman_length;
  }
  p += EncodeVarint(0, 7, static_cast<uint32_t>(s.size()), p);
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

}  // namespace

void Encoder::WriteLiteral(uint8_t pattern, int prefix_bits, uint32_t name_index,
                           std::string_view name, std::string_view value, h2engine::ByteSink& out) {
  // One reservation covers the whole representation (Huffman output is never longer than the
  // raw string, and its slack lies inside what the next string or the margin reserves).
  uint8_t* const start =
      out.Reserve(3 * kMaxVarintLength + name.size() + value.size() + kHuffmanEncodeSlack);
  uint8_t* p = start + EncodeVarint(pattern, prefix_bits, name_index, start);
  if (name_index == 0) p = WriteString(name, options_.use_huffman, p);
  p = WriteString(value, options_.use_huffman, p);
  out.Commit(static_cast<size_t>(p - start));
}

}  // namespace h2engine::hpack
