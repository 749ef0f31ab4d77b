#!/usr/bin/python3
"""An HTTP/2 client on python3-h2 over a real socket, for the interop tests.

  h2_client.py fetch --port P --root DIR (--tls --cafile CERT | --h2c | --upgrade) [--echo]
      Opens one connection (TLS with ALPN h2, h2c prior knowledge, or h2c through
      `Upgrade: h2c`), sends every request at once on concurrent streams, checks statuses,
      headers and bodies against the files in DIR, sends a PING and wants its ACK, then sends
      GOAWAY and wants the server to close the connection. --echo adds a 300 KiB POST to /echo
      (more than the 65,535-byte initial window: the server must send WINDOW_UPDATE) and a
      GET /echo.

Exit status 0 when every check passes, 1 otherwise; lines starting with "= " are details.
"""

import argparse
import os
import socket
import ssl
import sys
import time

import h2.config
import h2.connection
import h2.events
import h2.exceptions

class Failure(Exception):
    pass


def connect(args, alpn=True):
    raw = socket.create_connection(("127.0.0.1", args.port), timeout=10)
    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if not args.tls:
        return raw
    ctx = ssl.create_default_context(cafile=args.cafile)
    if alpn:
        ctx.set_alpn_protocols(["h2"])
    sock = ctx.wrap_socket(raw, server_hostname="localhost")
    if sock.selected_alpn_protocol() != "h2":
        raise Failure(f"ALPN selected {sock.selected_alpn_protocol()!r}, want 'h2'")
    print(f"= TLS {sock.version()} {sock.cipher()[0]}, ALPN h2")
    return sock


class Stream:
    def __init__(self, method, path, status, body=None, headers=None, send=b""):
        self.method, self.path = method, path
        self.want_status, self.want_body, self.want_headers = status, body, headers or {}
        self.send = send  # request body still to send
        self.sent = 0
        self.headers = None
        self.data = bytearray()
        self.ended = False


class Client:
    def __init__(self, args):
        self.args = args
        self.conn = h2.connection.H2Connection(
            h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        self.streams = {}
        self.events = []
        self.pong = None

    def flush(self):
        data = self.conn.data_to_send()
        if data:
            self.sock.sendall(data)

    def open(self, stream, sid=None):
        if sid is None:
            sid = self.conn.get_next_available_stream_id()
            headers = [(":method", stream.method), (":path", stream.path),
                       (":scheme", "https" if self.args.tls else "http"),
                       (":authority", f"127.0.0.1:{self.args.port}")]
            if stream.send:
                headers.append(("content-length", str(len(stream.send))))
            self.conn.send_headers(sid, headers, end_stream=not stream.send)
        self.streams[sid] = stream

    def pump_bodies(self):
        for sid, s in self.streams.items():
            while s.sent < len(s.send):
                n = min(self.conn.local_flow_control_window(sid),
                        self.conn.max_outbound_frame_size, len(s.send) - s.sent)
                if n <= 0:
                    break
                last = s.sent + n == len(s.send)
                self.conn.send_data(sid, s.send[s.sent:s.sent + n], end_stream=last)
                s.sent += n
        self.flush()

    def handle(self, event):
        self.events.append(type(event).__name__)
        if isinstance(event, h2.events.ResponseReceived):
            self.streams[event.stream_id].headers = dict(event.headers)
        elif isinstance(event, h2.events.DataReceived):
            self.streams[event.stream_id].data += event.data
            self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
        elif isinstance(event, h2.events.StreamEnded):
            self.streams[event.stream_id].ended = True
        elif isinstance(event, h2.events.StreamReset):
            raise Failure(f"server reset stream {event.stream_id} ({event.error_code!r})")
        elif isinstance(event, h2.events.ConnectionTerminated):
            raise Failure(f"server sent GOAWAY early: {event}")
        elif isinstance(event, h2.events.PingAckReceived):
            self.pong = event.ping_data

    def run_until(self, done, seconds, what):
        deadline = time.monotonic() + seconds
        while not done():
            self.pump_bodies()
            left = deadline - time.monotonic()
            if left <= 0:
                raise Failure(f"timed out after {seconds} s waiting for {what}")
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not data:
                raise Failure(f"server closed the connection while waiting for {what}")
            for event in self.conn.receive_data(data):
                self.handle(event)
            self.flush()


def read_file(root, path):
    with open(os.path.join(root, path.lstrip("/")), "rb") as f:
        return f.read()


def upgrade(client, args):
    """Sends GET /small.txt with Upgrade: h2c; after 101, stream 1 carries its response."""
    settings = client.conn.initiate_upgrade_connection().decode("ascii")
    request = (f"GET /small.txt HTTP/1.1\r\nHost: 127.0.0.1:{args.port}\r\n"
               f"Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
               f"HTTP2-Settings: {settings}\r\n\r\n")
    client.sock.sendall(request.encode("ascii"))
    buf = b""
    while b"\r\n\r\n" not in buf:
        data = client.sock.recv(65536)
        if not data:
            raise Failure("connection closed before the 101 response")
        buf += data
    head, _, rest = buf.partition(b"\r\n\r\n")
    status_line = head.split(b"\r\n")[0].decode("latin-1")
    if status_line.split(" ")[1:2] != ["101"]:
        raise Failure(f"upgrade answered {status_line!r}, want 101")
    print(f"= {status_line}")
    client.open(Stream("GET", "/small.txt", "200", read_file(args.root, "/small.txt")), sid=1)
    client.flush()  # the client preface and SETTINGS, after the 101
    if rest:
        for event in client.conn.receive_data(rest):
            client.handle(event)


def fetch(args):
    client = Client(args)
    client.sock = connect(args)
    if args.upgrade:
        upgrade(client, args)
    else:
        client.conn.initiate_connection()
        client.flush()
    for path in ("/small.txt", "/medium.bin", "/big.bin", "/nested/deep.txt"):
        client.open(Stream("GET", path, "200", read_file(args.root, path)))
    client.open(Stream("GET", "/does-not-exist.txt", "404"))
    size = len(read_file(args.root, "/medium.bin"))
    client.open(Stream("HEAD", "/medium.bin", "200", b"", {"content-length": str(size)}))
    if args.echo:
        body = os.urandom(300 * 1024)
        client.open(Stream("POST", "/echo", "200", body, {
            "x-method": "POST", "x-path": "/echo", "x-protocol": "h2"}, send=body))
        client.open(Stream("GET", "/echo", "200", b"", {"x-method": "GET"}))
    client.flush()
    n = len(client.streams)
    client.run_until(lambda: all(s.ended for s in client.streams.values()), 20,
                     f"{n} responses")

    errors = []
    first = client.events[0] if client.events else "nothing"
    if first != "RemoteSettingsChanged":
        errors.append(f"the server's first frame gave {first}, want its SETTINGS")
    if "SettingsAcknowledged" not in client.events:
        errors.append("the server did not ACK our SETTINGS")
    for sid, s in sorted(client.streams.items()):
        got = s.headers.get(":status") if s.headers else None
        if got != s.want_status:
            errors.append(f"{s.method} {s.path} (stream {sid}): status {got}, want {s.want_status}")
        if s.want_body is not None and bytes(s.data) != s.want_body:
            errors.append(f"{s.method} {s.path}: {len(s.data)} body bytes differ from the "
                          f"expected {len(s.want_body)}")
        for name, value in s.want_headers.items():
            if (s.headers or {}).get(name) != value:
                errors.append(f"{s.method} {s.path}: header {name} is "
                              f"{(s.headers or {}).get(name)!r}, want {value!r}")
        cl = (s.headers or {}).get("content-length")
        if cl is not None and s.method != "HEAD" and int(cl) != len(s.data):
            errors.append(f"{s.method} {s.path}: content-length {cl}, got {len(s.data)} bytes")
    print(f"= {n} concurrent streams, {sum(len(s.data) for s in client.streams.values())} "
          f"body bytes")

    client.conn.ping(b"interop!")
    client.flush()
    client.run_until(lambda: client.pong is not None, 5, "the PING ACK")
    if client.pong != b"interop!":
        errors.append(f"PING ACK carries {client.pong!r}, want b'interop!'")

    # Close: our GOAWAY; the server, with no stream left, must close the connection.
    client.conn.close_connection()
    client.flush()
    deadline = time.monotonic() + 5
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            errors.append("the server did not close the connection within 5 s of our GOAWAY")
            break
        client.sock.settimeout(left)
        try:
            if not client.sock.recv(65536):
                print("= GOAWAY sent, server closed the connection")
                break
        except socket.timeout:
            continue
        except ssl.SSLEOFError:
            print("= GOAWAY sent, server closed the connection (TCP, without TLS close_notify)")
            break
        except (ConnectionResetError, ssl.SSLError) as e:
            errors.append(f"connection ended badly after our GOAWAY: {e!r}")
            break
    client.sock.close()
    for e in errors:
        print("error: " + e)
    return 1 if errors else 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["fetch"])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--root")
    p.add_argument("--cafile")
    p.add_argument("--tls", action="store_true")
    p.add_argument("--h2c", action="store_true")
    p.add_argument("--upgrade", action="store_true")
    p.add_argument("--echo", action="store_true")
    args = p.parse_args()
    try:
        return fetch(args)
    except (Failure, h2.exceptions.ProtocolError, OSError) as e:
        print(f"error: {e!r}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
