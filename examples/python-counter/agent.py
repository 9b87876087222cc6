"""A small AgentCore-contract agent: GET /ping and POST /invocations on 0.0.0.0:$PORT.

Python 3 standard library only. It counts invocations in memory, so session affinity is visible,
and it understands a few payload keys that tests use (see README.md).
"""

import json
import os
import signal
import socket
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHUNK = 64 * 1024
SPOOL_IN_MEMORY = 1024 * 1024
SESSION_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"


def log(message):
    sys.stderr.write(time.strftime("%Y-%m-%dT%H:%M:%S ") + message + "\n")
    sys.stderr.flush()


def workspace():
    return os.environ.get("HEARTH_WORKSPACE") or os.getcwd()


class Health:
    """Healthy or HealthyBusy; the time stamp moves only when the status changes."""

    def __init__(self):
        self._lock = threading.Condition()
        self._status = "Healthy"
        self._updated = int(time.time())
        self._busy_until = 0.0
        threading.Thread(target=self._watch, name="health", daemon=True).start()

    def snapshot(self):
        with self._lock:
            return {"status": self._status, "time_of_last_update": self._updated}

    def busy_for(self, seconds):
        with self._lock:
            self._busy_until = max(self._busy_until, time.monotonic() + seconds)
            self._set("HealthyBusy")
            self._lock.notify_all()

    def _set(self, status):
        if status != self._status:
            self._status = status
            self._updated = int(time.time())
            log("ping status is now " + status)

    def _watch(self):
        with self._lock:
            while True:
                if self._status == "HealthyBusy":
                    left = self._busy_until - time.monotonic()
                    if left <= 0:
                        self._set("Healthy")
                        continue
                    self._lock.wait(left)
                else:
                    self._lock.wait()


class Counter:
    def __init__(self):
        self._lock = threading.Lock()
        self._value = 0

    def increment(self):
        with self._lock:
            self._value += 1
            return self._value


HEALTH = Health()
COUNTER = Counter()


class BodyReader:
    """The request body, in chunks of at most 64 KiB, from Content-Length or chunked transfer coding."""

    def __init__(self, handler):
        self._in = handler.rfile
        encoding = (handler.headers.get("Transfer-Encoding") or "").lower()
        self.chunked = "chunked" in encoding
        self.length = None
        self._left = 0
        if not self.chunked:
            self.length = int(handler.headers.get("Content-Length") or 0)
            self._left = self.length
        self._chunk_left = 0
        self._done = False
        self._pushed_back = []

    def push_back(self, data):
        if data:
            self._pushed_back.append(data)

    def read(self):
        """The next piece of the body, or b"" at its end."""
        if self._pushed_back:
            return self._pushed_back.pop()
        if self._done:
            return b""
        if not self.chunked:
            if self._left <= 0:
                self._done = True
                return b""
            data = self._in.read(min(CHUNK, self._left))
            if not data:
                raise ConnectionError("request body ended early")
            self._left -= len(data)
            return data
        if self._chunk_left == 0:
            size_line = self._in.readline(1024)
            if not size_line:
                raise ConnectionError("chunked body ended early")
            size = int(size_line.split(b";")[0].strip(), 16)
            if size == 0:
                while self._in.readline(8192) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                self._done = True
                return b""
            self._chunk_left = size
        data = self._in.read(min(CHUNK, self._chunk_left))
        if not data:
            raise ConnectionError("chunked body ended early")
        self._chunk_left -= len(data)
        if self._chunk_left == 0:
            self._in.readline(8)  # CRLF after the chunk
        return data

    def read_all(self):
        parts = []
        while True:
            data = self.read()
            if not data:
                return b"".join(parts)
            parts.append(data)

    def drain(self):
        while self.read():
            pass


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def version_string(self):
        return "python-counter"

    # -- plumbing --

    def _begin(self):
        self._status = None
        self._sent = 0
        self._started = time.monotonic()

    def log_request(self, code="-", size="-"):
        pass  # one line per request is written by _log_done

    def log_message(self, format, *args):
        log("%s %s" % (self.address_string(), format % args))

    def _log_done(self):
        session = self.headers.get(SESSION_HEADER) if self.headers else None
        log("%s %s %s %s bytes %d ms session=%s" % (
            self.command, self.path, self._status, self._sent,
            (time.monotonic() - self._started) * 1000, session or "-"))

    def _start(self, status, content_type, length=None, chunked=False):
        self._status = status
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        elif length is not None:
            self.send_header("Content-Length", str(length))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()

    def _json(self, status, value):
        body = json.dumps(value).encode("utf-8")
        self._start(status, "application/json", length=len(body))
        self.wfile.write(body)
        self.wfile.flush()
        self._sent += len(body)

    def _write_chunk(self, data, chunked):
        if not data:
            return
        if chunked:
            self.wfile.write(b"%x\r\n" % len(data) + data + b"\r\n")
        else:
            self.wfile.write(data)
        self.wfile.flush()
        self._sent += len(data)

    def _end_chunks(self, chunked):
        if chunked:
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

    # -- routes --

    def do_GET(self):
        self._begin()
        try:
            if self.path.split("?")[0] == "/ping":
                self._json(200, HEALTH.snapshot())
            else:
                self._json(404, {"error": "Not found"})
        finally:
            self._log_done()

    def do_POST(self):
        self._begin()
        try:
            if self.path.split("?")[0] != "/invocations":
                BodyReader(self).drain()
                self._json(404, {"error": "Not found"})
                return
            self._invocation()
        except (ConnectionError, BrokenPipeError) as e:
            self.close_connection = True
            log("connection lost: %s" % e)
        except Exception as e:  # a bad option value, a full disk, ...
            self.close_connection = True
            log("error: %r" % e)
            if self._status is None:
                self._json(500, {"error": "%s: %s" % (type(e).__name__, e)})
        finally:
            self._log_done()

    def _invocation(self):
        body = BodyReader(self)
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        echo = (self.headers.get("X-Echo") or "").strip().lower()

        if echo in ("raw", "duplex"):
            COUNTER.increment()
            self._echo(body, b"", duplex=(echo == "duplex"))
            return

        if content_type == "application/octet-stream":
            # Look at the first bytes only: a body that does not start like a JSON object is echoed as it streams.
            head = b""
            while True:
                data = body.read()
                if not data:
                    break
                head += data
                if head.lstrip():
                    break
            if not head.lstrip().startswith(b"{"):
                COUNTER.increment()
                self._echo(body, head, duplex=False)
                return
            raw = head + body.read_all()
            payload = self._parse(raw)
            if not isinstance(payload, dict):
                COUNTER.increment()
                self._echo(body, raw, duplex=False)
                return
        else:
            raw = body.read_all()
            payload = self._parse(raw)
            if payload is _INVALID:
                self._json(400, {"error": "Invalid JSON"})
                return

        self._answer(payload)

    @staticmethod
    def _parse(raw):
        if not raw.strip():
            return {}
        try:
            return json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return _INVALID

    def _answer(self, payload):
        options = payload if isinstance(payload, dict) else {}
        session = self.headers.get(SESSION_HEADER)

        if "status" in options:
            COUNTER.increment()
            self._json(int(options["status"]), {"error": "requested"})
            return

        if "sleep" in options:
            time.sleep(float(options["sleep"]))

        count = COUNTER.increment()

        if "stream" in options:
            self._stream(int(options["stream"]), float(options.get("delayMs", 100)), count)
            return

        answer = {"count": count, "sessionId": session}
        if "busy" in options:
            HEALTH.busy_for(float(options["busy"]))
            answer["busy"] = options["busy"]
        if "write" in options:
            spec = options["write"] or {}
            path = self._workspace_path(spec.get("path"))
            if path is None:
                self._json(400, {"error": "path must stay inside the workspace"})
                return
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(str(spec.get("content", "")))
            answer["written"] = spec.get("path")
        if "read" in options:
            path = self._workspace_path(options["read"])
            if path is None:
                self._json(400, {"error": "path must stay inside the workspace"})
                return
            try:
                with open(path, encoding="utf-8") as f:
                    answer["content"] = f.read()
            except FileNotFoundError:
                answer["content"] = None
        if "env" in options:
            answer["value"] = os.environ.get(str(options["env"]))
        if options.get("headers"):
            headers = {}
            for name, value in self.headers.items():
                name = name.lower()
                headers[name] = headers[name] + ", " + value if name in headers else value
            answer["headers"] = headers
        answer["echo"] = payload

        self._json(200, answer)

        if "exit" in options:
            code = int(options["exit"])
            log("exiting with code %d as requested" % code)
            threading.Timer(0.1, os._exit, args=(code,)).start()

    @staticmethod
    def _workspace_path(relative):
        if not isinstance(relative, str) or not relative:
            return None
        root = os.path.realpath(workspace())
        path = os.path.realpath(os.path.join(root, relative))
        if path != root and not path.startswith(root + os.sep):
            return None
        return path

    def _stream(self, events, delay_ms, count):
        chunked = self.request_version != "HTTP/1.0"
        self._start(200, "text/event-stream", chunked=chunked)
        for index in range(events):
            if index > 0 and delay_ms > 0:
                time.sleep(delay_ms / 1000.0)
            event = "data: %s\n\n" % json.dumps({"index": index, "count": count})
            self._write_chunk(event.encode("utf-8"), chunked)
        self._end_chunks(chunked)

    def _echo(self, body, head, duplex):
        """The body back as application/octet-stream, never all of it in memory.

        By default the whole request is read first (spooled to a temporary file past 1 MiB), then written back:
        a client that sends its whole body before it reads (most do) would otherwise block us, and we it.
        With X-Echo: duplex each chunk is written back as soon as it is read.
        """
        chunked = body.chunked
        if duplex:
            self._start(200, "application/octet-stream", length=body.length, chunked=chunked)
            self._write_chunk(head, chunked)
            while True:
                data = body.read()
                if not data:
                    break
                self._write_chunk(data, chunked)
            self._end_chunks(chunked)
            return
        with _spool() as spool:
            spool.write(head)
            while True:
                data = body.read()
                if not data:
                    break
                spool.write(data)
            length = spool.tell()
            spool.seek(0)
            self._start(200, "application/octet-stream", length=length, chunked=chunked)
            while True:
                data = spool.read(CHUNK)
                if not data:
                    break
                self._write_chunk(data, chunked)
            self._end_chunks(chunked)


_INVALID = object()


def _spool():
    try:
        return tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
    except OSError:
        return tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY, dir=workspace())


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def get_request(self):
        connection, address = super().get_request()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection, address


def main():
    port = int(os.environ.get("PORT") or 8080)
    server = Server(("0.0.0.0", port), Handler)

    def stop(signum, frame):
        log("signal %d: shutting down" % signum)
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log("python-counter listening on 0.0.0.0:%d (pid %d, workspace %s)" % (port, os.getpid(), workspace()))
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        log("stopped")


if __name__ == "__main__":
    main()
