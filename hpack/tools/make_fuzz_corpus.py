#!/usr/bin/env python3
"""Writes the seed corpora of the HPACK fuzzers from the hpack-test-case stories.

Usage (from the workspace root):
    python3 hpack/tools/make_fuzz_corpus.py [testdata/hpack-test-case] [fuzz/corpus]

Writes fuzz/corpus/hpack_decoder/ (story wire bytes in the input layout that
fuzz/hpack_decoder_fuzzer.cc documents, under various limits, plus a few hand-made blocks)
and fuzz/corpus/hpack_roundtrip/ (small header lists from raw-data/ in the layout of
fuzz/hpack_roundtrip_fuzzer.cc). Each file is named by the SHA-1 of its content, so running
the script again adds nothing new. Deterministic; uses only the standard library.
"""

import hashlib
import json
import os
import struct
import sys

# Index of each size in the fuzzers' kTableSizes.
DECODER_TABLE = {0: 0, 32: 1, 64: 2, 100: 3, 256: 4, 1024: 5, 4096: 6, 65536: 7}
ROUNDTRIP_TABLE = {0: 0, 1: 1, 64: 2, 256: 3, 1000: 4, 4096: 5, 16384: 6, 65536: 7}
MAX_SEED_BYTES = 2048


def write_seed(directory, data):
    name = hashlib.sha1(data).hexdigest()
    path = os.path.join(directory, name)
    if not os.path.exists(path):
        with open(path, "wb") as f:
            f.write(data)
    return name


def load(path):
    with open(path, "rb") as f:
        return json.loads(f.read().decode("utf-8"))


def decoder_seed(blocks, string_shift=7, list_shift=9, table_size=4096, fragmenting=0):
    """blocks: list of (bytes, new_limit or None)."""
    out = bytearray([string_shift, list_shift, DECODER_TABLE[table_size], fragmenting])
    for wire, new_limit in blocks:
        op = 0 if new_limit is None else 0x80 | DECODER_TABLE[new_limit]
        out += bytes([op]) + struct.pack(">H", len(wire)) + wire
    return bytes(out)


def story_blocks(story, budget=MAX_SEED_BYTES - 64):
    blocks = []
    used = 0
    for case in story["cases"]:
        wire = bytes.fromhex(case["wire"])
        if blocks and used + len(wire) + 3 > budget:
            break
        blocks.append((wire, None))
        used += len(wire) + 3
    return blocks


def decoder_seeds(testdata, out):
    folders = ["nghttp2", "go-hpack", "python-hpack", "node-http2-hpack", "haskell-http2-static",
               "haskell-http2-linear-huffman"]
    names = set()
    for folder in folders:
        for story_index in (0, 2, 20, 21, 30):
            story = load(os.path.join(testdata, folder, "story_%02d.json" % story_index))
            blocks = story_blocks(story)
            names.add(write_seed(out, decoder_seed(blocks)))
            if story_index in (2, 21):
                # Fragmented, and with small limits (strings, list size) that some fields exceed.
                names.add(write_seed(out, decoder_seed(blocks, fragmenting=6)))
                names.add(write_seed(out, decoder_seed(blocks, string_shift=3, list_shift=3)))
    # Hand-made blocks, from RFC 7541 Appendix C and the error cases of §4.2, §5.1, §5.2, §6.
    hand = [
        # C.2.1-C.2.4: literal with indexing, without indexing, never indexed, indexed.
        [bytes.fromhex("400a637573746f6d2d6b65790d637573746f6d2d686561646572")],
        [bytes.fromhex("040c2f73616d706c652f70617468")],
        [bytes.fromhex("100870617373776f726406736563726574")],
        [bytes.fromhex("82")],
        # C.4.1-C.4.3: requests with Huffman, sharing the table.
        [bytes.fromhex("828684418cf1e3c2e5f23a6ba0ab90f4ff"),
         bytes.fromhex("828684be5886a8eb10649cbf"),
         bytes.fromhex("828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf")],
        # Dynamic table size updates: to 0 then 4096, then a field.
        [bytes.fromhex("203fe11f82")],
        # Errors: index 0; index beyond the tables; integer overflow; update after a field;
        # update above the limit; truncated string; Huffman EOS; bad Huffman padding.
        [bytes.fromhex("80")],
        [bytes.fromhex("ff00")],
        [bytes.fromhex("1fffffffffffffffffff01")],
        [bytes.fromhex("8220")],
        [bytes.fromhex("3fe21f")],
        [bytes.fromhex("400a6375")],
        [bytes.fromhex("4084ffffffff0161")],
        [bytes.fromhex("408200ff0161")],
    ]
    for blocks in hand:
        names.add(write_seed(out, decoder_seed([(b, None) for b in blocks])))
    # A shrinking limit between blocks: the encoder must send an update (here it does).
    names.add(write_seed(out, decoder_seed(
        [(bytes.fromhex("400a637573746f6d2d6b65790d637573746f6d2d686561646572"), None),
         (bytes.fromhex("2082"), 64)])))
    # A header list over the limit, then a normal block.
    names.add(write_seed(out, decoder_seed(
        [(bytes.fromhex("400a637573746f6d2d6b65790d637573746f6d2d686561646572") * 1, None),
         (bytes.fromhex("82"), None)], list_shift=0)))
    return names


def roundtrip_field(name, value, never_index=False, end=False, change_to=None, split=None):
    flags = (1 if never_index else 0) | (2 if end else 0)
    if change_to is not None:
        flags |= 4 | (ROUNDTRIP_TABLE[change_to] << 5)
    if split is not None:
        flags |= 8 | ((split & 0xF) << 4)
    name = name.encode("utf-8")
    value = value.encode("utf-8") if isinstance(value, str) else value
    return bytes([flags, len(name)]) + name + struct.pack(">H", len(value)) + value


def roundtrip_options(huffman=True, own_limit=65536, min_cookie=20):
    return (0 if huffman else 1) | (ROUNDTRIP_TABLE[own_limit] << 1) | ((min_cookie // 4) << 4)


def roundtrip_seed(blocks, table_size=4096, **options):
    """blocks: list of (headers [(name, value)], options dict for the block's last field)."""
    out = bytearray([ROUNDTRIP_TABLE[table_size], roundtrip_options(**options)])
    for headers, last in blocks:
        for i, (name, value) in enumerate(headers):
            if i + 1 == len(headers):
                out += roundtrip_field(name, value, end=True, **last)
            else:
                out += roundtrip_field(name, value)
    return bytes(out)


def raw_blocks(story, cases, budget=MAX_SEED_BYTES - 64):
    blocks = []
    used = 0
    for case in story["cases"][:cases]:
        headers = [next(iter(h.items())) for h in case["headers"]]
        size = sum(len(n) + len(v) + 5 for n, v in headers)
        if blocks and used + size > budget:
            break
        blocks.append((headers, {}))
        used += size
    return blocks


def sensitive_blocks():
    fields = [(":method", "GET"), ("authorization", "Basic dXNlcjpwYXNz"),
              ("proxy-authorization", "secret"), ("cookie", "a=1"),
              ("cookie", "sessionid=0123456789abcdefghijklmnop"), ("x-empty", "")]
    return [(fields, {}), (fields, {})]


def roundtrip_seeds(testdata, out):
    names = set()
    for story_index in (0, 1, 2, 20, 21, 26, 30):
        story = load(os.path.join(testdata, "raw-data", "story_%02d.json" % story_index))
        blocks = raw_blocks(story, 4)
        names.add(write_seed(out, roundtrip_seed(blocks)))
        if story_index in (2, 21):
            names.add(write_seed(out, roundtrip_seed(blocks, huffman=False)))
            names.add(write_seed(out, roundtrip_seed(blocks, table_size=0)))
            changed = [(h, dict(opts)) for h, opts in blocks]
            changed[0][1]["change_to"] = 256
            if len(changed) > 2:
                changed[1][1]["change_to"] = 65536
                changed[1][1]["split"] = 7
            names.add(write_seed(out, roundtrip_seed(changed)))
    # Hand-made lists: sensitive fields, cookie crumbs, empty and binary values, a long value
    # (longer than a small table), and Uppercase names that the fuzzer lowercases.
    names.add(write_seed(out, roundtrip_seed(sensitive_blocks())))
    binary = [("x-bin", bytes(range(256))), ("X-Upper", "v"), ("x-long", "z" * 300)]
    names.add(write_seed(out, roundtrip_seed([(binary, {"change_to": 64}), (binary, {})],
                                             table_size=256)))
    secret = b"\x01" + bytes([len(b"x-secret")]) + b"x-secret" + struct.pack(">H", 3) + b"abc"
    names.add(write_seed(out, bytes([ROUNDTRIP_TABLE[4096], roundtrip_options()]) + secret +
                         secret))
    # Our own limit below the initial 4096: announced in the first block.
    names.add(write_seed(out, roundtrip_seed(sensitive_blocks(), own_limit=256)))
    names.add(write_seed(out, roundtrip_seed(sensitive_blocks(), own_limit=0, huffman=False)))
    # ... and then the peer lowers its setting (to 1000) above our limit: the decoder's table
    # is still at 4096 unless the first block announced ours, so it needs an update (a bug
    # found by this fuzzer in the first Encoder).
    lowered = sensitive_blocks()
    lowered[0][1]["change_to"] = 1000
    names.add(write_seed(out, roundtrip_seed(lowered, own_limit=256)))
    story = load(os.path.join(testdata, "raw-data", "story_21.json"))
    names.add(write_seed(out, roundtrip_seed(raw_blocks(story, 4), own_limit=256)))
    return names


def main(argv):
    testdata = argv[1] if len(argv) > 1 else "testdata/hpack-test-case"
    corpus = argv[2] if len(argv) > 2 else "fuzz/corpus"
    decoder_dir = os.path.join(corpus, "hpack_decoder")
    roundtrip_dir = os.path.join(corpus, "hpack_roundtrip")
    os.makedirs(decoder_dir, exist_ok=True)
    os.makedirs(roundtrip_dir, exist_ok=True)
    d = decoder_seeds(testdata, decoder_dir)
    r = roundtrip_seeds(testdata, roundtrip_dir)
    print("%d decoder seeds in %s, %d round-trip seeds in %s" % (len(d), decoder_dir, len(r),
                                                                roundtrip_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
