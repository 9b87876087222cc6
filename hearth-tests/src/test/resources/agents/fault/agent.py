"""An agent that misbehaves on purpose, for the fault battery. Python 3 standard library only.

At start, $FAULT chooses how it comes up:
  (unset)           a healthy agent
  hang-before-ready never binds $PORT
  no-ping           binds, but answers GET /ping with 503 for ever
  exit-after-ready  answers the first GET /ping with 200, then exits with code 3

A healthy agent answers POST /invocations with {"count": N, ...}; the payload's "fault" key breaks one answer:
  garbage       bytes that are not HTTP, then the connection closes
  slow          a JSON answer of "bytes" bytes (default 200), one byte every "delayMs" ms (default 5)
  huge-headers  a 200 whose headers add up to "headerBytes" (default 1 MiB)
  cut-json      a 200 with Content-Length 1000, then the connection closes before any body byte
  cut-sse       two SSE events, then the connection closes without ending the chunked stream
  exit-mid-sse  two SSE events, then the process exits with code 4
  log           writes "bytes" bytes to stderr (the agent's log) and answers how many it wrote
"""

import json
import os
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FAULT = os.environ.get("FAULT", "")
COUNT = [0]
COUNT_LOCK = threading.Lock()


def log(message):
    sys.stderr.write(time.strftime("%H:%M:%S ") + message + "\n")
    sys.stderr.flush()


def next_count():
    with COUNT_LOCK:
        COUNT[0] += 1
        return COUNT[0]


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
        elif FAULT == "no-ping":
            self._json(503, {"status": "Starting"})
        else:
            self._json(200, {"status": "Healthy", "time_of_last_update": int(time.time())})
            if FAULT == "exit-after-ready":
                log("ready; exiting as configured")
                os._exit(3)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            payload = json.loads(raw.decode("utf-8")) if raw.strip() else {}
        except ValueError:
            payload = {}
        if not isinstance(payload, dict):
            payload = {}
        fault = payload.get("fault", "")
        count = next_count()
        if fault == "garbage":
            self.wfile.write(b"\x00\xffTHIS IS NOT HTTP\r\n\r\n" + os.urandom(256))
            self.wfile.flush()
            self._drop()
        elif fault == "slow":
            self._slow(int(payload.get("bytes", 200)), float(payload.get("delayMs", 5)), count)
        elif fault == "huge-headers":
            self._huge_headers(int(payload.get("headerBytes", 1 << 20)))
        elif fault == "cut-json":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
            self.wfile.flush()
            self._drop()
        elif fault in ("cut-sse", "exit-mid-sse"):
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
            for index in range(2):
                event = ("data: %s\n\n" % json.dumps({"index": index})).encode("utf-8")
                self.wfile.write(b"%x\r\n" % len(event) + event + b"\r\n")
                self.wfile.flush()
                time.sleep(0.1)
            if fault == "exit-mid-sse":
                log("exiting mid-stream as asked")
                os._exit(4)
            self._drop()
        elif fault == "log":
            size = int(payload.get("bytes", 0))
            line = ("x" * 1023 + "\n")
            written = 0
            try:
                while written < size:
                    sys.stderr.write(line)
                    written += len(line)
                sys.stderr.flush()
            except OSError as e:
                self._json(200, {"count": count, "logged": written, "error": str(e)})
                return
            self._json(200, {"count": count, "logged": written})
        else:
            self._json(200, {"count": count, "sessionId": self.headers.get("X-Amzn-Bedrock-AgentCore-Runtime-Session-Id")})

    def _drop(self):
        """Ends the connection at once, mid-message as far as the peer can tell."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _slow(self, size, delay_ms, count):
        head = json.dumps({"count": count, "pad": ""}).encode("utf-8")
        body = head[:-2] + b"." * max(0, size - len(head)) + head[-2:]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.flush()
        for i in range(len(body)):
            self.wfile.write(body[i:i + 1])
            self.wfile.flush()
            time.sleep(delay_ms / 1000.0)

    def _huge_headers(self, total):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        value = "v" * 1000
        for i in range(total // 1024 + 1):
            self.send_header("X-Filler-%d" % i, value)
        body = b'{"huge": true}'
        self.send_header("Content-Length", str(len(body)))
        try:
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
        except OSError:
            self.close_connection = True  # the proxy gave up on us before the end


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    log("fault agent, FAULT=%r, pid %d" % (FAULT, os.getpid()))
    if FAULT == "hang-before-ready":
        while True:
            time.sleep(3600)
    server = Server(("0.0.0.0", int(os.environ.get("PORT") or 8080)), Handler)
    server.serve_forever(poll_interval=0.2)


if __name__ == "__main__":
    main()
