#!/usr/bin/python3
"""Byte-level interop between h2engine's h2::Connection and Python's h2 (python3-h2).

Usage: h2_interop.py DRIVER
  DRIVER is h2/testing/interop_driver. The script runs two sessions over pipes, with no
  network:
    1. our server (DRIVER server) against an h2 client (H2Connection, client side);
    2. our client (DRIVER client) against an h2 server (H2Connection, server side).
Both directions flow at once (non-blocking pipes and a selector), flow control is honoured on
the Python side, and every response is checked. Exit status 0 when both sessions pass.
"""

import fcntl
import os
import selectors
import subprocess
import sys
import time

import h2.config
import h2.connection
import h2.events
import h2.exceptions

TIMEOUT = 20.0


def nonblocking(fd):
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)


class Session:
    """Runs an H2Connection against the driver process over its stdin/stdout."""

    def __init__(self, driver, mode, client_side):
        self.proc = subprocess.Popen([driver, mode], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=None)
        self.wfd = self.proc.stdin.fileno()
        self.rfd = self.proc.stdout.fileno()
        nonblocking(self.wfd)
        nonblocking(self.rfd)
        config = h2.config.H2Configuration(client_side=client_side, header_encoding="utf-8")
        self.conn = h2.connection.H2Connection(config=config)
        self.out = b""
        self.eof = False
        self.pending = {}  # stream id -> [bytes left to send, end_stream, trailers]

    def send_body(self, stream_id, data, end_stream=True, trailers=None):
        self.pending[stream_id] = [data, end_stream, trailers]
        self.flush_bodies()

    def flush_bodies(self):
        for stream_id in list(self.pending):
            data, end_stream, trailers = self.pending[stream_id]
            try:
                while data:
                    window = min(self.conn.local_flow_control_window(stream_id),
                                 self.conn.max_outbound_frame_size)
                    if window <= 0:
                        break
                    chunk, data = data[:window], data[window:]
                    self.conn.send_data(stream_id, chunk)
            except (h2.exceptions.StreamClosedError, KeyError):
                del self.pending[stream_id]
                continue
            self.pending[stream_id][0] = data
            if not data:
                del self.pending[stream_id]
                if trailers:
                    self.conn.send_headers(stream_id, trailers, end_stream=True)
                elif end_stream:
                    self.conn.end_stream(stream_id)

    def pump(self, handle, done):
        """Moves bytes until done() or the driver closes; handle(event) gets every event."""
        sel = selectors.DefaultSelector()
        sel.register(self.rfd, selectors.EVENT_READ)
        writing = False
        deadline = time.monotonic() + TIMEOUT
        while not done():
            if time.monotonic() > deadline:
                raise AssertionError("timed out")
            self.out += self.conn.data_to_send()
            if self.out and not writing and self.wfd is not None:
                sel.register(self.wfd, selectors.EVENT_WRITE)
                writing = True
            for key, _ in sel.select(timeout=1.0):
                if key.fd == self.wfd:
                    try:
                        n = os.write(self.wfd, self.out)
                        self.out = self.out[n:]
                    except BlockingIOError:
                        pass
                    except BrokenPipeError:
                        self.out = b""
                    if not self.out:
                        sel.unregister(self.wfd)
                        writing = False
                else:
                    try:
                        data = os.read(self.rfd, 65536)
                    except BlockingIOError:
                        continue
                    if not data:
                        self.eof = True
                        return
                    for event in self.conn.receive_data(data):
                        handle(event)
                    self.flush_bodies()
        sel.close()

    def finish(self):
        """Sends what is left, closes our side, and returns the driver's exit status."""
        self.out += self.conn.data_to_send()
        self.wait_written()
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        self.wfd = None
        # Drain whatever the driver still says until it exits.
        while True:
            try:
                data = os.read(self.rfd, 65536)
            except BlockingIOError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.01)
                continue
            if not data:
                break
        return self.proc.wait(timeout=TIMEOUT)

    def wait_written(self):
        deadline = time.monotonic() + TIMEOUT
        while self.out:
            if time.monotonic() > deadline:
                raise AssertionError("could not write")
            try:
                n = os.write(self.wfd, self.out)
                self.out = self.out[n:]
            except BlockingIOError:
                time.sleep(0.001)
            except BrokenPipeError:  # the driver already finished and exited
                self.out = b""


def headers_dict(headers):
    return {name: value for name, value in headers}


def our_server_vs_h2_client(driver):
    """h2 client -> our server: several requests with bodies, trailers, a reset, a PING."""
    s = Session(driver, "server", client_side=True)
    s.conn.initiate_connection()
    big = bytes((ord("a") + i % 26) for i in range(250000))
    streams = {}

    def request(method, path, body=None, trailers=None, extra=()):
        sid = s.conn.get_next_available_stream_id()
        headers = [(":method", method), (":scheme", "http"), (":authority", "interop.test"),
                   (":path", path)] + list(extra)
        s.conn.send_headers(sid, headers, end_stream=body is None)
        streams[sid] = {"path": path, "status": None, "body": b"", "ended": False,
                        "trailers": None, "reset": None}
        if body is not None:
            s.send_body(sid, body, trailers=trailers)
        return sid

    get = request("GET", "/hello")
    head = request("HEAD", "/hello")
    post = request("POST", "/echo", big)
    tr = request("POST", "/trailers", b"with trailers", trailers=[("x-checksum", "42")],
                 extra=[("te", "trailers")])
    many = [request("GET", "/n/%d" % i) for i in range(20)]
    doomed = request("POST", "/doomed", b"x" * 100000)
    s.conn.ping(b"interop!")
    pinged = []

    def handle(event):
        if isinstance(event, h2.events.ResponseReceived):
            streams[event.stream_id]["status"] = headers_dict(event.headers)[":status"]
            if event.stream_id == doomed:
                s.conn.reset_stream(doomed, error_code=8)
                s.pending.pop(doomed, None)
                streams[doomed]["reset"] = "by client"
        elif isinstance(event, h2.events.DataReceived):
            streams[event.stream_id]["body"] += event.data
            s.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
        elif isinstance(event, h2.events.TrailersReceived):
            streams[event.stream_id]["trailers"] = headers_dict(event.headers)
        elif isinstance(event, h2.events.StreamEnded):
            streams[event.stream_id]["ended"] = True
        elif isinstance(event, h2.events.StreamReset):
            streams[event.stream_id]["reset"] = event.error_code
        elif isinstance(event, h2.events.PingAckReceived):
            pinged.append(event.ping_data)

    def done():
        return pinged and all(st["ended"] or st["reset"] for st in streams.values())

    s.pump(handle, done)
    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)

    check(streams[get]["status"] == "200" and streams[get]["body"] == b"hello /hello", "GET")
    check(streams[head]["status"] == "200" and streams[head]["body"] == b"", "HEAD")
    check(streams[post]["status"] == "200" and streams[post]["body"] == big, "POST echo 250 KB")
    check(streams[tr]["body"] == b"with trailers" and
          streams[tr]["trailers"] == {"x-checksum": "42"}, "trailers both ways")
    for i, sid in enumerate(many):
        check(streams[sid]["body"] == ("hello /n/%d" % i).encode(), "GET /n/%d" % i)
    check(streams[doomed]["reset"] == "by client", "reset mid-body")
    check(pinged == [b"interop!"], "PING ACK")
    # Graceful close from the client side: our server finishes and exits 0.
    s.conn.close_connection()
    status = s.finish()
    check(status == 0, "driver exit status %s" % status)
    return failures


def our_client_vs_h2_server(driver):
    """Our client -> h2 server: GET, 300 KB upload and download, trailers, 103, HEAD."""
    s = Session(driver, "client", client_side=False)
    s.conn.initiate_connection()
    requests = {}
    goaway = []

    def respond(sid):
        r = requests[sid]
        path = r["headers"][":path"]
        method = r["headers"][":method"]
        if path == "/hints":
            s.conn.send_headers(sid, [(":status", "103"), ("link", "</s.css>; rel=preload")])
        if method == "HEAD":
            s.conn.send_headers(sid, [(":status", "200"), ("content-length", "6")],
                                end_stream=True)
            return
        body = {"/a": b"A-body", "/hints": b"after hints"}.get(path)
        if path == "/upload":
            body = r["body"]  # echo the 300 KB upload back
        elif path == "/trailers":
            body = r["body"]
        elif path.startswith("/n/"):
            body = ("n " + path[3:]).encode()
        s.conn.send_headers(sid, [(":status", "200")])
        trailers = [("x-checksum", "ok")] if r["trailers"] else None
        s.send_body(sid, body, trailers=trailers)

    def handle(event):
        if isinstance(event, h2.events.RequestReceived):
            requests[event.stream_id] = {"headers": headers_dict(event.headers), "body": b"",
                                         "trailers": None}
        elif isinstance(event, h2.events.DataReceived):
            requests[event.stream_id]["body"] += event.data
            s.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
        elif isinstance(event, h2.events.TrailersReceived):
            requests[event.stream_id]["trailers"] = headers_dict(event.headers)
        elif isinstance(event, h2.events.StreamEnded):
            respond(event.stream_id)
        elif isinstance(event, h2.events.ConnectionTerminated):
            goaway.append(event.error_code)

    s.pump(handle, lambda: bool(goaway) and not s.pending)
    failures = []
    if goaway != [0]:
        failures.append("GOAWAY from our client: %s" % goaway)
    s.conn.close_connection()
    status = s.finish()
    if status != 0:
        failures.append("driver exit status %s (its stderr has the per-stream results)" % status)
    if len(requests) != 15:
        failures.append("%d requests received" % len(requests))
    return failures


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    driver = sys.argv[1]
    failed = False
    for name, session in [("our server vs h2 client", our_server_vs_h2_client),
                          ("our client vs h2 server", our_client_vs_h2_server)]:
        started = time.monotonic()
        try:
            failures = session(driver)
        except Exception as e:  # report, do not hide, any h2 protocol complaint
            failures = ["exception: %r" % e]
        verdict = "PASS" if not failures else "FAIL: " + "; ".join(failures)
        print("%s: %s (%.2f s)" % (name, verdict, time.monotonic() - started), flush=True)
        failed = failed or bool(failures)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
