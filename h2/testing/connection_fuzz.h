// FuzzConnection: drives one h2::Connection (server or client perspective) with arbitrary peer
// bytes and checks invariants that must hold whatever the peer sends. Used by
// fuzz/connection_server_fuzzer.cc and fuzz/connection_client_fuzzer.cc.
//
// Input: byte 0 selects the set-up:
//   bit 0      prepend a valid peer preface (client: preface + SETTINGS + SETTINGS ACK;
//              server: SETTINGS + SETTINGS ACK), so the fuzzer reaches stream logic quickly
//   bits 1-3   how the rest is cut into ProcessInput() calls (whole, byte by byte, sizes
//              cycling through small primes, ...)
//   bit 4      measure_rtt (the connection sends its own PING)
//   bit 5      tight limits (small windows, 2 streams, 2 KB header lists, 16 KB output
//              buffer, 4 remembered closed streams, low flood limits)
//   bits 6-7   how the application behaves (answers with bodies, trailers, 103, resets,
//              slow consumption)
// The rest is the peer's bytes. The application (a server answering requests, or a client
// that submitted requests) acts from inside callbacks, as real ones do.
//
// Invariants checked (a violation aborts):
//   - ProcessInput consumes every byte unless the connection has failed, and then nothing
//     more later;
//   - everything the connection writes decodes as valid frames with valid HPACK, with no
//     header block interleaved (FrameLog);
//   - the visitor contract of h2/visitor.h: no callback for a stream after its
//     OnStreamClosed, none at all after OnConnectionError (which comes once), OnEndStream
//     once, OnData only between the headers and the end of a stream;
//   - at most max_concurrent_streams peer streams are active; the output backlog stays
//     within twice max_output_buffer plus one chunk;
//   - once the connection has failed, it is closed as soon as its output is drained;
//   - after OnTransportClosed() the application has had OnConnectionError and the connection
//     is closed.

#ifndef H2ENGINE_H2_TESTING_CONNECTION_FUZZ_H_
#define H2ENGINE_H2_TESTING_CONNECTION_FUZZ_H_

#include <cstddef>
#include <cstdint>

#include "h2/perspective.h"

namespace h2engine::h2::testing {

void FuzzConnection(Perspective perspective, const uint8_t* data, size_t size);

}  // namespace h2engine::h2::testing

#endif  // H2ENGINE_H2_TESTING_CONNECTION_FUZZ_H_
