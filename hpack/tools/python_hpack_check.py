#!/usr/bin/python3
"""Decodes hpack-test-case story files with Python's hpack library and checks the headers.

Usage: python_hpack_check.py STORY.json...

For each story: one hpack.Decoder; before each case that has header_table_size, the new
SETTINGS_HEADER_TABLE_SIZE is applied as acknowledged (max_allowed_table_size: the largest
dynamic table size update the encoder may send, RFC 7541 sections 4.2 and 6.3); every case's
wire is decoded and compared with its headers (names, values, order). Prints one line per story
and exits 1 if any story fails, 2 if the hpack module is missing.
"""

import json
import sys

try:
    import hpack
except ImportError:
    sys.stderr.write(
        "python_hpack_check: the Python module 'hpack' is missing; install the Debian package\n"
        "python3-hpack (apt-get install python3-hpack, or run tools/setup.sh)\n")
    sys.exit(2)


def check_story(path):
    with open(path, "rb") as f:
        story = json.loads(f.read().decode("utf-8"))
    decoder = hpack.Decoder()
    for case in story["cases"]:
        seqno = case["seqno"]
        size = case.get("header_table_size")
        if size is not None:
            decoder.max_allowed_table_size = size
        try:
            got = decoder.decode(bytes.fromhex(case["wire"]), raw=True)
        except hpack.HPACKError as e:
            return "mismatch at seqno %d: python hpack error %s: %s" % (
                seqno, type(e).__name__, e)
        got = [(bytes(n), bytes(v)) for n, v in got]
        want = []
        for h in case["headers"]:
            (name, value), = h.items()
            want.append((name.encode("utf-8"), value.encode("utf-8")))
        if got != want:
            for i, (g, w) in enumerate(zip(got, want)):
                if g != w:
                    return "mismatch at seqno %d: header %d: got %r, want %r" % (seqno, i, g, w)
            return "mismatch at seqno %d: got %d headers, want %d" % (seqno, len(got), len(want))
        if decoder.header_table_size > decoder.max_allowed_table_size:
            return "mismatch at seqno %d: table size %d above the limit %d" % (
                seqno, decoder.header_table_size, decoder.max_allowed_table_size)
    return None


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    failed = 0
    for path in argv[1:]:
        error = check_story(path)
        if error is None:
            print("%s: ok" % path)
        else:
            print("%s: %s" % (path, error))
            failed += 1
    print("python hpack %s: %d stories, %d failed" % (
        getattr(hpack, "__version__", "?"), len(argv) - 1, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
