// HTTP-date formatting and parsing (RFC 9110 §5.6.7).
//
// FormatHttpDate writes the preferred IMF-fixdate form ("Sun, 06 Nov 1994 08:49:37 GMT").
// ParseHttpDate accepts all three forms a recipient must accept: IMF-fixdate, the obsolete
// RFC 850 form ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime ("Sun Nov  6 08:49:37 1994").
// Anything else, including out-of-range fields, is nullopt; callers ignore such a header
// (RFC 9110 §13.1.3: an invalid date in a precondition means the field is ignored).

#ifndef H2ENGINE_SERVER_HTTP_DATE_H_
#define H2ENGINE_SERVER_HTTP_DATE_H_

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace h2engine::server {

std::string FormatHttpDate(std::time_t t);
std::optional<std::time_t> ParseHttpDate(std::string_view s);

}  // namespace h2engine::server

#endif  // H2ENGINE_SERVER_HTTP_DATE_H_
