"""An agent that answers every invocation with the headers it received, for the authentication tests.
Python 3 standard library only."""

import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


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

    def _headers(self):
        return {name.lower(): value for name, value in self.headers.items()}

    def do_GET(self):
        if self.path.split("?")[0] == "/ping":
            self._json(200, {"status": "Healthy"})
        elif self.path.split("?")[0] == "/.well-known/agent-card.json":
            self._json(200, {"name": "echo-headers", "headers": self._headers()})
        else:
            self._json(404, {"error": "Not found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._json(200, {"headers": self._headers()})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


if __name__ == "__main__":
    Server(("0.0.0.0", int(os.environ.get("PORT") or 8080)), Handler).serve_forever(poll_interval=0.2)
