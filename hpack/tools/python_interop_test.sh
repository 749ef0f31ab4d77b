#!/bin/bash
# Interoperability with Python's hpack library (python-hyper, Debian python3-hpack): `hpack
# encode` writes every raw-data story with several options, and python_hpack_check.py decodes
# every case with hpack.Decoder and compares.
# Usage: python_interop_test.sh HPACK_BINARY CHECK_SCRIPT RAW_DATA_DIR
set -u

HPACK="$1"
CHECK="$2"
RAW="$3"
PYTHON=/usr/bin/python3
TMP="${TEST_TMPDIR:-$(mktemp -d)}/python"

if [ ! -x "$PYTHON" ]; then
  echo "FAIL: $PYTHON is missing: install the Debian packages python3 and python3-hpack"
  echo "(apt-get install python3-hpack, or run tools/setup.sh)"
  exit 1
fi
if ! "$PYTHON" -c 'import hpack' 2>/dev/null; then
  echo "FAIL: $PYTHON has no module 'hpack': install the Debian package python3-hpack"
  echo "(apt-get install python3-hpack, or run tools/setup.sh)"
  exit 1
fi

failures=0
outputs=()
for opts in "" "--no-huffman --table-size 256" "--table-size 0" "--table-size 65536"; do
  dir="$TMP/out${opts// /}"
  mkdir -p "$dir"
  # shellcheck disable=SC2086
  if ! "$HPACK" encode $opts -o "$dir" "$RAW"/*.json; then
    echo "FAIL: hpack encode $opts"
    failures=$((failures + 1))
  fi
  outputs+=("$dir"/*.json)
done
# One Python process checks every output (4 x 32 stories).
if ! "$PYTHON" "$CHECK" "${outputs[@]}" > "$TMP/check.log" 2>&1; then
  grep -v ': ok$' "$TMP/check.log"
  echo "FAIL: Python's hpack rejected some of our encoder's output"
  failures=$((failures + 1))
else
  tail -1 "$TMP/check.log"
fi
[ "$(grep -c ': ok$' "$TMP/check.log")" = 128 ] || {
  echo "FAIL: expected 128 stories checked"
  failures=$((failures + 1))
}

# The checker must be able to fail: a changed header value is reported with its seqno.
sed 's|"yahoo.co.jp"|"yahoo.co.uk"|' "$TMP/out/story_00.json" > "$TMP/corrupted.json"
if "$PYTHON" "$CHECK" "$TMP/corrupted.json" > "$TMP/corrupted.log" 2>&1 ||
   ! grep -q 'mismatch at seqno 0' "$TMP/corrupted.log"; then
  cat "$TMP/corrupted.log"
  echo "FAIL: the checker did not detect a corrupted story"
  failures=$((failures + 1))
fi

[ "$failures" = 0 ] || exit 1
echo "PASS"
