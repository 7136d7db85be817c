"""A local web server for the harvest tests: routes to (status, content type, body), every request
recorded (path, headers, body, time), ETags answered with 304, and a few behaviours no static
route has (a redirect to itself, a server too slow to answer, an answer that depends on a POST)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Asked:
    method: str
    path: str
    headers: dict
    body: bytes
    at: float


Route = tuple  # (status, content type, body[, {header: value}])


@contextmanager
def serve(routes: dict[str, Route], posts: Callable[[str, bytes], Route | None] | None = None) -> Iterator[tuple[str, list[Asked]]]:
    seen: list[Asked] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, method: str):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            seen.append(Asked(method, self.path, dict(self.headers), body, time.monotonic()))
            if self.path.endswith("/loop.html"):  # a redirect to itself
                self.send_response(302)
                self.send_header("Location", self.path)
                self.end_headers()
                return
            if self.path.endswith("/slow.html"):  # never answers in time
                time.sleep(3)
            answer = posts(self.path, body) if method == "POST" and posts else None
            status, kind, data, *more = answer or routes.get(self.path, (404, "text/plain", b"not found"))
            etag = f'"{hash(data) & 0xFFFFFFFF:x}"'
            if status == 200 and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("ETag", etag)
            for name, value in (more[0] if more else {}).items():  # a route's own headers (Content-Disposition)
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):  # the names http.server calls
            self._answer("GET")

        def do_POST(self):
            self._answer("POST")

        def log_message(self, *args):
            pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # a client that hangs up (the size cap, the timeout) is what these tests provoke

    httpd = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}", seen
    finally:
        httpd.shutdown()
