#include "hpack/tools/story.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

namespace h2engine::hpack::tools {

namespace {

std::string CaseWhere(size_t i, std::string_view member) {
  return "cases[" + std::to_string(i) + "]" + (member.empty() ? "" : ".") + std::string(member);
}

bool ParseCase(const JsonValue& v, size_t index, StoryCase* out, std::string* error) {
  if (!v.is_object()) {
    *error = CaseWhere(index, "") + ": expected an object, got " + std::string(JsonTypeName(v.type()));
    return false;
  }
  out->seqno = index;
  if (const JsonValue* seqno = v.Find("seqno")) {
    if (!seqno->AsUint64(&out->seqno)) {
      *error = CaseWhere(index, "seqno") + ": expected a non-negative integer";
      return false;
    }
  }
  if (const JsonValue* size = v.Find("header_table_size"); size != nullptr && !size->is_null()) {
    uint64_t n;
    if (!size->AsUint64(&n) || n > UINT32_MAX) {
      *error = CaseWhere(index, "header_table_size") +
               ": expected null or an integer from 0 to 4294967295";
      return false;
    }
    out->header_table_size = static_cast<uint32_t>(n);
  }
  if (const JsonValue* wire = v.Find("wire")) {
    std::string bytes;
    if (!wire->is_string() || !HexDecode(wire->string_value(), &bytes)) {
      *error = CaseWhere(index, "wire") + ": expected a string of hex digit pairs";
      return false;
    }
    out->wire = std::move(bytes);
  }
  const JsonValue* headers = v.Find("headers");
  if (headers == nullptr || !headers->is_array()) {
    *error = CaseWhere(index, "headers") + ": expected an array";
    return false;
  }
  out->headers.reserve(headers->size());
  for (size_t i = 0; i < headers->size(); ++i) {
    const JsonValue& h = headers->at(i);
    if (!h.is_object() || h.size() != 1 || !h.value(0).is_string()) {
      *error = CaseWhere(index, "headers[" + std::to_string(i) + "]") +
               ": expected an object with exactly one string member";
      return false;
    }
    out->headers.push_back({std::string(h.key(0)), h.value(0).string_value()});
  }
  return true;
}

}  // namespace

bool ParseStory(std::string_view json, Story* out, std::string* error) {
  JsonValue root;
  if (!ParseJson(json, &root, error)) return false;
  if (!root.is_object()) {
    *error = "expected a JSON object at the top level";
    return false;
  }
  *out = Story();
  if (const JsonValue* d = root.Find("description"); d != nullptr && d->is_string()) {
    out->description = d->string_value();
  }
  if (const JsonValue* c = root.Find("context"); c != nullptr && c->is_string()) {
    out->context = c->string_value();
  }
  const JsonValue* cases = root.Find("cases");
  if (cases == nullptr || !cases->is_array()) {
    *error = "cases: expected an array";
    return false;
  }
  out->cases.resize(cases->size());
  for (size_t i = 0; i < cases->size(); ++i) {
    if (!ParseCase(cases->at(i), i, &out->cases[i], error)) return false;
  }
  return true;
}

bool ReadFile(const std::string& path, std::string* out, std::string* error, size_t max_bytes) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    *error = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  out->clear();
  char buf[64 * 1024];
  bool ok = true;
  while (true) {
    size_t n = std::fread(buf, 1, sizeof(buf), f);
    if (n > 0) {
      if (out->size() + n > max_bytes) {
        *error = "cannot read " + path + ": larger than " + std::to_string(max_bytes) + " bytes";
        ok = false;
        break;
      }
      out->append(buf, n);
    }
    if (n < sizeof(buf)) {
      if (std::ferror(f)) {
        *error = "cannot read " + path + ": " + std::strerror(errno);
        ok = false;
      }
      break;
    }
  }
  std::fclose(f);
  return ok;
}

bool LoadStory(const std::string& path, Story* out, std::string* error) {
  std::string text;
  if (!ReadFile(path, &text, error)) return false;
  return ParseStory(text, out, error);
}

bool StoryToJson(const Story& story, std::string* out, std::string* error) {
  JsonValue root = JsonValue::Object();
  root.Set("description", JsonValue::String(story.description));
  if (!story.context.empty()) root.Set("context", JsonValue::String(story.context));
  JsonValue cases = JsonValue::Array();
  for (const StoryCase& c : story.cases) {
    JsonValue jc = JsonValue::Object();
    jc.Set("seqno", JsonValue::Integer(static_cast<int64_t>(c.seqno)));
    if (c.header_table_size.has_value()) {
      jc.Set("header_table_size", JsonValue::Integer(*c.header_table_size));
    }
    if (c.wire.has_value()) jc.Set("wire", JsonValue::String(HexEncode(*c.wire)));
    JsonValue headers = JsonValue::Array();
    for (const StoryHeader& h : c.headers) {
      JsonValue jh = JsonValue::Object();
      jh.Set(h.name, JsonValue::String(h.value));
      headers.Append(std::move(jh));
    }
    jc.Set("headers", std::move(headers));
    cases.Append(std::move(jc));
  }
  root.Set("cases", std::move(cases));
  out->clear();
  if (!WriteJson(root, out, error)) return false;
  out->push_back('\n');
  return true;
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.resize(2 * bytes.size());
  for (size_t i = 0; i < bytes.size(); ++i) {
    uint8_t b = static_cast<uint8_t>(bytes[i]);
    out[2 * i] = kDigits[b >> 4];
    out[2 * i + 1] = kDigits[b & 0xF];
  }
  return out;
}

bool HexDecode(std::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  const auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  out->clear();
  out->reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = digit(hex[i]), lo = digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi << 4 | lo));
  }
  return true;
}

size_t HeaderBytes(const Story& story) {
  size_t n = 0;
  for (const StoryCase& c : story.cases) {
    for (const StoryHeader& h : c.headers) n += h.name.size() + h.value.size();
  }
  return n;
}

size_t HeaderCount(const Story& story) {
  size_t n = 0;
  for (const StoryCase& c : story.cases) n += c.headers.size();
  return n;
}

}  // namespace h2engine::hpack::tools
