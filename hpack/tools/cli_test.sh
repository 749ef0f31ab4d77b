#!/bin/bash
# Tests the `hpack` command: decode good and corrupted stories, clear errors for bad input,
# encode -> decode round trips.
# Usage: cli_test.sh HPACK_BINARY TESTDATA_DIR
set -u

HPACK="$1"
DATA="$2"
TMP="${TEST_TMPDIR:-$(mktemp -d)}/cli"
mkdir -p "$TMP"
failures=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# run EXPECTED_STATUS CMD...: runs CMD, keeps its stdout+stderr in $out, checks the status.
run() {
  local want="$1"
  shift
  out="$("$@" 2>&1)"
  local got=$?
  if [ "$got" != "$want" ]; then
    fail "'$*' exited $got, want $want; output:"
    echo "$out" | head -20
  fi
}

# expect_output PATTERN: the last command's output contains PATTERN (grep -E).
expect_output() {
  if ! echo "$out" | grep -qE -- "$1"; then
    fail "output does not match /$1/:"
    echo "$out" | head -20
  fi
}

# Help and usage errors.
run 0 "$HPACK" --help
expect_output '^Usage:'
expect_output 'hpack encode \[--table-size N\]'
run 2 "$HPACK"
expect_output 'missing command'
run 2 "$HPACK" frobnicate x.json
expect_output 'unknown command: frobnicate'
run 2 "$HPACK" decode
expect_output 'no story files given'
run 2 "$HPACK" decode --no-huffman x.json
expect_output 'unknown option for decode: --no-huffman'
run 2 "$HPACK" encode --table-size lots x.json
expect_output '--table-size: not a number'
run 2 "$HPACK" encode --table-size 4294967296 x.json
expect_output '--table-size: not a number'
run 2 "$HPACK" encode "$DATA/raw-data/story_00.json" "$DATA/raw-data/story_01.json"
expect_output 'needs -o DIR'
run 2 "$HPACK" encode -o "$TMP" "$DATA/raw-data/story_00.json" "$DATA/nghttp2/story_00.json"
expect_output 'two inputs named story_00.json'

# Decoding good stories.
run 0 "$HPACK" decode "$DATA/nghttp2/story_00.json"
expect_output "^$DATA/nghttp2/story_00.json: ok \\(3 cases\\)\$"
run 0 "$HPACK" decode "$DATA"/go-hpack/story_0*.json
[ "$(echo "$out" | grep -c ': ok (')" = 10 ] || fail "expected 10 ok lines, got: $out"

# A corrupted story: the path of seqno 2 changed.
sed 's|/images/top/sp2/cmn/logo-ns-130528.png|/corrupted.png|' \
  "$DATA/nghttp2/story_00.json" > "$TMP/corrupted.json"
grep -q corrupted.png "$TMP/corrupted.json" || fail "could not corrupt the story"
run 1 "$HPACK" decode "$DATA/nghttp2/story_01.json" "$TMP/corrupted.json"
expect_output "story_01.json: ok"
expect_output "corrupted.json: mismatch at seqno 2: header 3: got \":path: /images/top/sp2/cmn/logo-ns-130528.png\", want \":path: /corrupted.png\""

# Corrupted wire: the first byte of seqno 0 (0x82) becomes 0xff, an index beyond the tables.
sed '0,/"wire": "82/s//"wire": "fe/' "$DATA/nghttp2/story_00.json" > "$TMP/badwire.json"
run 1 "$HPACK" decode "$TMP/badwire.json"
expect_output 'badwire.json: mismatch at seqno 0: decoder error'

# Raw stories have no wire.
run 1 "$HPACK" decode "$DATA/raw-data/story_00.json"
expect_output 'mismatch at seqno 0: no wire'

# Unreadable files and bad JSON.
run 1 "$HPACK" decode "$TMP/does-not-exist.json"
expect_output 'does-not-exist.json: error: cannot open .*No such file or directory'
printf '{"cases": [\n  {"seqno": 0,}\n]}' > "$TMP/bad.json"
run 1 "$HPACK" decode "$TMP/bad.json"
expect_output 'bad.json: error: line 2, column 15: expected a string key'
printf '{"cases": [{"seqno": 0, "wire": "8", "headers": []}]}' > "$TMP/oddhex.json"
run 1 "$HPACK" decode "$TMP/oddhex.json"
expect_output 'oddhex.json: error: cases\[0\].wire: expected a string of hex digit pairs'
run 1 "$HPACK" encode "$TMP/bad.json"
expect_output 'bad.json: error: line 2'
run 1 "$HPACK" encode -o "$TMP/no/such/dir" "$DATA/raw-data/story_00.json"
expect_output 'cannot create'

# encode -> decode, to stdout.
"$HPACK" encode "$DATA/raw-data/story_02.json" > "$TMP/story_02.json" || fail "encode failed"
grep -q '"description": "Encoded by h2engine' "$TMP/story_02.json" || fail "no description"
grep -q '"header_table_size": 4096' "$TMP/story_02.json" || fail "no header_table_size"
run 0 "$HPACK" decode "$TMP/story_02.json"
expect_output 'story_02.json: ok \(10 cases\)'

# encode -o DIR with each option, then decode. (The round-trip, nghttp2 and Python tests cover
# every story with these options; here the command's plumbing is what is tested, on 8 stories.)
stories=("$DATA"/raw-data/story_0*.json)
stories=("${stories[@]:0:8}")
for opts in "" "--no-huffman" "--table-size 0" "--table-size=256" "--table-size 65536 --no-huffman"; do
  dir="$TMP/out${opts// /}"
  mkdir -p "$dir"
  # shellcheck disable=SC2086
  run 0 "$HPACK" encode $opts -o "$dir" "${stories[@]}"
  [ "$(ls "$dir" | wc -l)" = 8 ] || fail "encode $opts wrote $(ls "$dir" | wc -l) files"
  run 0 "$HPACK" decode "$dir"/*.json
  [ "$(echo "$out" | grep -c ': ok (')" = 8 ] || fail "decode after encode $opts: $out"
done
grep -q '"header_table_size": 256' "$TMP/out--table-size=256/story_00.json" || fail "size 256"
# Without Huffman the wire is larger.
with=$(cat "$TMP"/out/*.json | grep -o '"wire": "[0-9a-f]*"' | wc -c)
without=$(cat "$TMP"/out--no-huffman/*.json | grep -o '"wire": "[0-9a-f]*"' | wc -c)
[ "$with" -lt "$without" ] || fail "Huffman output ($with) not smaller than without ($without)"

if [ "$failures" != 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "PASS"
