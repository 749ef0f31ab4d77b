#!/usr/bin/env bash
# curl against the server: HTTP/2 over TLS (ALPN), h2c with prior knowledge, h2c through
# `Upgrade: h2c`, HTTP/1.1 over TLS and cleartext; bodies compared with the files, several
# transfers over one connection, 404, HEAD, path traversal, /echo on every protocol and the
# access log. See README.md.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
interop_begin curl curl

CURL=(curl -sS --max-time 20 --cacert "$CERT")
FILES=(/small.txt /medium.bin /nested/deep.txt /big.bin)

# fetch_files KIND WANT_VERSION CONNECTIONS CURL_OPTION...: fetches FILES, compares the
# bodies, requires the HTTP version and status 200. CONNECTIONS=1: one curl run for all files,
# which must use a single connection; CONNECTIONS=each: one curl run per file. (curl 7.88 fails
# to reuse an h2c prior-knowledge connection, curl/curl#10634, fixed in curl 8.0.)
fetch_files() {
  local kind=$1 want=$2 conns=$3
  shift 3
  local args=() f i=0
  : >"$WORK/out/$kind.w"
  for f in "${FILES[@]}"; do
    args+=(-o "$WORK/out/$kind-$i" "$(url "$kind" "$f")")
    if [[ $conns == each ]]; then
      "${CURL[@]}" "$@" -w '%{http_version} %{http_code} %{num_connects}\n' "${args[@]}" \
        >>"$WORK/out/$kind.w" || return 1
      args=()
    fi
    i=$((i + 1))
  done
  if [[ $conns == 1 ]]; then
    "${CURL[@]}" "$@" -w '%{http_version} %{http_code} %{num_connects}\n' "${args[@]}" \
      >"$WORK/out/$kind.w" || return 1
  fi
  cat "$WORK/out/$kind.w"
  local version code connects total=0 n=0 bad=0
  while read -r version code connects; do
    if [[ $version != "$want" || $code != 200 ]]; then
      echo "transfer $n: HTTP version $version status $code, want $want 200"
      bad=1
    fi
    total=$((total + connects))
    n=$((n + 1))
  done <"$WORK/out/$kind.w"
  ((n == ${#FILES[@]})) || {
    echo "curl reported $n transfers, want ${#FILES[@]}"
    return 1
  }
  if [[ $conns == 1 ]] && ((total != 1)); then
    echo "$total connections for ${#FILES[@]} transfers, want 1 (connection reuse)"
    bad=1
  fi
  i=0
  for f in "${FILES[@]}"; do
    same_file "$ROOT$f" "$WORK/out/$kind-$i" || bad=1
    i=$((i + 1))
  done
  return "$bad"
}

# status_is KIND PATH WANT CURL_OPTION...: the response status for PATH.
status_is() {
  local kind=$1 path=$2 want=$3
  shift 3
  local code
  code=$("${CURL[@]}" "$@" -o "$WORK/out/status-body" -w '%{http_code}' "$(url "$kind" "$path")")
  echo "status $code for $path"
  [[ $code == "$want" ]]
}

# head_request KIND CURL_OPTION...: HEAD /medium.bin gives 200, content-length, no body.
head_request() {
  local kind=$1
  shift
  "${CURL[@]}" "$@" -I -o "$WORK/out/head" -w '%{http_code} %{size_download}\n' \
    "$(url "$kind" /medium.bin)" >"$WORK/out/head.w" || return 1
  cat "$WORK/out/head" "$WORK/out/head.w"
  local code size
  read -r code size <"$WORK/out/head.w"
  [[ $code == 200 && $size == 0 ]] || return 1
  tr -d '\r' <"$WORK/out/head" | grep -qix "content-length: $((100 * 1024))"
}

# traversal KIND CURL_OPTION...: /../secret.txt (sent as is, also percent-encoded) must not
# reach the file outside the root; any 4xx is fine.
traversal() {
  local kind=$1 path code
  shift
  for path in /../secret.txt /%2e%2e/secret.txt /nested/../../secret.txt; do
    code=$("${CURL[@]}" "$@" --path-as-is -o "$WORK/out/trav" -w '%{http_code}' \
      "$(url "$kind" "$path")")
    echo "status $code for $path"
    [[ $code == 4* ]] || return 1
    if grep -q 'outside the document root' "$WORK/out/trav"; then
      echo "served the file outside the root"
      return 1
    fi
  done
}

# echo_route KIND WANT_PROTOCOL CURL_OPTION...: POST /echo with 100 KiB returns the same bytes
# and x-method/x-path/x-protocol; GET /echo returns an empty body and x-method GET.
echo_route() {
  local kind=$1 want=$2
  shift 2
  local h="$WORK/out/echo-$kind-${want//\//_}.h" b="$WORK/out/echo-$kind-${want//\//_}.b"
  "${CURL[@]}" "$@" --data-binary "@$ROOT/medium.bin" -H 'content-type: application/octet-stream' \
    -D "$h" -o "$b" "$(url "$kind" /echo)" || return 1
  tr -d '\r' <"$h" >"$h.lf"
  cat "$h.lf"
  local bad=0 line
  for line in "x-method: POST" "x-path: /echo" "x-protocol: $want"; do
    grep -qix "$line" "$h.lf" || {
      echo "missing header line '$line'"
      bad=1
    }
  done
  same_file "$ROOT/medium.bin" "$b" || bad=1
  "${CURL[@]}" "$@" -D "$h" -o "$b" "$(url "$kind" /echo)" || return 1
  tr -d '\r' <"$h" >"$h.lf"
  grep -qix "x-method: GET" "$h.lf" || {
    echo "GET /echo: no 'x-method: GET'"
    bad=1
  }
  [[ ! -s $b ]] || {
    echo "GET /echo: body not empty"
    bad=1
  }
  return "$bad"
}

# upgrade KIND: `curl --http2 http://...` sends `Upgrade: h2c`; the first response comes over
# h2 on stream 1 after 101, the next request on the same connection is plain h2.
upgrade() {
  fetch_files h2c 2 1 --http2 -v 2>"$WORK/out/upgrade.v" || {
    cat "$WORK/out/upgrade.v"
    return 1
  }
  grep -q '101 Switching Protocols' "$WORK/out/upgrade.v" || {
    echo "no '101 Switching Protocols' in curl -v output"
    return 1
  }
  echo "= 101 Switching Protocols, then h2"
  local h="$WORK/out/upgrade-echo.h"
  "${CURL[@]}" --http2 -D "$h" -o /dev/null "$(url h2c /small.txt)" "$(url h2c /echo)" || return 1
  tr -d '\r' <"$h" | grep -qix 'x-protocol: h2'
}

# access_log: after the server exits, its access log names the requests: a line with GET,
# /nested/deep.txt and 200, a line with GET /does-not-exist.txt and 404, one with POST /echo.
access_log() {
  local log="$WORK/access.log"
  [[ -s $log ]] || {
    echo "no access log at $log"
    return 1
  }
  head -n 5 "$log"
  local want
  for want in 'GET /nested/deep.txt 200' 'GET /does-not-exist.txt 404' 'POST /echo 200'; do
    read -r m p s <<<"$want"
    awk -v m="$m" -v p="$p" -v s="$s" '
      { hm = hp = hs = 0
        for (i = 1; i <= NF; i++) { if ($i == m) hm = 1; if ($i == p) hp = 1; if ($i == s) hs = 1 }
        if (hm && hp && hs) found = 1 }
      END { exit !found }' "$log" || {
      echo "no access log line with the fields $want"
      return 1
    }
  done
}

start_server tls
start_server h2c

check "h2 over TLS (ALPN): 4 files on 1 connection, version 2" fetch_files tls 2 1 --http2
check "h2 over TLS: 404 for a missing file" status_is tls /does-not-exist.txt 404 --http2
check "h2 over TLS: HEAD gives content-length, no body" head_request tls --http2
check "h2 over TLS: no path traversal" traversal tls --http2
check "h2c prior knowledge: 4 files, version 2" fetch_files h2c 2 each --http2-prior-knowledge
check "h2c prior knowledge: 404 for a missing file" status_is h2c /does-not-exist.txt 404 --http2-prior-knowledge
check "h2c prior knowledge: no path traversal" traversal h2c --http2-prior-knowledge

if need_full "h2c via Upgrade" "HTTP/1.1 Upgrade"; then
  check "h2c via Upgrade: 101, then 4 files over h2" upgrade
fi
if need_full "HTTP/1.1 over TLS" "HTTP/1.1"; then
  check "HTTP/1.1 over TLS: 4 files, keep-alive, version 1.1" fetch_files tls 1.1 1 --http1.1
  check "HTTP/1.1 over TLS: HEAD" head_request tls --http1.1
  check "HTTP/1.1 over TLS: no path traversal" traversal tls --http1.1
fi
if need_full "HTTP/1.1 cleartext" "HTTP/1.1"; then
  check "HTTP/1.1 cleartext: 4 files, keep-alive, version 1.1" fetch_files h2c 1.1 1 --http1.1
  check "HTTP/1.1 cleartext: 404 for a missing file" status_is h2c /does-not-exist.txt 404 --http1.1
  check "HTTP/1.1 cleartext: no path traversal" traversal h2c --http1.1
fi
if need_full "/echo on h2, h2c, HTTP/1.1 (TLS and cleartext)" "the /echo route"; then
  check "/echo over h2 (TLS)" echo_route tls h2 --http2
  check "/echo over h2c prior knowledge" echo_route h2c h2 --http2-prior-knowledge
  check "/echo over HTTP/1.1 (TLS)" echo_route tls http/1.1 --http1.1
  check "/echo over HTTP/1.1 cleartext" echo_route h2c http/1.1 --http1.1
fi

stop_servers
if need_full "access log" "--access-log"; then
  check "access log lists the requests" access_log
fi
interop_end
