#!/bin/sh
# Checks that hpack/huffman_table.inc is what tools/gen_huffman_table.py makes of
# hpack/huffman_code.txt (run from the runfiles root, which mirrors the workspace).
set -eu
exec python3 tools/gen_huffman_table.py --check \
  --data hpack/huffman_code.txt --out hpack/huffman_table.inc
