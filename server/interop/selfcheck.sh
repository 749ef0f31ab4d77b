#!/usr/bin/env bash
# Cheap checks of the interop harness itself, run by `bazel test //server/interop:selfcheck_test`
# (no server, no network): every script parses (bash -n, Python ast), is executable and is
# run by run_all.sh; the Go client is gofmt-clean; shellcheck passes where it is installed;
# nghttp_trace.py accepts a recorded good trace and rejects broken variants of it; gen_page.py
# writes the page, 25 scripts and 25 valid PNGs.
set -uo pipefail
dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=/usr/bin/python3
tmp=$(mktemp -d "${TEST_TMPDIR:-/tmp}/selfcheck.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failures=0
ok() { printf '  ok    %s\n' "$1"; }
bad() {
  printf '  FAIL  %s\n' "$1"
  failures=$((failures + 1))
}
expect() { # expect NAME WANT_STATUS COMMAND...
  local name=$1 want=$2 rc=0
  shift 2
  "$@" >"$tmp/out" 2>&1 || rc=$?
  if [[ $rc == "$want" ]]; then ok "$name"; else
    bad "$name (exit $rc, want $want)"
    sed 's/^/        /' "$tmp/out" | tail -n 10
  fi
}

for f in "$dir"/*.sh; do
  expect "bash -n $(basename "$f")" 0 bash -n "$f"
  [[ $(basename "$f") == lib.sh || -x $f ]] || bad "$(basename "$f") is not executable"
done
for f in "$dir"/*.py; do
  expect "python syntax $(basename "$f")" 0 "$PY" -c \
    'import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])' "$f"
  [[ -x $f ]] || bad "$(basename "$f") is not executable"
done
for f in "$dir"/test_*.sh; do
  name=$(basename "$f" .sh)
  grep -q "^  ${name#test_}\$" "$dir/run_all.sh" || bad "run_all.sh does not run $name"
done
if command -v gofmt >/dev/null; then
  expect "gofmt go_client/client.go" 0 test -z "$(gofmt -l "$dir/go_client/client.go")"
fi
if command -v shellcheck >/dev/null; then
  # SC2317 (unreachable code) is wrong here: test functions are called through `check`.
  expect "shellcheck" 0 shellcheck -e SC2317 -x -P "$dir" "$dir"/*.sh
fi

# nghttp_trace.py on a recorded nghttpd trace (two streams: 200 with 38 bytes, and 404).
trace="$dir/testdata/nghttp_tls.trace"
good=(--tls --request /small.txt=200:38 --request /missing.txt=404)
expect "trace checker accepts the recorded trace" 0 "$PY" "$dir/nghttp_trace.py" "$trace" "${good[@]}"
expect "trace checker: wrong status" 1 "$PY" "$dir/nghttp_trace.py" "$trace" --tls \
  --request /small.txt=404
expect "trace checker: wrong length" 1 "$PY" "$dir/nghttp_trace.py" "$trace" --tls \
  --request /small.txt=200:39
expect "trace checker: request never sent" 1 "$PY" "$dir/nghttp_trace.py" "$trace" --tls \
  --request /other.txt=200
expect "trace checker: no WINDOW_UPDATE sent" 1 "$PY" "$dir/nghttp_trace.py" "$trace" \
  --window-update
expect "trace checker: no upgrade in a TLS trace" 1 "$PY" "$dir/nghttp_trace.py" "$trace" --upgrade
mutate() { # mutate NAME SED_SCRIPT: the checker must reject the edited trace
  sed "$2" "$trace" >"$tmp/t"
  cmp -s "$trace" "$tmp/t" && {
    bad "$1: the edit changed nothing"
    return
  }
  expect "trace checker: $1" 1 "$PY" "$dir/nghttp_trace.py" "$tmp/t" "${good[@]}"
}
mutate "DATA frame over 16384 bytes" 's/recv DATA frame <length=38,/recv DATA frame <length=20000,/'
mutate "no END_STREAM on the last DATA" '0,/recv DATA frame <length=38, flags=0x01/s//recv DATA frame <length=38, flags=0x00/'
mutate "server's first frame not SETTINGS" '0,/recv SETTINGS frame <length=6, flags=0x00/s//recv PING frame <length=8, flags=0x00/'
mutate "no SETTINGS ACK from the server" 's/recv SETTINGS frame <length=0, flags=0x01/recv PING frame <length=8, flags=0x01/'
mutate "RST_STREAM from the server" '0,/recv DATA frame/s//recv RST_STREAM frame/'
# shellcheck disable=SC2016 # a sed script, not a shell expression
mutate "GOAWAY with an error from the server" '$a[  0.200] recv GOAWAY frame <length=8, flags=0x00, stream_id=0>\n          (last_stream_id=0, error_code=PROTOCOL_ERROR(0x01), opaque_data(0)=[])'
mutate "client did not end with GOAWAY" 's/send GOAWAY frame/send PING frame/'
mutate "ALPN did not pick h2" 's/The negotiated protocol: h2/The negotiated protocol: http\/1.1/'

# gen_page.py: page, 25 scripts, 25 PNGs with a valid signature and IHDR of 1x1.
expect "gen_page.py runs" 0 "$PY" "$dir/gen_page.py" "$tmp/root" --count 50
n_js=$(find "$tmp/root/res" -name '*.js' | wc -l)
n_png=$(find "$tmp/root/res" -name '*.png' | wc -l)
refs=$(grep -c -e '<script src=' -e '<img src=' "$tmp/root/page.html")
if [[ $n_js == 25 && $n_png == 25 && $refs == 50 ]]; then ok "gen_page.py: 25 scripts, 25 images"; else
  bad "gen_page.py: $n_js scripts, $n_png images, $refs references"
fi
expect "gen_page.py: the PNG is a valid 1x1 image" 0 "$PY" -c '
import struct, sys, zlib
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n", "signature"
pos = 8
while pos < len(d):
    n, kind = struct.unpack(">I4s", d[pos:pos + 8])
    body = d[pos + 8:pos + 8 + n]
    assert struct.unpack(">I", d[pos + 8 + n:pos + 12 + n])[0] == zlib.crc32(kind + body), kind
    if kind == b"IHDR":
        assert struct.unpack(">II", body[:8]) == (1, 1), "size"
    pos += 12 + n
' "$tmp/root/res/i0.png"

if ((failures > 0)); then
  echo "selfcheck: $failures failed"
  exit 1
fi
echo "selfcheck: all passed"
