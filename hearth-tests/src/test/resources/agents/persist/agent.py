"""A test agent whose state can be seen from outside: a count in memory, files anywhere it may write.

POST /invocations takes {"write": {"path": P, "content": C}}, {"read": P}, {"fill": {"path": P, "bytes": N}};
every answer carries the count, the process's start time and HEARTH_RESUMED.
"""

import json
import os
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STARTED = time.time()
COUNT = 0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def _json(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/ping":
            self._json(200, {"status": "Healthy", "time_of_last_update": int(STARTED)})
        else:
            self._json(404, {"error": "not found"})

    def do_POST(self):
        global COUNT
        length = int(self.headers.get("Content-Length") or 0)
        payload = json.loads(self.rfile.read(length) or b"{}")
        COUNT += 1
        answer = {"count": COUNT, "started": STARTED, "resumed": os.environ.get("HEARTH_RESUMED")}
        try:
            if "write" in payload:
                path = payload["write"]["path"]
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w") as f:
                    f.write(payload["write"]["content"])
            if "read" in payload:
                try:
                    with open(payload["read"]) as f:
                        answer["content"] = f.read()
                except FileNotFoundError:
                    answer["content"] = None
            if "fill" in payload:
                with open(payload["fill"]["path"], "wb") as f:
                    f.write(b"x" * int(payload["fill"]["bytes"]))
                answer["filled"] = True
        except OSError as e:
            answer["error"] = "%s: %s" % (type(e).__name__, e.strerror)
        self._json(200, answer)


ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("PORT") or 8080)), Handler).serve_forever()
