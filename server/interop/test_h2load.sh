#!/usr/bin/env bash
# h2load (nghttp2's load generator) against the server: 100,000 requests over 16 TLS
# connections with 100 concurrent streams each, h2c prior knowledge, and with the full contract
# HTTP/1.1 and POSTs to /echo. Every request must succeed with a 2xx status. See README.md.
#
# H2LOAD_REQUESTS overrides the 100,000 of the main run (and scales the others), e.g. for a
# quick run under a sanitizer build; refserver, in Python, takes about 25 s for 100,000.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
interop_begin h2load h2load

# load NAME SECONDS WANT_PROTOCOL N H2LOAD_ARGS...: runs h2load (SECONDS at most) and requires
# "N total, N started, N done, N succeeded, 0 failed, 0 errored, 0 timeout", N 2xx statuses and
# the application protocol WANT_PROTOCOL.
load() {
  local name=$1 secs=$2 proto=$3 n=$4
  shift 4
  local out="$WORK/out/$name.txt" rc=0
  timeout "$secs" h2load -n "$n" "$@" >"$out" 2>&1 || rc=$?
  grep -v '^progress' "$out"
  if ((rc == 124)); then
    echo "h2load did not finish within $secs s"
    return 1
  elif ((rc != 0)); then
    echo "h2load exited with $rc"
    return 1
  fi
  local bad=0 want
  for want in "Application protocol: $proto" \
    "requests: $n total, $n started, $n done, $n succeeded, 0 failed, 0 errored, 0 timeout" \
    "status codes: $n 2xx, 0 3xx, 0 4xx, 0 5xx"; do
    grep -qF "$want" "$out" || {
      echo "missing: $want"
      bad=1
    }
  done
  grep '^finished in' "$out" | sed 's/^/= /'
  return "$bad"
}

N=${H2LOAD_REQUESTS:-100000}
start_server tls
start_server h2c
head -c 10240 /dev/urandom >"$WORK/post.bin"

check "h2/TLS: $N requests, 16 connections x 100 streams" \
  load tls 120 h2 "$N" -c 16 -m 100 "$(url tls /small.txt)"
check "h2c prior knowledge: $((N / 5)) requests, 4 connections x 50 streams" \
  load h2c 60 h2c "$((N / 5))" -c 4 -m 50 "$(url h2c /small.txt)"
if need_full "HTTP/1.1 load" "HTTP/1.1"; then
  check "HTTP/1.1 over TLS: $((N / 10)) requests, 8 connections" \
    load h1 60 http/1.1 "$((N / 10))" --h1 -c 8 "$(url tls /small.txt)"
fi
if need_full "POST load" "the /echo route"; then
  check "h2/TLS: $((N / 50)) POSTs of 10 KiB to /echo, 4 connections x 10 streams" \
    load post 60 h2 "$((N / 50))" -c 4 -m 10 -d "$WORK/post.bin" "$(url tls /echo)"
fi
interop_end
