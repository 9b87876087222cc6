"""The soak's agent: GET /ping and POST /invocations on 0.0.0.0:$PORT, stdlib only.

An invocation whose JSON body holds "exit" makes the agent crash on purpose, so the soak can check that Hearth
cleans up after agents that die:
  {"exit": "before"}  the process exits without answering (the caller sees the agent crash mid-request);
  {"exit": "after"}   it answers 200 first, then exits.
Any other invocation gets a small JSON answer with a per-process count. SIGTERM ends it (the default action).
"""

import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STARTED = int(time.time())
COUNT = [0]
LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass  # one line per request would grow the session log for nothing

    def answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def do_GET(self):
        if self.path.split("?")[0] == "/ping":
            self.answer(200, b'{"status":"Healthy","time_of_last_update":%d}' % STARTED)
        else:
            self.answer(404, b'{"error":"Not found"}')

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.split("?")[0] != "/invocations":
            self.answer(404, b'{"error":"Not found"}')
            return
        if b'"exit"' in body:
            if b'"before"' in body:
                sys.stdout.flush()
                os._exit(3)
            self.answer(200, b'{"exiting":true}')
            os._exit(3)
        with LOCK:
            COUNT[0] += 1
            count = COUNT[0]
        self.answer(200, b'{"count":%d}' % count)


def main():
    port = int(os.environ.get("PORT") or 8080)
    server = ThreadingHTTPServer(("0.0.0.0", port), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
