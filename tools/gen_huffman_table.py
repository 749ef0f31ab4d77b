#!/usr/bin/env python3
"""Generates hpack/huffman_table.inc from hpack/huffman_code.txt (RFC 7541 Appendix B).

Usage (from the workspace root):

    python3 tools/gen_huffman_table.py           # rewrite hpack/huffman_table.inc
    python3 tools/gen_huffman_table.py --check   # exit 1 if the checked-in file is stale
    python3 tools/gen_huffman_table.py --extract-rfc rfc7541.md   # rewrite huffman_code.txt

The data file holds the 257 rows of RFC 7541 Appendix B verbatim ("(sym) |bits| hex [len]").
Before generating anything this script checks the facts it relies on:
  - every row's bit string, hex value and length agree;
  - the code is prefix-free and complete (Kraft sum exactly 1), so every bit string of 30 bits
    starts with exactly one code word;
  - the code is canonical: sorted by value (left-justified), lengths never decrease and each
    code is the previous one plus one (shifted left to the new length). This is what lets the
    decoder find a long code by comparing a 32-bit window against one limit per length.
  - the shortest code has 5 bits (HuffmanMaxDecodedLength relies on it) and the longest 30;
  - no code of 7 bits or fewer is all 1-bits (so up to 7 trailing 1-bits are always padding).

Generated tables (see hpack/huffman.cc for how they are used):
  kHuffmanCodes[257], kHuffmanCodeLengths[257]  encoder: right-aligned code and its length.
  kHuffmanPrimaryBits (K)                       the decoder's primary table index width.
  kHuffmanPrimary[1 << K]                       for each K-bit window: the one or two symbols
                                                that complete within it, see ENTRY LAYOUT.
  kHuffmanLevels[]                              canonical per-length decode data for codes longer
                                                than K bits: {length, limit, first, offset}.
  kHuffmanSymbolsByCode[257]                    symbols ordered by code value.

ENTRY LAYOUT of kHuffmanPrimary (uint32):
  bits  0-5   total bits consumed by the symbols in this entry (0: the first code is longer than
              K bits; then the whole entry is 0 and the decoder takes the canonical slow path).
              Six bits, so that a 64-bit shift by the whole entry shifts by exactly this.
  bits  6-7   number of symbols (0, 1 or 2)
  bits  8-12  length of the first symbol's code
  bits 16-23  first symbol; bits 24-31 second symbol (0 if none)
"""

import argparse
import os
import re
import sys

ROW = re.compile(
    r"^\s*(?:'.'\s*|EOS\s*)?\(\s*(\d+)\)\s+\|([01|]+)\s+([0-9a-fA-F]+)\s+\[\s*(\d+)\]\s*$")

DEFAULT_DATA = "hpack/huffman_code.txt"
DEFAULT_OUT = "hpack/huffman_table.inc"
DEFAULT_PRIMARY_BITS = 12
EOS = 256


def fail(msg):
    sys.stderr.write("gen_huffman_table.py: %s\n" % msg)
    sys.exit(2)


def extract_rfc(rfc_path, data_path):
    """Copies the Appendix B rows of the RFC text into the data file."""
    with open(rfc_path, encoding="utf-8") as f:
        rows = [line.strip() for line in f if ROW.match(line)]
    if len(rows) != 257:
        fail("expected 257 code rows in %s, found %d" % (rfc_path, len(rows)))
    with open(data_path, "w", encoding="utf-8") as f:
        f.write("# RFC 7541 Appendix B: the HPACK Huffman code, one row per symbol, verbatim.\n")
        f.write("# Columns: [ascii] (symbol) |code as bits, MSB first| code as hex (LSB-aligned)"
                " [length].\n")
        f.write("# Input of tools/gen_huffman_table.py, which checks every row. Do not edit.\n")
        for row in rows:
            f.write(row + "\n")


def read_code(data_path):
    """Returns [(code, length)] indexed by symbol 0..256, after checking each row."""
    codes = {}
    with open(data_path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            m = ROW.match(line)
            if not m:
                fail("%s:%d: not a code row: %r" % (data_path, lineno, line))
            sym, bits, hexval, length = int(m[1]), m[2].replace("|", ""), int(m[3], 16), int(m[4])
            if len(bits) != length or int(bits, 2) != hexval:
                fail("%s:%d: bits, hex and length disagree" % (data_path, lineno))
            if sym in codes:
                fail("%s:%d: symbol %d twice" % (data_path, lineno, sym))
            codes[sym] = (hexval, length)
    if sorted(codes) != list(range(257)):
        fail("%s: expected symbols 0..256" % data_path)
    return [codes[s] for s in range(257)]


def check_code(code):
    lengths = [n for _, n in code]
    if min(lengths) != 5 or max(lengths) != 30:
        fail("code lengths must range over 5..30")
    # Kraft sum exactly 1: prefix-free (with the canonical check below) and complete.
    if sum(1 << (30 - n) for n in lengths) != 1 << 30:
        fail("the code is not complete")
    order = sorted(range(257), key=lambda s: (code[s][0] << (30 - code[s][1])))
    prev_code, prev_len = None, None
    for s in order:
        c, n = code[s]
        if prev_code is None:
            if c != 0:
                fail("the first code must be all zeros")
        else:
            if n < prev_len or c != (prev_code + 1) << (n - prev_len):
                fail("the code is not canonical at symbol %d" % s)
        prev_code, prev_len = c, n
    for s in range(257):
        c, n = code[s]
        if n <= 7 and c == (1 << n) - 1:
            fail("symbol %d has an all-ones code of %d bits" % (s, n))
    if code[EOS] != ((1 << 30) - 1, 30):
        fail("EOS must be 30 1-bits")
    return order


def decode_prefix(code, window, width):
    """Decodes the first code word of the `width`-bit `window`: (symbol, length) or None."""
    for s in range(257):
        c, n = code[s]
        if n <= width and (window >> (width - n)) == c:
            return s, n
    return None


def primary_table(code, k):
    # by_len[n] maps an n-bit code value to its symbol, for fast lookup.
    by_len = {}
    for s, (c, n) in enumerate(code):
        by_len.setdefault(n, {})[c] = s

    def first(window, width):
        for n in sorted(by_len):
            if n > width:
                return None
            s = by_len[n].get(window >> (width - n))
            if s is not None:
                return s, n
        return None

    table = []
    for w in range(1 << k):
        a = first(w, k)
        if a is None:
            table.append(0)
            continue
        s1, n1 = a
        assert s1 != EOS
        rest = k - n1
        b = first(w & ((1 << rest) - 1), rest) if rest >= 5 else None
        if b is None:
            table.append(n1 | (1 << 6) | (n1 << 8) | (s1 << 16))
        else:
            s2, n2 = b
            assert s2 != EOS
            table.append((n1 + n2) | (2 << 6) | (n1 << 8) | (s1 << 16) | (s2 << 24))
    # Self-check against the slow reference decoder.
    for w in range(1 << k):
        e = table[w]
        a = decode_prefix(code, w, k)
        if a is None:
            assert e == 0
            continue
        assert (e >> 16) & 0xFF == a[0] and (e >> 8) & 31 == a[1]
        assert (e & 63) >= a[1] and (e >> 6) & 3 in (1, 2)
    return table


def levels(code, order, k):
    """Canonical decode data per length > k: (length, limit, first, offset), 32-bit windows.

    For a left-justified 32-bit window w whose first code is longer than k bits, its length is
    the first level with w < limit; its symbol is
    kHuffmanSymbolsByCode[offset + ((w - first) >> (32 - length))].
    """
    out = []
    for n in sorted(set(n for _, n in code)):
        members = [s for s in order if code[s][1] == n]
        start = order.index(members[0])
        assert order[start:start + len(members)] == members
        first = code[members[0]][0] << (32 - n)
        limit = (code[members[-1]][0] + 1) << (32 - n)
        if n > k:
            out.append((n, limit, first, start))
    assert out[-1][1] == 1 << 32
    return out


def fmt_rows(values, per_line, width):
    lines = []
    for i in range(0, len(values), per_line):
        chunk = values[i:i + per_line]
        lines.append("    " + " ".join(("0x%0*x," % (width, v)) for v in chunk))
    return "\n".join(lines)


def generate(code, k, data_path):
    order = check_code(code)
    prim = primary_table(code, k)
    lv = levels(code, order, k)
    out = []
    out.append("// Generated by tools/gen_huffman_table.py from %s (RFC 7541 Appendix B)."
               % data_path)
    out.append("// DO NOT EDIT. Regenerate with `python3 tools/gen_huffman_table.py` from the"
               " workspace root;")
    out.append("// //hpack:huffman_table_test fails while this file is out of date.")
    out.append("// Included by hpack/huffman.cc inside namespace h2engine::hpack::internal.")
    out.append("")
    out.append("// Encoder: code of each symbol, right-aligned, and its length in bits.")
    out.append("inline constexpr uint32_t kHuffmanCodes[257] = {")
    out.append(fmt_rows([c for c, _ in code], 8, 8))
    out.append("};")
    out.append("inline constexpr uint8_t kHuffmanCodeLengths[257] = {")
    lines = []
    for i in range(0, 257, 16):
        lines.append("    " + " ".join("%d," % n for _, n in code[i:i + 16]))
    out.append("\n".join(lines))
    out.append("};")
    out.append("")
    out.append("// Decoder primary table: indexed by the next %d bits; layout in the script." % k)
    out.append("inline constexpr int kHuffmanPrimaryBits = %d;" % k)
    out.append("inline constexpr uint32_t kHuffmanPrimary[%d] = {" % (1 << k))
    out.append(fmt_rows(prim, 8, 8))
    out.append("};")
    out.append("")
    out.append("// Canonical decode data for codes longer than kHuffmanPrimaryBits, by length.")
    out.append("struct HuffmanLevel {")
    out.append("  uint32_t length;  // code length in bits")
    out.append("  uint64_t limit;   // left-justified 32-bit end (exclusive) of codes this long")
    out.append("  uint32_t first;   // left-justified 32-bit first code of this length")
    out.append("  uint32_t offset;  // index of that code in kHuffmanSymbolsByCode")
    out.append("};")
    out.append("inline constexpr HuffmanLevel kHuffmanLevels[%d] = {" % len(lv))
    for n, limit, first, offset in lv:
        out.append("    {%d, 0x%09x, 0x%08x, %d}," % (n, limit, first, offset))
    out.append("};")
    out.append("inline constexpr uint16_t kHuffmanSymbolsByCode[257] = {")
    lines = []
    for i in range(0, 257, 16):
        lines.append("    " + " ".join("%d," % s for s in order[i:i + 16]))
    out.append("\n".join(lines))
    out.append("};")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=DEFAULT_DATA, help="code table (default %(default)s)")
    ap.add_argument("--out", default=DEFAULT_OUT, help="generated file (default %(default)s)")
    ap.add_argument("--primary-bits", type=int, default=DEFAULT_PRIMARY_BITS,
                    help="decoder primary table index width (default %(default)s)")
    ap.add_argument("--check", action="store_true",
                    help="compare with --out instead of writing it; exit 1 if it differs")
    ap.add_argument("--extract-rfc", metavar="RFC_MD",
                    help="rewrite --data from the RFC 7541 text, then generate")
    args = ap.parse_args()
    if not 8 <= args.primary_bits <= 14:
        fail("--primary-bits must be in 8..14")
    if args.extract_rfc:
        extract_rfc(args.extract_rfc, args.data)
    text = generate(read_code(args.data), args.primary_bits, args.data)
    if args.check:
        try:
            with open(args.out, encoding="utf-8") as f:
                current = f.read()
        except OSError as e:
            fail("cannot read %s: %s" % (args.out, e))
        if current != text:
            sys.stderr.write("%s is out of date with %s and tools/gen_huffman_table.py; run\n"
                             "    python3 tools/gen_huffman_table.py\n"
                             "from the workspace root and commit the result.\n"
                             % (args.out, args.data))
            return 1
        print("%s is up to date" % args.out)
        return 0
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, args.out)
    print("wrote %s" % args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
