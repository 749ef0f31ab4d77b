// Internal to //tls: turning BoringSSL's thread-local error queue into readable messages.
//
// BoringSSL reports failures by pushing packed error codes onto a per-thread queue. Every
// //tls entry point clears the queue before calling into BoringSSL (ClearSslErrors) and, on
// failure, drains it into the message it hands back (TakeSslErrors), so errors of one call
// never leak into the next one's message.

#ifndef H2ENGINE_TLS_SSL_ERROR_H_
#define H2ENGINE_TLS_SSL_ERROR_H_

#include <string>
#include <string_view>

namespace h2engine::tls::internal {

// ClearSslErrors empties this thread's BoringSSL error queue.
void ClearSslErrors();

// TakeSslErrors empties this thread's BoringSSL error queue and returns its entries, oldest
// first, each formatted by ERR_error_string_n and joined with "; ". Returns "" if it was empty.
std::string TakeSslErrors();

// SetError stores `what` in *out_error (if out_error is not null), followed by
// " (" + TakeSslErrors() + ")" when the queue held anything. Always drains the queue.
void SetError(std::string* out_error, std::string_view what);

}  // namespace h2engine::tls::internal

#endif  // H2ENGINE_TLS_SSL_ERROR_H_
