#include "tls/ssl_error.h"

#include <openssl/err.h>

namespace h2engine::tls::internal {

void ClearSslErrors() { ERR_clear_error(); }

std::string TakeSslErrors() {
  std::string out;
  // ERR_error_string_n writes at most this many bytes including the terminator; BoringSSL's
  // strings ("error:%08x:%s:OPENSSL_internal:%s") fit comfortably.
  char buf[256];
  while (const uint32_t code = ERR_get_error()) {
    ERR_error_string_n(code, buf, sizeof(buf));
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

void SetError(std::string* out_error, std::string_view what) {
  std::string queue = TakeSslErrors();
  if (out_error == nullptr) return;
  out_error->assign(what);
  if (!queue.empty()) {
    *out_error += " (";
    *out_error += queue;
    *out_error += ")";
  }
}

}  // namespace h2engine::tls::internal
