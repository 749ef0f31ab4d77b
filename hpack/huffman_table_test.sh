#!/bin/sh
# Checks that hpack/huffman_table.inc is what tools/gen_huffman_table.py makes of
# hpack/huffman_code.txt (huffman_table_gen.py is a symlink to the script; run from the runfiles root, which mirrors the workspace).
set -eu
exec python3 hpack/huffman_table_gen.py --check \
  --data hpack/huffman_code.txt --out hpack/huffman_table.inc
