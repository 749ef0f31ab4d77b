#!/usr/bin/env bash
# python3-h2 (h2_client.py) over a real socket: TLS with ALPN h2 and h2c (prior knowledge, and
# with the full contract the Upgrade); concurrent streams, HEAD, 404, PING, a 300 KiB POST to
# /echo, and the close after the client's GOAWAY. See README.md.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
interop_begin python_h2

client() { timeout 30 "$PY" "$INTEROP_DIR/h2_client.py" fetch --root "$ROOT" "$@"; }

"$PY" -c 'import h2' 2>/dev/null || die "$PY cannot import h2 (Debian python3-h2)"
start_server tls
start_server h2c

check "TLS + ALPN h2: 6 concurrent streams, PING, GOAWAY and close" \
  client --tls --cafile "$CERT" --port "$PORT_TLS"
check "h2c prior knowledge: 6 concurrent streams, PING, GOAWAY and close" \
  client --h2c --port "$PORT_H2C"
if need_full "h2c Upgrade" "HTTP/1.1 Upgrade"; then
  check "h2c Upgrade: 101, stream 1 and 6 more streams, PING, GOAWAY and close" \
    client --upgrade --port "$PORT_H2C"
fi
if need_full "POST /echo" "the /echo route"; then
  check "TLS: 300 KiB POST to /echo (flow control both ways) among 8 streams" \
    client --tls --cafile "$CERT" --port "$PORT_TLS" --echo
  check "h2c: 300 KiB POST to /echo among 8 streams" client --h2c --port "$PORT_H2C" --echo
fi
interop_end
