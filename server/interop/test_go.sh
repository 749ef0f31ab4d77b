#!/usr/bin/env bash
# Go's net/http client (go_client/client.go, standard library only, built offline): HTTP/2 over
# TLS with the test certificate as root, 33 concurrent requests whose bodies must match the
# files and whose resp.Proto must be HTTP/2.0; with the full contract also 256 KiB POSTs to
# /echo, and HTTP/1.1 over TLS and cleartext. See README.md.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
interop_begin go go

# Offline and hermetic: the build cache and GOPATH live in the work directory, no module proxy.
export GOCACHE="$WORK/gocache" GOPATH="$WORK/gopath" GOFLAGS=-mod=mod GOPROXY=off \
  GO111MODULE=on GOTOOLCHAIN=local HOME="$WORK/home"

build() {
  (cd "$INTEROP_DIR/go_client" && timeout 120 go build -o "$WORK/go_client" client.go)
}

client() { timeout 30 "$WORK/go_client" -root "$ROOT" -cafile "$CERT" "$@"; }

check "go build (standard library only, offline)" build
[[ -x $WORK/go_client ]] || die "the Go client did not build"
start_server tls
start_server h2c

check "HTTP/2 over TLS: 33 concurrent requests, resp.Proto HTTP/2.0, bodies" \
  client -base "$(url tls "")"
if need_full "POST /echo" "the /echo route"; then
  check "HTTP/2 over TLS: 4 x 256 KiB POST to /echo among 37 requests" \
    client -base "$(url tls "")" -echo
fi
if need_full "HTTP/1.1" "HTTP/1.1"; then
  check "HTTP/1.1 over TLS (no h2 in ALPN): 37 requests, resp.Proto HTTP/1.1" \
    client -base "$(url tls "")" -h1 -proto HTTP/1.1 -echo
  check "HTTP/1.1 cleartext: 37 requests, resp.Proto HTTP/1.1" \
    client -base "$(url h2c "")" -proto HTTP/1.1 -echo
fi
interop_end
