#!/usr/bin/python3
"""Clients that stay connected across the server's graceful shutdown (test_shutdown.sh).

  shutdown_client.py h2 --port P [--cafile CERT] --path /big.bin --root DIR --rate BYTES/S
                        --ready FILE [--ready-after BYTES]
      HTTP/2 (TLS with ALPN h2 when --cafile is given, else h2c prior knowledge) on raw frames
      with python3-hpack: GET PATH on stream 1 and receive it no faster than RATE by granting
      WINDOW_UPDATEs only at that rate, so the server cannot finish the stream early (the
      initial window is 65,535 bytes), sending a PING every 50 ms meanwhile (a server that
      closes with unread input resets the connection, which can destroy its last frames: it
      must half-close and drain first). With --path /small.txt and no --rate the connection
      just stays idle after the response. Writes FILE once READY_AFTER body bytes arrived.
      Requires, RFC 9113 section 6.8: GOAWAY(last_stream_id 2^31-1, NO_ERROR), then
      GOAWAY(1, NO_ERROR), the whole body with END_STREAM, then the end of the connection.
      python-h2 cannot be used here: it refuses every frame after a GOAWAY.

  shutdown_client.py h1 --port P --path /big.bin --root DIR --rate BYTES/S --ready FILE
      HTTP/1.1 cleartext keep-alive GET with a 32 KiB receive buffer, read at RATE. Requires
      the whole body, then the server closing the connection.

Exit 0 when everything held; lines starting with "= " are details, "error: " failures.
"""

import argparse
import os
import socket
import ssl
import struct
import sys
import time

import hpack

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
MAX_STREAM_ID = 2**31 - 1
DATA, HEADERS, RST_STREAM, SETTINGS, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = \
    0, 1, 3, 4, 6, 7, 8, 9
END_STREAM, ACK, END_HEADERS, PADDED, PRIORITY = 0x1, 0x1, 0x4, 0x8, 0x20


class Failure(Exception):
    pass


def frame(ftype, flags, sid, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([ftype, flags]) + \
        struct.pack(">I", sid) + payload


def connect(args, alpn):
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 * 1024)  # before connect
    raw.settimeout(10)
    raw.connect(("127.0.0.1", args.port))
    if not args.cafile:
        return raw
    ctx = ssl.create_default_context(cafile=args.cafile)
    ctx.set_alpn_protocols([alpn])
    sock = ctx.wrap_socket(raw, server_hostname="localhost")
    if sock.selected_alpn_protocol() != alpn:
        raise Failure(f"ALPN selected {sock.selected_alpn_protocol()!r}")
    return sock


class Sender:
    """Writes to the socket until the first failure, then drops writes: once the server has
    sent everything and closed, a late WINDOW_UPDATE or ACK of ours may fail, which is fine;
    the verdict rests on what was read."""

    def __init__(self, sock):
        self.sock = sock
        self.closed = False

    def __call__(self, data):
        if self.closed:
            return
        try:
            self.sock.sendall(data)
        except (OSError, ssl.SSLError) as e:
            self.closed = True
            print(f"= write failed after the server closed: {e!r}")


def ready(args):
    with open(args.ready, "w") as f:
        f.write("ready\n")


def run_h2(args, want):
    sock = connect(args, "h2")
    send = Sender(sock)
    enc, dec = hpack.Encoder(), hpack.Decoder()
    block = enc.encode([(":method", "GET"), (":path", args.path),
                        (":scheme", "https" if args.cafile else "http"),
                        (":authority", f"127.0.0.1:{args.port}")])
    sock.sendall(PREFACE + frame(SETTINGS, 0, 0) +
                 frame(HEADERS, END_STREAM | END_HEADERS, 1, block))
    buf, body, header_block = b"", bytearray(), b""
    status, ended, goaways, is_ready = None, False, [], False
    granted = 0  # body bytes for which WINDOW_UPDATE was sent
    start = next_ping = time.monotonic()
    pinged_after_end = False
    deadline = start + args.wait
    while True:
        # Grant window for received bytes no faster than --rate.
        if args.rate and len(body) > granted and not ended:
            allowed = int(args.rate * (time.monotonic() - start)) + 16384
            n = min(len(body), allowed) - granted
            if n > 0:
                inc = struct.pack(">I", n)
                send(frame(WINDOW_UPDATE, 0, 0, inc) + frame(WINDOW_UPDATE, 0, 1, inc))
                granted += n
        # Like browsers, keep talking while the response arrives: a PING every 50 ms. A server
        # that closes with such input unread resets the connection (no lingering close).
        if args.rate and not ended and time.monotonic() >= next_ping:
            send(frame(PING, 0, 0, b"clientpg"))
            next_ping = time.monotonic() + 0.05
        if args.rate and ended and not pinged_after_end:
            # Right when a graceful server is closing: a lingering close reads and drops it,
            # a socket already closed answers with a reset.
            send(frame(PING, 0, 0, b"lastping"))
            pinged_after_end = True
        if not is_ready and len(body) >= args.ready_after and status is not None:
            ready(args)
            is_ready = True
        left = deadline - time.monotonic()
        if left <= 0:
            raise Failure(f"still connected after {args.wait} s: {len(body)} body bytes, "
                          f"end_stream={ended}, GOAWAYs {goaways}")
        sock.settimeout(min(left, 0.05))
        try:
            data = sock.recv(65536)
        except socket.timeout:
            continue
        except ssl.SSLEOFError:
            print("= the server closed TCP without a TLS close_notify")
            break
        except (ConnectionResetError, ssl.SSLError) as e:
            # A reset can destroy frames the server sent before it: a server must not close
            # with unread input (lingering close), and this is where that shows.
            raise Failure(f"connection ended badly: {e!r}; GOAWAYs {goaways}, "
                          f"{len(body)} body bytes")
        if not data:
            break
        buf += data
        while len(buf) >= 9:
            length = int.from_bytes(buf[:3], "big")
            if len(buf) < 9 + length:
                break
            ftype, flags = buf[3], buf[4]
            sid = int.from_bytes(buf[5:9], "big") & MAX_STREAM_ID
            payload, buf = buf[9:9 + length], buf[9 + length:]
            if ftype in (DATA, HEADERS) and flags & PADDED:
                payload = payload[1:len(payload) - payload[0]]
            if ftype == DATA and sid == 1:
                body += payload
                if not args.rate:  # idle mode: keep the windows open
                    inc = struct.pack(">I", len(payload))
                    if payload:
                        send(frame(WINDOW_UPDATE, 0, 0, inc) + frame(WINDOW_UPDATE, 0, 1, inc))
                ended = ended or bool(flags & END_STREAM)
            elif ftype in (HEADERS, CONTINUATION) and sid == 1:
                if ftype == HEADERS and flags & PRIORITY:
                    payload = payload[5:]
                header_block += payload
                if flags & END_HEADERS:
                    headers = dict(dec.decode(header_block))
                    header_block = b""
                    status = status or headers.get(":status")
                ended = ended or (ftype == HEADERS and bool(flags & END_STREAM))
            elif ftype == SETTINGS and not flags & ACK:
                send(frame(SETTINGS, ACK, 0))
            elif ftype == PING and not flags & ACK:
                send(frame(PING, ACK, 0, payload))
            elif ftype == GOAWAY:
                last, code = struct.unpack(">II", payload[:8])
                goaways.append((last & MAX_STREAM_ID, code))
                print(f"= GOAWAY last_stream_id={last & MAX_STREAM_ID} error_code={code} "
                      f"after {len(body)} body bytes")
            elif ftype == RST_STREAM:
                raise Failure(f"RST_STREAM on stream {sid}: {payload.hex()}")
    print(f"= closed by the server after {len(body)} body bytes, {time.monotonic() - start:.1f} s")
    errors = []
    if status != "200":
        errors.append(f"status {status}, want 200")
    if not ended:
        errors.append("no END_STREAM")
    if bytes(body) != want:
        errors.append(f"{len(body)} body bytes differ from the file's {len(want)}")
    if goaways != [(MAX_STREAM_ID, 0), (1, 0)]:
        errors.append(f"GOAWAY (last_stream_id, error_code) sequence {goaways}, "
                      f"want [({MAX_STREAM_ID}, 0), (1, 0)]")
    return errors


def run_h1(args, want):
    sock = connect(args, "http/1.1")
    sock.sendall(f"GET {args.path} HTTP/1.1\r\nHost: 127.0.0.1:{args.port}\r\n\r\n".encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        data = sock.recv(4096)
        if not data:
            raise Failure("closed before the response head")
        buf += data
    head, _, body = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in
               (line.split(":", 1) for line in lines[1:])}
    length = int(headers.get("content-length", -1))
    body = bytearray(body)
    start = time.monotonic()
    deadline = start + args.wait
    is_ready = False
    while True:
        if not is_ready and len(body) >= args.ready_after:
            ready(args)
            is_ready = True
        left = deadline - time.monotonic()
        if left <= 0:
            raise Failure(f"still connected after {args.wait} s with {len(body)} body bytes")
        wait = len(body) / args.rate - (time.monotonic() - start) if args.rate else 0
        if wait > 0:
            time.sleep(min(wait, left))
            continue
        sock.settimeout(left)
        data = sock.recv(8192)
        if not data:
            break
        body += data
    print(f"= {lines[0]}; closed by the server after {len(body)} body bytes, "
          f"{time.monotonic() - start:.1f} s")
    errors = []
    if lines[0].split(" ")[1:2] != ["200"]:
        errors.append(f"status line {lines[0]!r}")
    if length != len(want) or bytes(body) != want:
        errors.append(f"content-length {length}, {len(body)} body bytes; the file has "
                      f"{len(want)}" + ("" if len(body) != len(want) else " (bytes differ)"))
    return errors


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["h2", "h1"])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--cafile")
    p.add_argument("--path", required=True)
    p.add_argument("--root", required=True)
    p.add_argument("--rate", type=float, default=0)
    p.add_argument("--ready", required=True)
    p.add_argument("--ready-after", type=int, default=0)
    p.add_argument("--wait", type=float, default=30)
    args = p.parse_args()
    with open(os.path.join(args.root, args.path.lstrip("/")), "rb") as f:
        want = f.read()
    try:
        errors = (run_h2 if args.mode == "h2" else run_h1)(args, want)
    except (Failure, OSError, hpack.HPACKError) as e:
        errors = [repr(e)]
    for e in errors:
        print("error: " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
