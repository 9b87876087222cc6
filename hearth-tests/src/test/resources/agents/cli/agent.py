"""An agent for the CLI's tests. Python 3 standard library only.

At start it prints "agent started" to stdout (its log). POST /invocations takes {"do": ...}:
  say      prints "line" to stdout and answers {"said": line}
  stream   answers with SSE: the JSON string "first ", then, once a "release" call on the same session has come
           (or 30 s passed), "second"
  release  lets the session's waiting stream finish
  log      writes "bytes" bytes of numbered lines to stdout and answers how many it wrote
  (other)  {"count": N}
"""

import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RELEASED = threading.Event()
COUNT = [0]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def _json(self, value):
        body = json.dumps(value).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _event(self, text):
        event = ("data: %s\n\n" % json.dumps(text)).encode("utf-8")
        self.wfile.write(b"%x\r\n" % len(event) + event + b"\r\n")
        self.wfile.flush()

    def do_GET(self):
        if self.path.split("?")[0] == "/ping":
            self._json({"status": "Healthy"})
        else:
            self.send_error(404)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            payload = json.loads(raw.decode("utf-8")) if raw.strip() else {}
        except ValueError:
            payload = {}
        what = payload.get("do", "") if isinstance(payload, dict) else ""
        if what == "say":
            print(payload.get("line", ""), flush=True)
            self._json({"said": payload.get("line", "")})
        elif what == "stream":
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self._event("first ")
            RELEASED.wait(30)
            RELEASED.clear()
            self._event("second")
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        elif what == "release":
            RELEASED.set()
            self._json({"released": True})
        elif what == "log":
            size = int(payload.get("bytes", 0))
            written = 0
            n = 0
            while written < size:
                line = "line %08d %s\n" % (n, "x" * 100)
                sys.stdout.write(line)
                written += len(line)
                n += 1
            sys.stdout.flush()
            self._json({"logged": written, "lines": n})
        else:
            COUNT[0] += 1
            self._json({"count": COUNT[0]})


if __name__ == "__main__":
    print("agent started", flush=True)
    ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("PORT") or 8080)), Handler).serve_forever(poll_interval=0.2)
