"""Someone else's server on a port we want: answers 200 with JSON on every path, as a careless dev server does."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class HealthyStranger(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps({"status": "ok"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@contextmanager
def foreign_http_server(port: int = 0) -> Iterator[int]:
    """Serve on `port` (0: a free one) in a thread of this process; yields the port."""
    server = ThreadingHTTPServer(("127.0.0.1", port), HealthyStranger)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
