// HeaderField: one name/value pair handed to the Encoder (RFC 7541 §1.3 "header field").
//
// The views are not owned; they must stay valid for the duration of the Encode() call.

#ifndef H2ENGINE_HPACK_HEADER_FIELD_H_
#define H2ENGINE_HPACK_HEADER_FIELD_H_

#include <string_view>

namespace h2engine::hpack {

struct HeaderField {
  std::string_view name;
  std::string_view value;
  // never_index marks a sensitive field: it is encoded as a never-indexed literal (§6.2.3) and
  // never added to the dynamic table (§7.1.3).
  bool never_index = false;
};

}  // namespace h2engine::hpack

#endif  // H2ENGINE_HPACK_HEADER_FIELD_H_
