#!/usr/bin/python3
"""Checks the frame trace of `nghttp -nv` (nghttp2 1.52 format) against RFC 9113 rules and
the expected responses. Exit 0 when every check holds, 1 with a list of failures otherwise.

Always checked:
  - the server's first frame is a SETTINGS frame without ACK (section 3.4), and it ACKs ours
    (section 6.5.3);
  - the client sent its SETTINGS and ended with GOAWAY;
  - no DATA frame from the server exceeds 16,384 bytes (SETTINGS_MAX_FRAME_SIZE default,
    section 4.2; nghttp does not raise it);
  - no RST_STREAM from the server, and any GOAWAY from it says NO_ERROR.
Per --request PATH=STATUS[:BYTES]: the stream that asked for PATH got :status STATUS, BYTES of
DATA if given, and END_STREAM. --header PATH:NAME=VALUE: a response header of that stream.
--tls: ALPN chose h2. --upgrade: the HTTP/1.1 Upgrade succeeded and stream 1 carries the
upgraded request. --window-update: the client sent WINDOW_UPDATE (the server honoured flow
control instead of sending past the window).
"""

import argparse
import re
import sys

FRAME = re.compile(r"^\[\s*[\d.]+\] (send|recv) (\w+) frame <length=(\d+), flags=0x([0-9a-f]+), "
                   r"stream_id=(\d+)>")
RESP_HEADER = re.compile(r"^\[\s*[\d.]+\] recv \(stream_id=(\d+)\) (:?[^:]+): (.*)$")
REQ_HEADER = re.compile(r"^\s+(:?[^:\s]+): (.*)$")
GOAWAY_DETAIL = re.compile(r"last_stream_id=(\d+), error_code=(\w+)")
UPGRADE_REQUEST = re.compile(r"^([A-Z]+) (\S+) HTTP/1\.1$")


def parse(lines):
    frames = []  # dicts: dir, type, length, flags, sid, detail lines
    req_paths = {}  # stream id -> :path
    resp = {}  # stream id -> {name: value}
    upgrade_path = None
    in_upgrade_request = False
    for line in lines:
        m = FRAME.match(line)
        if m:
            frames.append({"dir": m[1], "type": m[2], "length": int(m[3]),
                           "flags": int(m[4], 16), "sid": int(m[5]), "detail": []})
            in_upgrade_request = False
            continue
        m = RESP_HEADER.match(line)
        if m:
            resp.setdefault(int(m[1]), {})[m[2]] = m[3]
            continue
        if line.rstrip().endswith("HTTP Upgrade request"):
            in_upgrade_request = True
            continue
        if in_upgrade_request:
            m = UPGRADE_REQUEST.match(line.strip())
            if m:
                upgrade_path = m[2]
                in_upgrade_request = False
            continue
        if frames and line.startswith(" "):
            f = frames[-1]
            f["detail"].append(line.strip())
            if f["dir"] == "send" and f["type"] == "HEADERS":
                m = REQ_HEADER.match(line)
                if m and m[1] == ":path":
                    req_paths[f["sid"]] = m[2]
    return frames, req_paths, resp, upgrade_path


def main():
    p = argparse.ArgumentParser()
    p.add_argument("trace")
    p.add_argument("--request", action="append", default=[], help="PATH=STATUS[:BYTES]")
    p.add_argument("--header", action="append", default=[], help="PATH:NAME=VALUE")
    p.add_argument("--tls", action="store_true")
    p.add_argument("--upgrade", action="store_true")
    p.add_argument("--window-update", action="store_true")
    a = p.parse_args()
    with open(a.trace, errors="replace") as f:
        text = f.read()
    lines = text.splitlines()
    frames, req_paths, resp, upgrade_path = parse(lines)
    errors = []

    def want(cond, msg):
        if not cond:
            errors.append(msg)

    if a.tls:
        want("The negotiated protocol: h2" in text, "ALPN did not select h2")
    if a.upgrade:
        want("HTTP Upgrade success" in text, "no 'HTTP Upgrade success'")
        want(upgrade_path is not None, "no upgrade request line in the trace")
        if upgrade_path is not None:
            req_paths[1] = upgrade_path

    recv = [f for f in frames if f["dir"] == "recv"]
    sent = [f for f in frames if f["dir"] == "send"]
    want(recv and recv[0]["type"] == "SETTINGS" and recv[0]["flags"] & 1 == 0,
         "the server's first frame is not SETTINGS: " + (recv[0]["type"] if recv else "none"))
    want(any(f["type"] == "SETTINGS" and f["flags"] & 1 for f in recv),
         "the server did not ACK the client's SETTINGS")
    want(any(f["type"] == "SETTINGS" and f["flags"] & 1 == 0 for f in sent),
         "the client sent no SETTINGS")
    want(sent and sent[-1]["type"] == "GOAWAY",
         "the client's last frame is not GOAWAY: " + (sent[-1]["type"] if sent else "none"))
    for f in recv:
        if f["type"] == "DATA" and f["length"] > 16384:
            errors.append(f"DATA frame of {f['length']} bytes on stream {f['sid']} > 16384")
        if f["type"] == "RST_STREAM":
            errors.append(f"server sent RST_STREAM on stream {f['sid']}: {f['detail']}")
        if f["type"] == "GOAWAY":
            m = GOAWAY_DETAIL.search(" ".join(f["detail"]))
            if not m or m[2] != "NO_ERROR":
                errors.append(f"server sent GOAWAY {f['detail']}")
    if a.window_update:
        want(any(f["type"] == "WINDOW_UPDATE" for f in sent), "the client sent no WINDOW_UPDATE")

    by_path = {path: sid for sid, path in req_paths.items()}
    for spec in a.request:
        path, _, rest = spec.partition("=")
        status, _, size = rest.partition(":")
        sid = by_path.get(path)
        if sid is None:
            errors.append(f"{path}: no request sent for it")
            continue
        got = resp.get(sid, {}).get(":status")
        want(got == status, f"{path} (stream {sid}): :status {got}, want {status}")
        stream = [f for f in recv if f["sid"] == sid and f["type"] in ("HEADERS", "DATA")]
        data = sum(f["length"] for f in stream if f["type"] == "DATA")
        if size:
            want(data == int(size), f"{path} (stream {sid}): {data} bytes of DATA, want {size}")
        want(stream and stream[-1]["flags"] & 1,
             f"{path} (stream {sid}): last frame has no END_STREAM")
    for spec in a.header:
        path, _, nv = spec.partition(":")
        name, _, value = nv.partition("=")
        sid = by_path.get(path)
        got = resp.get(sid, {}).get(name) if sid is not None else None
        want(got == value, f"{path}: header {name} is {got!r}, want {value!r}")

    count = {}
    for f in frames:
        key = f"{f['dir']} {f['type']}"
        count[key] = count.get(key, 0) + 1
    print("= " + ", ".join(f"{k} {v}" for k, v in sorted(count.items())))
    for e in errors:
        print("error: " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
