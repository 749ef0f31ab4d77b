#!/usr/bin/env bash
# nghttp (nghttp2's client) against the server, with its frame trace (-v) checked by
# nghttp_trace.py: connection preface and SETTINGS exchange, HEADERS, DATA with END_STREAM,
# frame sizes, flow control, GOAWAY; over TLS (ALPN h2), h2c prior knowledge and h2c Upgrade;
# POST to /echo. See README.md.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
interop_begin nghttp nghttp

size() { wc -c <"$ROOT$1" | tr -d ' '; }

# trace NAME NGHTTP_ARGS... -- CHECKER_ARGS...: runs `nghttp -nv` (20 s at most) into a trace
# file and checks it.
trace() {
  local name=$1
  shift
  local args=()
  while [[ $1 != -- ]]; do
    args+=("$1")
    shift
  done
  shift
  local out="$WORK/out/$name.trace" rc=0
  timeout 20 nghttp -nv "${args[@]}" >"$out" 2>&1 || rc=$?
  if ((rc != 0)); then
    echo "nghttp exited with $rc"
    tail -n 20 "$out"
    return 1
  fi
  "$PY" "$INTEROP_DIR/nghttp_trace.py" "$out" "$@"
}

# body KIND PATH: nghttp without -n writes the body to stdout.
body() {
  timeout 20 nghttp "$(url "$1" "$2")" >"$WORK/out/body" || return 1
  same_file "$ROOT$2" "$WORK/out/body"
}

start_server tls
start_server h2c

check "TLS: preface, SETTINGS both ways, HEADERS, DATA+END_STREAM, GOAWAY" \
  trace tls-small "$(url tls /small.txt)" -- --tls --request "/small.txt=200:$(size /small.txt)"
check "TLS: 5 concurrent streams, 404, flow control over 2 MiB" \
  trace tls-many "$(url tls /small.txt)" "$(url tls /medium.bin)" "$(url tls /nested/deep.txt)" \
  "$(url tls /does-not-exist.txt)" "$(url tls /big.bin)" -- --tls --window-update \
  --request "/small.txt=200:$(size /small.txt)" --request "/medium.bin=200:$(size /medium.bin)" \
  --request "/nested/deep.txt=200:$(size /nested/deep.txt)" --request /does-not-exist.txt=404 \
  --request "/big.bin=200:$(size /big.bin)"
check "TLS: body of medium.bin" body tls /medium.bin
check "h2c prior knowledge: frames of 2 concurrent streams" \
  trace h2c "$(url h2c /small.txt)" "$(url h2c /medium.bin)" -- \
  --request "/small.txt=200:$(size /small.txt)" --request "/medium.bin=200:$(size /medium.bin)"
check "h2c prior knowledge: body of big.bin" body h2c /big.bin

if need_full "h2c Upgrade (nghttp -u)" "HTTP/1.1 Upgrade"; then
  check "h2c Upgrade: 101, stream 1 is the upgraded request, then a second stream" \
    trace upgrade -u "$(url h2c /small.txt)" "$(url h2c /medium.bin)" -- --upgrade \
    --request "/small.txt=200:$(size /small.txt)" --request "/medium.bin=200:$(size /medium.bin)"
fi
if need_full "POST /echo (nghttp -d)" "the /echo route"; then
  check "TLS: POST 100 KiB to /echo, echoed with x-method, x-protocol" \
    trace echo -d "$ROOT/medium.bin" "$(url tls /echo)" -- --tls --window-update \
    --request "/echo=200:$(size /medium.bin)" --header /echo:x-method=POST \
    --header /echo:x-protocol=h2 --header /echo:x-path=/echo
fi
interop_end
