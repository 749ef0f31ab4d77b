#include "server/headers.h"

#include <algorithm>

namespace h2engine::server {

Headers::Headers(std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  for (const auto& [name, value] : fields) Add(name, value);
}

void Headers::Add(std::string_view name, std::string_view value) {
  fields_.push_back(HeaderField{AsciiLower(name), std::string(value)});
}

void Headers::Set(std::string_view name, std::string_view value) {
  Remove(name);
  Add(name, value);
}

size_t Headers::Remove(std::string_view name) {
  return RemoveIf([name](const HeaderField& f) { return EqualsIgnoreCase(f.name, name); });
}

size_t Headers::RemoveIf(const std::function<bool(const HeaderField&)>& pred) {
  auto it = std::remove_if(fields_.begin(), fields_.end(), pred);
  size_t removed = static_cast<size_t>(fields_.end() - it);
  fields_.erase(it, fields_.end());
  return removed;
}

std::optional<std::string_view> Headers::Get(std::string_view name) const {
  for (const HeaderField& f : fields_) {
    if (EqualsIgnoreCase(f.name, name)) return std::string_view(f.value);
  }
  return std::nullopt;
}

std::vector<std::string_view> Headers::GetAll(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const HeaderField& f : fields_) {
    if (EqualsIgnoreCase(f.name, name)) out.push_back(f.value);
  }
  return out;
}

size_t Headers::Count(std::string_view name) const {
  size_t n = 0;
  for (const HeaderField& f : fields_) n += EqualsIgnoreCase(f.name, name) ? 1 : 0;
  return n;
}

bool Headers::HasToken(std::string_view name, std::string_view token) const {
  bool found = false;
  for (const HeaderField& f : fields_) {
    if (!EqualsIgnoreCase(f.name, name)) continue;
    ForEachListElement(f.value, [&](std::string_view element) {
      if (EqualsIgnoreCase(element, token)) found = true;
    });
    if (found) return true;
  }
  return false;
}

char AsciiToLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiToLower(c);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiToLower(a[i]) != AsciiToLower(b[i])) return false;
  }
  return true;
}

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsTokenChar(unsigned char c) {
  if (c >= '0' && c <= '9') return true;
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTokenChar(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool IsFieldValueChar(unsigned char c) { return c == '\t' || (c >= 0x20 && c != 0x7f); }

bool IsValidFieldValue(std::string_view s) {
  for (char c : s) {
    if (!IsFieldValueChar(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

void ForEachListElement(std::string_view value, const std::function<void(std::string_view)>& fn) {
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view element = TrimOws(value.substr(0, comma));
    if (!element.empty()) fn(element);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

bool IsConnectionSpecificHeader(std::string_view name) {
  return name == "connection" || name == "keep-alive" || name == "proxy-connection" ||
         name == "transfer-encoding" || name == "upgrade" || name == "te";
}

size_t StripConnectionSpecificHeaders(Headers& headers, bool keep_te_trailers) {
  std::vector<std::string> nominated;
  for (std::string_view value : headers.GetAll("connection")) {
    ForEachListElement(value, [&](std::string_view e) { nominated.push_back(AsciiLower(e)); });
  }
  return headers.RemoveIf([&](const HeaderField& f) {
    if (f.name == "te")
      return !(keep_te_trailers && EqualsIgnoreCase(TrimOws(f.value), "trailers"));
    if (IsConnectionSpecificHeader(f.name)) return true;
    return std::find(nominated.begin(), nominated.end(), f.name) != nominated.end();
  });
}

bool IsForbiddenTrailer(std::string_view name) {
  return IsConnectionSpecificHeader(name) || name == "content-length" || name == "host" ||
         name == "content-type" || name == "content-encoding" || name == "content-range" ||
         name == "trailer" || name == "authorization" || name == "set-cookie" ||
         name == "cache-control" || name == "expect" || name == "range";
}

}  // namespace h2engine::server
