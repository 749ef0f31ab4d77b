# shellcheck shell=bash
# Common helpers for the interop tests (sourced, never run). See README.md.
#
# A test script does:
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   interop_begin curl curl              # test name, then the tools it needs
#   start_server tls                     # sets PORT_TLS (and PORT_H2C for h2d)
#   check "what is checked" some_function args...
#   need_full "what nghttpd lacks" || skip "name" "reason"
#   interop_end                          # stops servers, prints a summary, exits 0/1/77
#
# The server under test is chosen by the environment:
#   H2D=/path/to/h2d            our server (the full contract of README.md)
#   STANDIN=nghttpd             nghttpd: TLS h2 and h2c prior knowledge only
#   STANDIN=refserver           refserver.py, the reference implementation of the contract
# Optional: H2D_ARGS (extra server arguments, e.g. "--threads 2 --trace"),
#           INTEROP_KEEP=1 (keep the work directory), INTEROP_VERBOSE=1 (print every log).
#
# Exit status of a test: 0 all checks passed (some may be skipped), 1 a check failed,
# 77 every check was skipped, 2 usage error.

set -uo pipefail

INTEROP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly INTEROP_DIR
PY=/usr/bin/python3 # Debian's python3 with python3-h2, whatever else PATH holds.
readonly PY

# Files every test's document root holds (see make_docroot).
readonly SMALL_BODY="hello from the h2engine interop tests"

_n_ok=0
_n_fail=0
_n_skip=0
_server_pids=()
_bg_pids=()
_test_name=""
WORK=""
ROOT=""
CERT=""
KEY=""
# Set for the test scripts that source this file:
PORT_TLS=""   # port of the TLS server (h2d: the one port)
PORT_H2C=""   # port of the cleartext server (h2d: the same port)
SERVER_PID="" # the server started last
MODE=""       # h2d, refserver or nghttpd

# --- reporting --------------------------------------------------------------------------

ok() { _n_ok=$((_n_ok + 1)); printf '  ok    %s\n' "$1"; }
skip() { _n_skip=$((_n_skip + 1)); printf '  skip  %s (%s)\n' "$1" "$2"; }
fail() {
  _n_fail=$((_n_fail + 1))
  printf '  FAIL  %s\n' "$1"
  if [[ -n ${2:-} ]]; then printf '%s\n' "$2" | sed 's/^/        /'; fi
}

# die MESSAGE: a setup problem (missing tool, server that does not start): fail and stop.
die() {
  fail "$_test_name: setup" "$1"
  exit 1
}

# check NAME COMMAND [ARGS...]: runs COMMAND (usually a shell function of the test) in this
# shell with its output in a log file. Passes when it returns 0; lines it prints starting with
# "= " are shown after "ok" as details. On failure shows the last 25 lines of the log.
_check_seq=0
check() {
  local name=$1
  shift
  _check_seq=$((_check_seq + 1))
  local log
  log="$WORK/logs/$(printf '%02d' "$_check_seq")-$(printf '%s' "$name" | tr -c 'A-Za-z0-9' '_' | cut -c1-60).log"
  local rc=0
  "$@" >"$log" 2>&1 </dev/null || rc=$?
  if ((rc == 0)); then
    ok "$name"
    grep '^= ' "$log" | sed 's/^= /        /' || true
  else
    fail "$name" "$(tail -n 25 "$log")"
  fi
  if [[ ${INTEROP_VERBOSE:-0} == 1 ]]; then sed 's/^/        | /' "$log"; fi
  return 0
}

# full_contract: true when the server under test implements the whole contract (h2d or
# refserver), false for nghttpd (no HTTP/1.1, no Upgrade, no /echo, no graceful SIGTERM).
full_contract() { [[ $MODE != nghttpd ]]; }

# need_full NAME WHAT: skips check NAME (and returns 1) when WHAT is not provided by the
# stand-in.
need_full() {
  if full_contract; then return 0; fi
  skip "$1" "$MODE lacks $2"
  return 1
}

# --- setup ------------------------------------------------------------------------------

# find_tool NAME: prints the path of NAME, also looking in sbin directories that a test
# environment's PATH may lack (nghttpd lives in /usr/sbin).
find_tool() {
  local p
  if p=$(command -v "$1" 2>/dev/null); then
    printf '%s\n' "$p"
    return 0
  fi
  for p in /usr/sbin/"$1" /sbin/"$1" /usr/local/sbin/"$1"; do
    if [[ -x $p ]]; then
      printf '%s\n' "$p"
      return 0
    fi
  done
  return 1
}

# free_port: prints a TCP port on 127.0.0.1 that was free a moment ago. The server may still
# lose a race for it; start_server retries with another port then.
free_port() {
  "$PY" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# make_cert DIR: a self-signed P-256 certificate for localhost and 127.0.0.1, valid 2 days.
make_cert() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -days 2 \
    -keyout "$1/key.pem" -out "$1/cert.pem" >"$1/openssl.log" 2>&1
}

# make_docroot DIR: the files every test may fetch.
#   small.txt        a short text line (SMALL_BODY and a newline)
#   medium.bin       100 KiB of random bytes: more than the default 65,535-byte window
#   big.bin          2 MiB of random bytes: many WINDOW_UPDATEs; slow downloads
#   nested/deep.txt  a file in a subdirectory
# Outside the root, $WORK/secret.txt must never be served (path traversal checks).
make_docroot() {
  mkdir -p "$1/nested"
  printf '%s\n' "$SMALL_BODY" >"$1/small.txt"
  head -c $((100 * 1024)) /dev/urandom >"$1/medium.bin"
  head -c $((2 * 1024 * 1024)) /dev/urandom >"$1/big.bin"
  printf 'nested file\n' >"$1/nested/deep.txt"
  printf 'outside the document root\n' >"$WORK/secret.txt"
}

_cleanup() {
  local rc=$?
  local pid
  for pid in "${_bg_pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  for pid in "${_server_pids[@]}"; do _stop_pid "$pid" 3; done
  if [[ -n $WORK && -d $WORK ]]; then
    if ((_n_fail > 0)) && [[ -n ${TEST_UNDECLARED_OUTPUTS_DIR:-} ]]; then
      cp -r "$WORK/logs" "$TEST_UNDECLARED_OUTPUTS_DIR/$_test_name-logs" 2>/dev/null || true
    fi
    if [[ ${INTEROP_KEEP:-0} == 1 ]]; then
      echo "  (work directory kept: $WORK)"
    else
      rm -rf "$WORK"
    fi
  fi
  exit "$rc"
}

# interop_begin NAME TOOL...: checks the environment, makes the work directory (removed on
# exit), the certificate and the document root, and installs the cleanup trap.
interop_begin() {
  _test_name=$1
  shift
  if [[ -n ${H2D:-} ]]; then
    MODE=h2d
    if [[ $H2D != /* ]]; then H2D="$PWD/$H2D"; fi
    [[ -x $H2D ]] || {
      echo "$_test_name: H2D=$H2D is not an executable file" >&2
      exit 2
    }
  elif [[ ${STANDIN:-} == nghttpd ]]; then
    MODE=nghttpd
  elif [[ ${STANDIN:-} == refserver ]]; then
    MODE=refserver
    H2D="$INTEROP_DIR/refserver.py"
  else
    echo "$_test_name: set H2D=/path/to/h2d, STANDIN=nghttpd or STANDIN=refserver" >&2
    exit 2
  fi
  local base=${TEST_TMPDIR:-${TMPDIR:-/tmp}}
  WORK=$(mktemp -d "$base/interop-$_test_name.XXXXXX") || exit 2
  trap _cleanup EXIT
  trap 'exit 130' INT TERM
  mkdir -p "$WORK/logs" "$WORK/out" "$WORK/home"
  ROOT="$WORK/root"
  CERT="$WORK/cert.pem"
  KEY="$WORK/key.pem"
  echo "$_test_name ($MODE)"

  local t missing=()
  local tools=(openssl "$@")
  if [[ $MODE == nghttpd ]]; then tools+=(nghttpd); fi
  for t in "${tools[@]}"; do find_tool "$t" >/dev/null || missing+=("$t"); done
  [[ -x $PY ]] || missing+=("$PY")
  if ((${#missing[@]} > 0)); then
    die "missing tools: ${missing[*]} (tools/setup.sh installs them)"
  fi
  make_cert "$WORK" || die "openssl could not make the test certificate: $(cat "$WORK/openssl.log")"
  make_docroot "$ROOT"
}

# --- servers ----------------------------------------------------------------------------

# _port_open PORT: true when 127.0.0.1:PORT accepts a TCP connection.
_port_open() { (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# _launch KIND PORT: starts the server in the background; sets _launched_pid.
_launch() {
  local kind=$1 port=$2
  local log="$WORK/logs/server-$kind-$port.log"
  if [[ $MODE == nghttpd ]]; then
    local nghttpd
    nghttpd=$(find_tool nghttpd)
    if [[ $kind == tls ]]; then
      "$nghttpd" --address=127.0.0.1 --htdocs="$ROOT" "$port" "$KEY" "$CERT" >"$log" 2>&1 &
    else
      "$nghttpd" --address=127.0.0.1 --htdocs="$ROOT" --no-tls "$port" >"$log" 2>&1 &
    fi
  else
    # shellcheck disable=SC2086 # H2D_ARGS is a list of words on purpose.
    "$H2D" --host 127.0.0.1 --port "$port" --root "$ROOT" --cert "$CERT" --key "$KEY" \
      --access-log "$WORK/access.log" ${H2D_ARGS:-} >"$log" 2>&1 &
  fi
  _launched_pid=$!
  _launched_log=$log
}

# start_server tls|h2c: starts a server for TLS (h2, and HTTP/1.1 with h2d) or for cleartext
# (h2c, and HTTP/1.1 with h2d) and waits (at most 10 s) until its port accepts connections.
# Sets PORT_TLS or PORT_H2C. h2d serves both on one port, so with h2d both are set by the first
# call and a second call does nothing. Sets SERVER_PID to the last server started.
start_server() {
  local kind=$1
  if [[ $kind == tls && -n $PORT_TLS ]] || [[ $kind == h2c && -n $PORT_H2C ]]; then return 0; fi
  local port i
  for _ in 1 2 3; do
    port=$(free_port) || die "cannot find a free port"
    _launch "$kind" "$port"
    for ((i = 0; i < 100; i++)); do
      if ! kill -0 "$_launched_pid" 2>/dev/null; then break; fi
      if _port_open "$port"; then
        _server_pids+=("$_launched_pid")
        # shellcheck disable=SC2034 # read by test_shutdown.sh
        SERVER_PID=$_launched_pid
        if [[ $MODE == nghttpd ]]; then
          if [[ $kind == tls ]]; then PORT_TLS=$port; else PORT_H2C=$port; fi
        else
          PORT_TLS=$port
          PORT_H2C=$port
        fi
        return 0
      fi
      sleep 0.1
    done
    if kill -0 "$_launched_pid" 2>/dev/null; then
      kill -KILL "$_launched_pid" 2>/dev/null
      wait "$_launched_pid" 2>/dev/null
      die "server did not accept connections on 127.0.0.1:$port within 10 s: $(tail -n 20 "$_launched_log")"
    fi
    wait "$_launched_pid" 2>/dev/null
    if ! grep -qi 'in use' "$_launched_log"; then
      die "server exited at start: $(tail -n 20 "$_launched_log")"
    fi
  done
  die "could not bind a free port in 3 attempts"
}

# url tls|h2c PATH: the URL of PATH on the server started for that kind.
url() {
  if [[ $1 == tls ]]; then
    printf 'https://127.0.0.1:%s%s\n' "$PORT_TLS" "$2"
  else
    printf 'http://127.0.0.1:%s%s\n' "$PORT_H2C" "$2"
  fi
}

# _stop_pid PID SECONDS: SIGTERM, wait up to SECONDS for the exit, then SIGKILL. Sets
# EXIT_STATUS to the exit status, or to "timeout" when SIGKILL was needed. (A global, not
# output: `wait` works only in the shell that started the process, not in $(...).)
_stop_pid() {
  kill -TERM "$1" 2>/dev/null || true
  wait_exit "$1" "$2"
}

# wait_exit PID SECONDS: waits (without signalling) up to SECONDS for a background process to
# exit; sets EXIT_STATUS to its exit status, or to "timeout" after killing it.
wait_exit() {
  local pid=$1 secs=$2 i rc=0
  for ((i = 0; i < secs * 10; i++)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid" 2>/dev/null || rc=$?
      EXIT_STATUS=$rc
      return 0
    fi
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  EXIT_STATUS=timeout
}

# _forget_server PID: drops PID from the servers the cleanup trap stops.
_forget_server() {
  local p kept=()
  for p in "${_server_pids[@]}"; do [[ $p == "$1" ]] || kept+=("$p"); done
  _server_pids=("${kept[@]}")
}

# stop_servers: SIGTERM every server and wait (10 s at most). With the full contract the exit
# status must be 0 (graceful shutdown); nghttpd dies of the signal, which is fine. Reports the
# result as a check, since a crash during the test shows up here.
stop_servers() {
  local pid bad=""
  for pid in "${_server_pids[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      local rc=0
      wait "$pid" 2>/dev/null || rc=$?
      bad+="server $pid died during the test (status $rc); "
      continue
    fi
    _stop_pid "$pid" 10
    if full_contract && [[ $EXIT_STATUS != 0 ]]; then
      bad+="server $pid: exit status after SIGTERM '$EXIT_STATUS', want 0; "
    fi
  done
  _server_pids=()
  PORT_TLS=""
  PORT_H2C=""
  if [[ -n $bad ]]; then
    fail "server stays up and exits cleanly on SIGTERM" "$bad
$(tail -n 20 "$WORK"/logs/server-*.log 2>/dev/null)"
  elif full_contract; then
    ok "server stays up and exits 0 on SIGTERM"
  fi
}

# bg_started PID: registers a background client so the cleanup trap kills it.
bg_started() { _bg_pids+=("$1"); }

# interop_end: stops the servers and exits with the test's status.
interop_end() {
  if ((${#_server_pids[@]} > 0)); then stop_servers; fi
  printf '  %s: %d ok, %d failed, %d skipped\n' "$_test_name" "$_n_ok" "$_n_fail" "$_n_skip"
  if ((_n_fail > 0)); then exit 1; fi
  if ((_n_ok == 0)); then exit 77; fi
  exit 0
}

# --- assertions used by several tests ---------------------------------------------------

# same_file EXPECTED ACTUAL: cmp, with a short message.
same_file() {
  if ! cmp -s "$1" "$2"; then
    echo "body differs from $1: got $(wc -c <"$2" 2>/dev/null || echo 0) bytes, want $(wc -c <"$1") bytes"
    cmp "$1" "$2" 2>&1 | head -n 1
    return 1
  fi
}
