#!/usr/bin/env bash
# h2d as a program: --help and --version, one-line errors with exit status 2 for bad flags, a
# missing or bad certificate, key or root and a busy port; the default mode (demo site,
# self-signed certificate written for curl --cacert) served over TLS h2 and the other
# protocols; --root with /echo and the access log; SIGTERM exits 0, a second signal forces
# exit 1. Usage: h2d_test.sh [PATH_TO_H2D] (Bazel passes it through $H2D).
set -uo pipefail

H2D=${1:-${H2D:-bazel-bin/server/h2d}}
if [[ $H2D != /* ]]; then H2D="$PWD/$H2D"; fi
PY=/usr/bin/python3
WORK=$(mktemp -d "${TEST_TMPDIR:-${TMPDIR:-/tmp}}/h2d_test.XXXXXX")
export TMPDIR="$WORK" # the self-signed certificate goes here
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT

failures=0
checks=0
pass() {
  checks=$((checks + 1))
  echo "ok    $1"
}
fail() {
  checks=$((checks + 1))
  failures=$((failures + 1))
  echo "FAIL  $1"
  if [[ -n ${2:-} ]]; then printf '%s\n' "$2" | sed 's/^/      /'; fi
}

free_port() {
  "$PY" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

port_open() { (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# expect_error NAME WANT_SUBSTRING ARGS...: h2d exits 2 with exactly one line on stderr that
# contains WANT_SUBSTRING, and nothing on stdout.
expect_error() {
  local name=$1 want=$2
  shift 2
  local rc=0
  timeout 10 "$H2D" "$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
  local lines
  lines=$(wc -l <"$WORK/err")
  if [[ $rc == 2 && $lines == 1 && ! -s $WORK/out ]] && grep -qF -- "$want" "$WORK/err"; then
    pass "$name: $(cat "$WORK/err")"
  else
    fail "$name" "exit $rc (want 2), $lines stderr lines (want 1), want '$want'
stderr: $(cat "$WORK/err")
stdout: $(head -c 300 "$WORK/out")"
  fi
}

# start NAME ARGS...: starts h2d in the background on a fresh port (PORT), waits until it
# accepts connections (10 s at most). Sets PID and PORT; output in $WORK/NAME.out/.err.
start() {
  local name=$1
  shift
  PORT=$(free_port)
  "$H2D" --port "$PORT" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
  PID=$!
  pids+=("$PID")
  local i
  for ((i = 0; i < 100; i++)); do
    if port_open "$PORT"; then return 0; fi
    if ! kill -0 "$PID" 2>/dev/null; then break; fi
    sleep 0.1
  done
  fail "$name: h2d did not start on port $PORT" "$(cat "$WORK/$name.out" "$WORK/$name.err")"
  return 1
}

# stop SIGNAL: sends SIGNAL to PID and waits for the exit (10 s at most); sets STATUS.
stop() {
  kill -"$1" "$PID" 2>/dev/null
  local i
  for ((i = 0; i < 100; i++)); do
    if ! kill -0 "$PID" 2>/dev/null; then
      STATUS=0
      wait "$PID" || STATUS=$?
      return 0
    fi
    sleep 0.1
  done
  kill -KILL "$PID" 2>/dev/null
  wait "$PID" 2>/dev/null
  STATUS=timeout
}

[[ -x $H2D ]] || {
  echo "h2d_test.sh: $H2D is not executable" >&2
  exit 2
}

# --- --help and --version ------------------------------------------------------------------
rc=0
"$H2D" --help >"$WORK/help" 2>&1 || rc=$?
flags=$(grep -c '^  --' "$WORK/help")
defaults=$(grep -c '^      default: ' "$WORK/help")
if [[ $rc == 0 ]] && ((flags >= 20 && defaults == flags - 2)) &&
  grep -q '^  --port N$' "$WORK/help" && grep -q 'default: 8443' "$WORK/help"; then
  pass "--help: $flags flags, each with its default (--help and --version aside)"
else
  fail "--help" "exit $rc, $flags flags, $defaults defaults
$(head -20 "$WORK/help")"
fi
rc=0
version=$("$H2D" --version 2>&1) || rc=$?
if [[ $rc == 0 && $version == "h2d (h2engine) "* ]]; then
  pass "--version: $version"
else
  fail "--version" "exit $rc: $version"
fi

# --- one-line errors, exit status 2 ---------------------------------------------------------
expect_error "unknown flag" "unknown flag --bogus" --bogus
expect_error "bad number" "--port: 'eighty' is not a whole number" --port eighty
expect_error "out of range" "--port: '70000' is out of range" --port 70000
expect_error "bad duration" "--idle-timeout: '5x' is not a duration" --idle-timeout 5x
expect_error "missing value" "--root needs a value" --root
expect_error "positional argument" "unexpected argument 'now'" now
expect_error "missing root" "--root '$WORK/missing': No such file or directory" --root "$WORK/missing"
touch "$WORK/file"
expect_error "root is a file" "--root '$WORK/file': not a directory" --root "$WORK/file"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -days 2 \
  -keyout "$WORK/key.pem" -out "$WORK/cert.pem" >/dev/null 2>&1 ||
  fail "openssl could not make a test certificate"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=other -days 2 \
  -keyout "$WORK/other-key.pem" -out "$WORK/other-cert.pem" >/dev/null 2>&1
expect_error "missing certificate" "cannot read certificate file '$WORK/nope.pem': No such file" \
  --cert "$WORK/nope.pem" --key "$WORK/key.pem"
expect_error "missing key" "'$WORK/nokey.pem': No such file" \
  --cert "$WORK/cert.pem" --key "$WORK/nokey.pem"
expect_error "key is not PEM" "$WORK/file" --cert "$WORK/cert.pem" --key "$WORK/file"
expect_error "key of another certificate" "does not match" \
  --cert "$WORK/cert.pem" --key "$WORK/other-key.pem"
expect_error "cert without key" "--cert needs --key" --cert "$WORK/cert.pem"
expect_error "access log cannot be opened" "cannot open access log '$WORK/no/such/dir.log'" \
  --access-log "$WORK/no/such/dir.log"

# Busy port: a socket bound without SO_REUSEPORT (h2d's own listeners set it).
busy=$(free_port)
"$PY" -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1)
print("ready", flush=True); time.sleep(30)' "$busy" >"$WORK/busy.out" 2>&1 &
holder=$!
pids+=("$holder")
for ((i = 0; i < 50; i++)); do
  if grep -q ready "$WORK/busy.out" 2>/dev/null; then break; fi
  sleep 0.1
done
expect_error "busy port" "127.0.0.1:$busy is already in use" --port "$busy"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

# --- the default mode: demo site, self-signed certificate -----------------------------------
if start demo; then
  cert="$WORK/h2d-$PORT-cert.pem"
  out=$(cat "$WORK/demo.out")
  if [[ -s $cert ]] && grep -qF "$cert" "$WORK/demo.out" &&
    grep -qF "curl --cacert $cert https://127.0.0.1:$PORT/" "$WORK/demo.out"; then
    pass "banner names the certificate file and the curl command"
  else
    fail "banner and certificate file" "$out"
  fi
  if ! grep -q 'PRIVATE KEY' "$cert" 2>/dev/null; then
    pass "the private key is not written to disk"
  else
    fail "the certificate file holds the private key"
  fi
  # curl over TLS with ALPN h2, trusting the written certificate.
  got=$(curl -sS --max-time 10 --cacert "$cert" --http2 -o "$WORK/index.html" \
    -w '%{http_version} %{http_code}' "https://127.0.0.1:$PORT/" 2>&1)
  if [[ $got == "2 200" ]] && grep -q '<title>h2engine' "$WORK/index.html"; then
    pass "GET / over TLS h2 with curl --cacert: $got"
  else
    fail "GET / over TLS h2" "$got"
  fi
  got=$(curl -sS --max-time 10 --cacert "$cert" --http2 "https://localhost:$PORT/api/info" 2>&1)
  if [[ $got == *'"protocol":"h2"'* && $got == *'"scheme":"https"'* ]]; then
    pass "/api/info over TLS h2 (name localhost verified): $got"
  else
    fail "/api/info over TLS h2" "$got"
  fi
  got=$(curl -sS --max-time 10 --cacert "$cert" --http1.1 "https://127.0.0.1:$PORT/api/info" 2>&1)
  if [[ $got == *'"protocol":"http/1.1"'* ]]; then
    pass "/api/info over TLS HTTP/1.1"
  else
    fail "/api/info over TLS HTTP/1.1" "$got"
  fi
  got=$(curl -sS --max-time 10 --http2-prior-knowledge "http://127.0.0.1:$PORT/api/info" 2>&1)
  if [[ $got == *'"protocol":"h2"'* && $got == *'"scheme":"http"'* ]]; then
    pass "/api/info over h2c (prior knowledge)"
  else
    fail "/api/info over h2c" "$got"
  fi
  got=$(curl -sS --max-time 10 --http1.1 "http://127.0.0.1:$PORT/stream?n=3&interval=10ms" 2>&1)
  if [[ $(grep -c '^chunk [123] of 3' <<<"$got") == 3 ]]; then
    pass "/stream over cleartext HTTP/1.1: 3 chunks"
  else
    fail "/stream over HTTP/1.1" "$got"
  fi
  got=$(curl -sS --max-time 10 --cacert "$cert" --http2 -v "https://127.0.0.1:$PORT/trailers" \
    2>&1 >/dev/null)
  if grep -qi '^< x-crc32: [0-9a-f]\{8\}' <<<"$got"; then
    pass "/trailers over h2: x-crc32 trailer"
  else
    fail "/trailers over h2" "$(grep '^<' <<<"$got")"
  fi
  stop TERM
  if [[ $STATUS == 0 ]]; then pass "SIGTERM: exit 0"; else fail "SIGTERM: exit $STATUS, want 0"; fi
fi

# --- --root, /echo, the access log ---------------------------------------------------------
mkdir -p "$WORK/root/sub"
printf 'hello from the root\n' >"$WORK/root/hello.txt"
if start root --root "$WORK/root" --cert "$WORK/cert.pem" --key "$WORK/key.pem" \
  --access-log "$WORK/access.log" --threads 2; then
  got=$(curl -sS --max-time 10 --cacert "$WORK/cert.pem" --http2 \
    "https://localhost:$PORT/hello.txt" 2>&1)
  if [[ $got == "hello from the root" ]]; then
    pass "--root with --cert/--key: a file over TLS h2"
  else
    fail "--root file" "$got"
  fi
  code=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/" 2>&1)
  if [[ $code == 404 ]]; then pass "--root: no demo site (/ is 404)"; else fail "--root /: $code"; fi
  got=$(curl -sS --max-time 10 -D "$WORK/echo.h" --data-binary 'ping' \
    "http://127.0.0.1:$PORT/echo" 2>&1)
  if [[ $got == ping ]] && tr -d '\r' <"$WORK/echo.h" | grep -qx 'x-protocol: http/1.1'; then
    pass "--root: /echo still there"
  else
    fail "--root /echo" "$got $(cat "$WORK/echo.h")"
  fi
  stop TERM
  if [[ $STATUS == 0 ]]; then pass "SIGTERM: exit 0"; else fail "SIGTERM: exit $STATUS, want 0"; fi
  # time peer protocol method target status bytes duration
  re='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{12}Z 127\.0\.0\.1:[0-9]+'
  if [[ $(wc -l <"$WORK/access.log") == 3 ]] &&
    grep -Eq "$re h2 GET /hello.txt 200 20 [0-9.]+ms$" "$WORK/access.log" &&
    grep -Eq "$re http/1.1 GET / 404 [0-9]+ [0-9.]+ms$" "$WORK/access.log" &&
    grep -Eq "$re http/1.1 POST /echo 200 4 [0-9.]+ms$" "$WORK/access.log"; then
    pass "access log: one line per request with every field"
  else
    fail "access log" "$(cat "$WORK/access.log")"
  fi
fi

# --- --tls-only, --trace, --origin ---------------------------------------------------------
if start tlsonly --tls-only --trace --origin https://example.com --threads 1; then
  cert="$WORK/h2d-$PORT-cert.pem"
  got=$(curl -sS --max-time 10 --cacert "$cert" --http2 -o /dev/null -w '%{http_version} %{http_code}' \
    "https://127.0.0.1:$PORT/api/info" 2>&1)
  if [[ $got == "2 200" ]]; then pass "--tls-only: TLS h2 served"; else fail "--tls-only TLS" "$got"; fi
  code=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/" 2>/dev/null)
  if [[ $code == 000 ]]; then
    pass "--tls-only: cleartext HTTP/1.1 refused"
  else
    fail "--tls-only: cleartext answered $code"
  fi
  stop TERM
  if [[ $STATUS == 0 ]] && grep -q 'send SETTINGS frame' "$WORK/tlsonly.err" &&
    grep -q 'send ORIGIN frame' "$WORK/tlsonly.err" &&
    grep -q 'recv HEADERS frame' "$WORK/tlsonly.err"; then
    pass "--trace: frames on stderr (SETTINGS, ORIGIN, HEADERS); exit 0"
  else
    fail "--trace / --origin / exit $STATUS" "$(head -c 1500 "$WORK/tlsonly.err")"
  fi
fi

# --- a second signal forces the exit --------------------------------------------------------
if start force; then
  curl -sS --max-time 20 "http://127.0.0.1:$PORT/stream?n=100&interval=1s" >/dev/null 2>&1 &
  pids+=("$!")
  sleep 0.5
  kill -INT "$PID"
  sleep 0.3
  stop INT
  if [[ $STATUS == 1 ]]; then
    pass "SIGINT twice during a long response: exit 1 at once"
  else
    fail "SIGINT twice: exit $STATUS, want 1" "$(cat "$WORK/force.err")"
  fi
fi

echo "h2d_test: $((checks - failures)) ok, $failures failed"
((failures == 0))
