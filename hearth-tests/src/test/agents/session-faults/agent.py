"""An agent that fails on request, for the session fault tests: GET /ping and POST /invocations on $PORT.

Payload keys: {"crash": code} exits at once without answering; {"hangPings": true} makes every later /ping
accept and never answer; {"echo": value} is answered back beside the count. Each /ping logs how many pings are open at once ("pings open: N"), so a test can
read from the log that Hearth never piles pings onto an agent that hangs.
"""

import json
import os
import select
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATE = {"count": 0, "pings": 0, "hang": False}


def log(message):
    sys.stderr.write(time.strftime("%H:%M:%S ") + message + "\n")
    sys.stderr.flush()


def wait_until_closed(sock):
    """Holds a hanging /ping until the caller gives up and closes the connection."""
    while True:
        readable, _, _ = select.select([sock], [], [], 0.05)
        if readable:
            try:
                if not sock.recv(1, socket.MSG_PEEK):
                    return
            except OSError:
                return
            time.sleep(0.05)


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
        self.wfile.flush()

    def do_GET(self):
        if self.path.split("?")[0] != "/ping":
            self._json(404, {"error": "Not found"})
            return
        with LOCK:
            STATE["pings"] += 1
            log("pings open: %d" % STATE["pings"])
            hang = STATE["hang"]
        try:
            if hang:
                wait_until_closed(self.connection)
                self.close_connection = True
                return
            self._json(200, {"status": "Healthy"})
        finally:
            with LOCK:
                STATE["pings"] -= 1

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            payload = json.loads(raw.decode("utf-8")) if raw.strip() else {}
        except ValueError:
            payload = {}
        options = payload if isinstance(payload, dict) else {}
        if "crash" in options:
            log("crashing with code %d in the middle of a request" % int(options["crash"]))
            os._exit(int(options["crash"]))
        with LOCK:
            STATE["count"] += 1
            count = STATE["count"]
            if options.get("hangPings"):
                STATE["hang"] = True
                log("from now on /ping hangs")
        answer = {"count": count}
        if "echo" in options:
            answer["echo"] = options["echo"]
        self._json(200, answer)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    port = int(os.environ.get("PORT") or 8080)
    server = Server(("0.0.0.0", port), Handler)
    log("session-faults agent listening on %d" % port)
    server.serve_forever(poll_interval=0.2)


if __name__ == "__main__":
    main()
