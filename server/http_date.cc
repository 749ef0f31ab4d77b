#include "server/http_date.h"

#include <array>
#include <cstdio>

namespace h2engine::server {
namespace {

constexpr std::array<std::string_view, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> kLongDays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                       "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// A tiny cursor for fixed-format parsing.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool Literal(std::string_view lit) {
    if (s_.substr(0, lit.size()) != lit) return false;
    s_.remove_prefix(lit.size());
    return true;
  }
  // Digits reads exactly `n` digits.
  bool Digits(int n, int* out) {
    if (s_.size() < static_cast<size_t>(n)) return false;
    int v = 0;
    for (int i = 0; i < n; ++i) {
      char c = s_[static_cast<size_t>(i)];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    s_.remove_prefix(static_cast<size_t>(n));
    *out = v;
    return true;
  }
  // OneOf reads one of `names` and returns its index.
  template <size_t N>
  bool OneOf(const std::array<std::string_view, N>& names, int* out) {
    for (size_t i = 0; i < N; ++i) {
      if (Literal(names[i])) {
        *out = static_cast<int>(i);
        return true;
      }
    }
    return false;
  }
  bool Done() const { return s_.empty(); }

 private:
  std::string_view s_;
};

bool Time(Scanner& in, std::tm* tm) {
  return in.Digits(2, &tm->tm_hour) && in.Literal(":") && in.Digits(2, &tm->tm_min) &&
         in.Literal(":") && in.Digits(2, &tm->tm_sec);
}

std::optional<std::time_t> Finish(std::tm tm) {
  if (tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60 || tm.tm_mday < 1 || tm.tm_mday > 31) {
    return std::nullopt;
  }
  std::tm copy = tm;
  std::time_t t = timegm(&copy);
  // Reject dates timegm normalised (Feb 31 becomes Mar 3).
  if (copy.tm_mday != tm.tm_mday || copy.tm_mon != tm.tm_mon) return std::nullopt;
  return t;
}

}  // namespace

std::string FormatHttpDate(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%s, %02d %s %04d %02d:%02d:%02d GMT",
                kDays[static_cast<size_t>(tm.tm_wday) % 7].data(), tm.tm_mday,
                kMonths[static_cast<size_t>(tm.tm_mon) % 12].data(), tm.tm_year + 1900, tm.tm_hour,
                tm.tm_min, tm.tm_sec);
  return buf;
}

std::optional<std::time_t> ParseHttpDate(std::string_view s) {
  std::tm tm{};
  int day = 0;
  int year = 0;
  {  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
    Scanner in(s);
    if (in.OneOf(kDays, &day) && in.Literal(", ") && in.Digits(2, &tm.tm_mday) && in.Literal(" ") &&
        in.OneOf(kMonths, &tm.tm_mon) && in.Literal(" ") && in.Digits(4, &year) &&
        in.Literal(" ") && Time(in, &tm) && in.Literal(" GMT") && in.Done()) {
      tm.tm_year = year - 1900;
      return Finish(tm);
    }
  }
  {  // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
    Scanner in(s);
    if (in.OneOf(kLongDays, &day) && in.Literal(", ") && in.Digits(2, &tm.tm_mday) &&
        in.Literal("-") && in.OneOf(kMonths, &tm.tm_mon) && in.Literal("-") &&
        in.Digits(2, &year) && in.Literal(" ") && Time(in, &tm) && in.Literal(" GMT") &&
        in.Done()) {
      // RFC 9110 §5.6.7: a two-digit year more than 50 years in the future is in the past.
      // Read 70..99 as 19xx and 00..69 as 20xx, the usual fixed pivot.
      tm.tm_year = year >= 70 ? year : year + 100;
      return Finish(tm);
    }
  }
  {  // asctime: Sun Nov  6 08:49:37 1994
    Scanner in(s);
    if (in.OneOf(kDays, &day) && in.Literal(" ") && in.OneOf(kMonths, &tm.tm_mon) &&
        in.Literal(" ")) {
      bool ok = in.Literal(" ") ? in.Digits(1, &tm.tm_mday) : in.Digits(2, &tm.tm_mday);
      if (ok && in.Literal(" ") && Time(in, &tm) && in.Literal(" ") && in.Digits(4, &year) &&
          in.Done()) {
        tm.tm_year = year - 1900;
        return Finish(tm);
      }
    }
  }
  return std::nullopt;
}

}  // namespace h2engine::server
