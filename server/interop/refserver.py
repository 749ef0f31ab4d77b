#!/usr/bin/python3
"""refserver: the interop contract of README.md implemented in Python with python3-h2.

It exists to validate the interop tests before h2d exists: every h2d-only check (HTTP/1.1,
Upgrade: h2c, /echo, the access log, graceful SIGTERM with a two-step GOAWAY) must pass
against it, so a failure against h2d points at h2d, not at the test. It takes exactly h2d's
command line:

    refserver.py --host 127.0.0.1 --port PORT --root DIR --cert CERT.pem --key KEY.pem
                 [--threads N] [--tls-only] [--trace] [--access-log FILE]

It is a test tool, not a server: one thread per connection, whole files in memory, python-h2's
speed (a few thousand requests per second).
"""

import argparse
import os
import select
import signal
import socket
import ssl
import sys
import threading
import time
import urllib.parse

import h2.config
import h2.connection
import h2.errors
import h2.events
import h2.exceptions
from hyperframe.frame import GoAwayFrame

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
MAX_STREAM_ID = 2**31 - 1
IDLE_TIMEOUT = 30.0  # seconds without a byte from the peer on an idle connection
MAX_HEAD = 64 * 1024  # HTTP/1.1 request line and headers
MAX_BODY = 16 * 1024 * 1024  # request bodies, both protocols
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript",
    ".css": "text/css",
    ".png": "image/png",
    ".gif": "image/gif",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
}
REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
           413: "Content Too Large", 501: "Not Implemented"}


class Shared:
    """State every connection thread reads: configuration, TLS context, shutdown flag."""

    def __init__(self, args):
        self.args = args
        self.root = os.path.realpath(args.root)
        self.shutting_down = threading.Event()
        self.log_lock = threading.Lock()
        self.access_log = open(args.access_log, "a", buffering=1) if args.access_log else None
        self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.tls.minimum_version = ssl.TLSVersion.TLSv1_2
        self.tls.load_cert_chain(args.cert, args.key)
        self.tls.set_alpn_protocols(["h2", "http/1.1"])

    def trace(self, msg):
        if self.args.trace:
            with self.log_lock:
                print(msg, file=sys.stderr, flush=True)

    def log_request(self, method, path, protocol, status, size):
        if self.access_log:
            with self.log_lock:
                self.access_log.write(f"{method} {path} {protocol} {status} {size}\n")


def route(shared, method, target, headers, body, protocol):
    """Returns (status, [(name, value)], body) for one request; HEAD bodies are dropped by
    the caller, after content-length is known."""
    path = target.split("?", 1)[0]
    if path == "/echo":
        extra = [("x-method", method), ("x-path", target), ("x-protocol", protocol),
                 ("content-type", headers.get("content-type", "application/octet-stream"))]
        return 200, extra, bytes(body)
    if method not in ("GET", "HEAD"):
        return 405, [("content-type", "text/plain; charset=utf-8"), ("allow", "GET, HEAD")], \
            b"method not allowed\n"
    not_found = (404, [("content-type", "text/plain; charset=utf-8")], b"not found\n")
    if not path.startswith("/"):
        return 400, [("content-type", "text/plain; charset=utf-8")], b"bad request\n"
    segments = urllib.parse.unquote(path).split("/")
    if any(s in (".", "..") or "\0" in s or "\\" in s for s in segments):
        return not_found
    full = os.path.realpath(os.path.join(shared.root, *[s for s in segments if s]))
    if not full.startswith(shared.root + os.sep) or not os.path.isfile(full):
        return not_found
    with open(full, "rb") as f:
        data = f.read()
    ctype = CONTENT_TYPES.get(os.path.splitext(full)[1], "application/octet-stream")
    return 200, [("content-type", ctype)], data


def wait_readable(sock, timeout):
    if isinstance(sock, ssl.SSLSocket) and sock.pending():
        return True
    r, _, _ = select.select([sock], [], [], timeout)
    return bool(r)


# --- HTTP/1.1 --------------------------------------------------------------------------------

class Reader:
    """Buffered reads from a socket; what is left over can be handed to the h2 handler."""

    def __init__(self, sock, initial=b""):
        self.sock = sock
        self.buf = bytearray(initial)

    def fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise EOFError
        self.buf += data

    def read_until(self, sep, limit):
        while True:
            i = self.buf.find(sep)
            if i >= 0:
                out = bytes(self.buf[:i])
                del self.buf[:i + len(sep)]
                return out
            if len(self.buf) > limit:
                raise ValueError("line too long")
            self.fill()

    def read_exact(self, n):
        while len(self.buf) < n:
            self.fill()
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out


def read_h1_body(reader, headers):
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = bytearray()
        while True:
            size = int(reader.read_until(b"\r\n", 1024).split(b";")[0], 16)
            if size == 0:
                while reader.read_until(b"\r\n", MAX_HEAD):  # trailers
                    pass
                return bytes(body)
            if len(body) + size > MAX_BODY:
                raise ValueError("body too large")
            body += reader.read_exact(size)
            reader.read_until(b"\r\n", 2)
    n = int(headers.get("content-length", "0"))
    if n < 0 or n > MAX_BODY:
        raise ValueError("bad content-length")
    return reader.read_exact(n)


def serve_h1(shared, sock, tls, initial=b""):
    reader = Reader(sock, initial)
    protocol = "http/1.1"
    while True:
        idle_since = time.monotonic()
        while not reader.buf and not wait_readable(sock, 0.2):
            if shared.shutting_down.is_set() or time.monotonic() - idle_since > IDLE_TIMEOUT:
                return
        try:
            head = reader.read_until(b"\r\n\r\n", MAX_HEAD).decode("latin-1")
            lines = head.split("\r\n")
            method, target, version = lines[0].split(" ")
            headers = {}
            for line in lines[1:]:
                name, value = line.split(":", 1)
                name = name.strip().lower()
                value = value.strip()
                headers[name] = headers[name] + ", " + value if name in headers else value
            if headers.get("expect", "").lower() == "100-continue":
                sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            body = read_h1_body(reader, headers)
        except EOFError:
            return
        except ValueError as e:
            shared.trace(f"h1: bad request: {e}")
            sock.sendall(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            return
        shared.trace(f"h1: {method} {target} {version}")
        connection = [t.strip().lower() for t in headers.get("connection", "").split(",")]
        upgrade = [t.strip().lower() for t in headers.get("upgrade", "").split(",")]
        if (not tls and "h2c" in upgrade and "upgrade" in connection
                and "http2-settings" in headers and not shared.shutting_down.is_set()):
            sock.sendall(b"HTTP/1.1 101 Switching Protocols\r\nconnection: Upgrade\r\n"
                         b"upgrade: h2c\r\n\r\n")
            H2Handler(shared, sock, bytes(reader.buf),
                      upgrade=(method, target, headers, body,
                               headers["http2-settings"].encode())).run()
            return
        status, extra, out = route(shared, method, target, headers, body, protocol)
        close = (version != "HTTP/1.1" or "close" in connection
                 or shared.shutting_down.is_set())
        lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}",
                 "server: h2engine-refserver", f"content-length: {len(out)}"]
        lines += [f"{n}: {v}" for n, v in extra]
        if close:
            lines.append("connection: close")
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        if method != "HEAD":
            sock.sendall(out)
        shared.log_request(method, target, protocol, status, len(out))
        if close:
            return


# --- HTTP/2 ----------------------------------------------------------------------------------

class H2Handler:
    """One HTTP/2 connection: python-h2 for the protocol; GOAWAY on shutdown is written by
    hand, because python-h2 stops sending DATA once it has sent a GOAWAY, and graceful
    shutdown must finish the streams in flight (RFC 9113 section 6.8)."""

    def __init__(self, shared, sock, initial=b"", upgrade=None):
        self.shared = shared
        self.sock = sock
        self.initial = initial
        self.upgrade = upgrade
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(
            client_side=False, header_encoding="utf-8"))
        self.requests = {}  # stream id -> [headers dict, bytearray body]
        self.pending = {}  # stream id -> [memoryview, offset]
        self.goaway_first = None  # monotonic time the first shutdown GOAWAY was sent
        self.goaway_last_id = None  # last_stream_id of the final GOAWAY, once sent
        self.ping_acked = False

    def flush(self):
        data = self.conn.data_to_send()
        if data:
            self.sock.sendall(data)

    def send_goaway(self, last_stream_id):
        self.flush()
        self.sock.sendall(GoAwayFrame(0, last_stream_id=last_stream_id, error_code=0).serialize())
        self.shared.trace(f"h2: sent GOAWAY last_stream_id={last_stream_id}")

    def respond(self, sid):
        headers, body = self.requests.pop(sid)
        method = headers.get(":method", "")
        target = headers.get(":path", "")
        status, extra, out = route(self.shared, method, target, headers, body, "h2")
        self.shared.log_request(method, target, "h2", status, len(out))
        hdrs = [(":status", str(status)), ("server", "h2engine-refserver"),
                ("content-length", str(len(out)))] + extra
        no_body = method == "HEAD" or not out
        self.conn.send_headers(sid, hdrs, end_stream=no_body)
        if not no_body:
            self.pending[sid] = [memoryview(out), 0]

    def pump(self):
        """Sends DATA round-robin, one frame per stream per round, within the windows."""
        progress = True
        while progress and self.pending:
            progress = False
            for sid in list(self.pending):
                mv, off = self.pending[sid]
                n = min(self.conn.local_flow_control_window(sid),
                        self.conn.max_outbound_frame_size, len(mv) - off)
                if n <= 0:
                    continue
                last = off + n == len(mv)
                self.conn.send_data(sid, mv[off:off + n].tobytes(), end_stream=last)
                progress = True
                if last:
                    del self.pending[sid]
                else:
                    self.pending[sid][1] = off + n
            self.flush()

    def handle(self, event):
        self.shared.trace(f"h2: {event}")
        if isinstance(event, h2.events.RequestReceived):
            sid = event.stream_id
            if self.goaway_last_id is not None and sid > self.goaway_last_id:
                self.conn.reset_stream(sid, h2.errors.ErrorCodes.REFUSED_STREAM)
                return True
            self.requests[sid] = [dict(event.headers), bytearray()]
        elif isinstance(event, h2.events.DataReceived):
            self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            req = self.requests.get(event.stream_id)
            if req is not None:
                req[1] += event.data
                if len(req[1]) > MAX_BODY:
                    self.requests.pop(event.stream_id)
                    self.conn.reset_stream(event.stream_id, h2.errors.ErrorCodes.REFUSED_STREAM)
        elif isinstance(event, h2.events.StreamEnded):
            if event.stream_id in self.requests:
                self.respond(event.stream_id)
        elif isinstance(event, h2.events.StreamReset):
            self.requests.pop(event.stream_id, None)
            self.pending.pop(event.stream_id, None)
        elif isinstance(event, h2.events.PingAckReceived):
            if event.ping_data == b"shutdown":
                self.ping_acked = True
        elif isinstance(event, h2.events.ConnectionTerminated):
            return False  # the peer's GOAWAY: python-h2 sends nothing more, so close
        return True

    def run(self):
        if self.upgrade:
            method, target, headers, body, settings = self.upgrade
            self.conn.initiate_upgrade_connection(settings)
            hdrs = {":method": method, ":path": target, ":scheme": "http",
                    ":authority": headers.get("host", "")}
            hdrs.update(headers)
            self.requests[1] = [hdrs, bytearray(body)]
            self.respond(1)
        else:
            self.conn.initiate_connection()
        self.flush()
        data = self.initial
        last_input = time.monotonic()
        try:
            while True:
                if data:
                    last_input = time.monotonic()
                    for event in self.conn.receive_data(data):
                        if not self.handle(event):
                            self.flush()
                            return
                    data = b""
                self.pump()
                self.flush()
                if not self.step_shutdown():
                    return
                if wait_readable(self.sock, 0.1):
                    data = self.sock.recv(65536)
                    if not data:
                        return
                elif not self.requests and not self.pending and \
                        time.monotonic() - last_input > IDLE_TIMEOUT:
                    self.conn.close_connection()
                    self.flush()
                    return
        except h2.exceptions.ProtocolError as e:
            self.shared.trace(f"h2: protocol error: {e!r}")
            self.conn.close_connection(h2.errors.ErrorCodes.PROTOCOL_ERROR)
            self.flush()

    def step_shutdown(self):
        """Graceful shutdown: GOAWAY(2^31-1) and a PING; on the PING ACK (or after 1 s) the
        final GOAWAY naming the last stream processed; close once no stream is in flight.
        Returns False when the connection should close."""
        if not self.shared.shutting_down.is_set():
            return True
        if self.goaway_first is None:
            self.send_goaway(MAX_STREAM_ID)
            self.conn.ping(b"shutdown")
            self.flush()
            self.goaway_first = time.monotonic()
        if self.goaway_last_id is None and (self.ping_acked or
                                            time.monotonic() - self.goaway_first > 1.0):
            self.goaway_last_id = self.conn.highest_inbound_stream_id
            self.send_goaway(self.goaway_last_id)
        return self.goaway_last_id is None or bool(self.requests or self.pending)


# --- connections and main --------------------------------------------------------------------

def peek_preface(sock):
    """Peeks until the bytes are the h2 preface or cannot be; True for a prior-knowledge h2c
    connection."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        data = sock.recv(len(PREFACE), socket.MSG_PEEK)
        if not data:
            return False
        if not PREFACE.startswith(data):
            return False
        if len(data) == len(PREFACE):
            return True
        wait_readable(sock, 0.1)
    return False


def lingering_close(sock):
    """Half-closes, then reads and drops what the peer still sends (1 s at most) before the
    close. Closing a socket with unread input makes the kernel send a RST, and a RST can
    destroy the last frames we sent before the peer has read them."""
    try:
        sock.shutdown(socket.SHUT_WR)
        deadline = time.monotonic() + 1
        while time.monotonic() < deadline and wait_readable(sock, deadline - time.monotonic()):
            if not sock.recv(65536):
                break
    except (OSError, ValueError):
        pass


def serve_connection(shared, sock):
    try:
        sock.settimeout(30)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if not wait_readable(sock, 10):
            return
        first = sock.recv(1, socket.MSG_PEEK)
        if not first:
            return
        if first[0] == 0x16:
            tls = shared.tls.wrap_socket(sock, server_side=True)
            if tls.selected_alpn_protocol() == "h2":
                H2Handler(shared, tls).run()
            else:
                serve_h1(shared, tls, tls=True)
            try:
                tls.settimeout(1)
                sock = tls.unwrap()  # close_notify; the peer may well have gone already
            except (OSError, ValueError):
                sock = tls
        elif shared.args.tls_only:
            return
        elif peek_preface(sock):
            H2Handler(shared, sock).run()
        else:
            serve_h1(shared, sock, tls=False)
        lingering_close(sock)
    except (OSError, ssl.SSLError, ValueError) as e:
        shared.trace(f"connection: {e!r}")
    finally:
        try:
            sock.close()
        except OSError:
            pass


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--root", required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--threads", type=int, default=1, help="ignored: one thread per connection")
    p.add_argument("--tls-only", action="store_true")
    p.add_argument("--trace", action="store_true")
    p.add_argument("--access-log")
    args = p.parse_args()
    shared = Shared(args)
    listener = socket.create_server((args.host, args.port), backlog=512)
    signal.signal(signal.SIGTERM, lambda *_: shared.shutting_down.set())
    signal.signal(signal.SIGINT, lambda *_: shared.shutting_down.set())
    print(f"refserver: serving {args.root} on https://{args.host}:{args.port}/"
          + ("" if args.tls_only else f" and http://{args.host}:{args.port}/"), flush=True)
    threads = []
    while not shared.shutting_down.is_set():
        try:
            readable = wait_readable(listener, 0.2)
        except InterruptedError:
            continue
        if readable:
            sock, _ = listener.accept()
            t = threading.Thread(target=serve_connection, args=(shared, sock), daemon=True)
            t.start()
            threads = [x for x in threads if x.is_alive()] + [t]
    listener.close()
    deadline = time.monotonic() + 30
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    stuck = sum(t.is_alive() for t in threads)
    if shared.access_log:
        shared.access_log.close()
    print(f"refserver: stopped ({stuck} connections still open)", flush=True)
    return 1 if stuck else 0


if __name__ == "__main__":
    sys.exit(main())
