#!/usr/bin/env bash
# Installs every Debian package h2engine needs to build, test, fuzz and benchmark.
# Idempotent: when everything is present it checks with dpkg and returns in well under a second.
# Needs root (or sudo) only when something is missing.
set -euo pipefail

PACKAGES=(
  bazel-bootstrap              # Bazel 4.2.3
  g++ clang libclang-rt-14-dev # compilers; libFuzzer and sanitizer runtimes
  libgtest-dev libgmock-dev    # GoogleTest sources, built by Bazel (@com_google_googletest)
  libbenchmark-dev             # @com_google_benchmark
  android-libboringssl-dev     # @boringssl
  libnghttp2-dev               # side-by-side benchmarks and interop tests
  nghttp2-client nghttp2-server curl      # nghttp, h2load, nghttpd; curl with HTTP/2
  python3 python3-h2 python3-hpack        # interop peers, run with /usr/bin/python3
  golang-go                    # Go's net/http client for interop tests
  chromium                     # headless browser tests
  openssl ca-certificates      # test certificates
)

missing=()
for p in "${PACKAGES[@]}"; do
  [[ "$p" == \#* ]] && continue
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "tools/setup.sh: installing ${missing[*]}" >&2
SUDO=""
if [[ $(id -u) != 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "tools/setup.sh: done" >&2
