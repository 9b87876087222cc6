"""An agent whose every invocation starts a loop that burns CPU until the sandbox is stopped: a runaway agent for the
budget tests. Python 3 standard library only."""

import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def burn():
    n = 0
    while True:
        n += 1


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def _json(self, status, value):
        body = json.dumps(value).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path.split("?")[0] == "/ping":
            self._json(200, {"status": "Healthy"})
        else:
            self._json(404, {"error": "Not found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        threading.Thread(target=burn, daemon=True).start()
        self._json(200, {"burning": True})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


if __name__ == "__main__":
    Server(("0.0.0.0", int(os.environ.get("PORT") or 8080)), Handler).serve_forever(poll_interval=0.2)
