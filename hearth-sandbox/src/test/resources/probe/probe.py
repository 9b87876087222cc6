"""A test agent that tries to get out of its sandbox and reports what happened, one action per POST /invocations.

Python 3 standard library only. GET /ping answers like any agent; POST /invocations takes {"action": ..., ...}.
Every attempt is reported, never raised: the test decides what counts as an escape.
"""

import ctypes
import errno
import json
import os
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CLONE_NEWUSER = 0x10000000


def attempt(fn):
    try:
        return {"ok": True, "value": fn()}
    except OSError as e:
        return {"ok": False, "error": errno.errorcode.get(e.errno, str(e.errno)) if e.errno else type(e).__name__}
    except Exception as e:  # a timeout, a refused decode: still not an escape
        return {"ok": False, "error": type(e).__name__}


def read_path(path):
    if os.path.isdir(path):
        return sorted(os.listdir(path))
    with open(path, "rb") as f:
        return f.read(256).decode("utf-8", "replace")


def connect(host, port):
    with socket.create_connection((host, port), timeout=1.5) as s:
        s.settimeout(1.5)
        s.sendall(b"GET /ping HTTP/1.0\r\n\r\n")
        return s.recv(64).decode("utf-8", "replace")


def unshare_user():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWUSER) != 0:
        raise OSError(ctypes.get_errno(), "unshare")
    return "unshared"


def escape(options):
    results = {}
    for path in options.get("read", []):
        results["read " + path] = attempt(lambda p=path: read_path(p))
    for path in options.get("write", []):
        results["write " + path] = attempt(lambda p=path: open(p, "w").write("probe"))
    for pid in options.get("signal", []):
        results["signal %d" % pid] = attempt(lambda p=pid: os.kill(p, 0))
    # In parallel: each blocked attempt waits out its timeout.
    threads = []
    for host, port in options.get("connect", []):
        def run(h=host, p=port):
            results["connect %s:%d" % (h, p)] = attempt(lambda: connect(h, p))
        threads.append(threading.Thread(target=run))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results["unshare user"] = attempt(unshare_user)
    results["pids"] = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
    results["uid"] = os.getuid()
    with open("/proc/self/status") as f:
        results["capEff"] = [l.split()[1] for l in f if l.startswith("CapEff")][0]
    results["root"] = sorted(os.listdir("/"))
    results["hostname"] = socket.gethostname()
    return results


def alloc(options):
    hold = []
    step = 8 << 20
    for _ in range(int(options.get("mib", 1024)) // 8):
        block = bytearray(step)
        for i in range(0, step, 4096):
            block[i] = 1  # touch every page, so it is charged
        hold.append(block)
    return {"allocatedMiB": len(hold) * 8}


def forkbomb(options):
    pids = []
    failure = None
    for _ in range(int(options.get("max", 1000))):
        try:
            pid = os.fork()
        except OSError as e:
            failure = errno.errorcode.get(e.errno, str(e.errno))
            break
        if pid == 0:
            time.sleep(120)
            os._exit(0)
        pids.append(pid)
    if options.get("reap"):
        # With the pids limit used up, the server cannot start the thread its next connection needs.
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    return {"children": len(pids), "failure": failure}


def fill(options):
    path = os.path.join(options.get("dir") or os.environ["HEARTH_WORKSPACE"], "fill.bin")
    written = 0
    chunk = b"\0" * (1 << 20)
    failure = None
    try:
        with open(path, "wb") as f:
            for _ in range(int(options.get("maxMiB", 4096))):
                f.write(chunk)
                f.flush()
                written += len(chunk)
    except OSError as e:
        failure = errno.errorcode.get(e.errno, str(e.errno))
    os.remove(path)
    return {"written": written, "failure": failure}


def spin(options):
    seconds = float(options.get("seconds", 1))
    workers = []
    for _ in range(int(options.get("workers", 2))):
        pid = os.fork()
        if pid == 0:
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                pass
            os._exit(0)
        workers.append(pid)
    for pid in workers:
        os.waitpid(pid, 0)
    return {"workers": len(workers)}


def whoami(options):
    return {"uid": os.getuid(), "gid": os.getgid(), "cwd": os.getcwd(), "env": dict(os.environ)}


ACTIONS = {"whoami": whoami, "escape": escape, "alloc": alloc, "forkbomb": forkbomb, "fill": fill, "spin": spin}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        sys.stderr.write("probe: " + (format % args) + "\n")

    def _json(self, status, value):
        body = json.dumps(value).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/ping":
            self._json(200, {"status": "Healthy", "time_of_last_update": int(time.time())})
        else:
            self._json(404, {"error": "Not found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        options = json.loads(self.rfile.read(length) or b"{}")
        action = ACTIONS.get(options.get("action"))
        if action is None:
            self._json(400, {"error": "unknown action", "actions": sorted(ACTIONS)})
            return
        self._json(200, action(options))


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def get_request(self):
        connection, address = super().get_request()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection, address


if __name__ == "__main__":
    server = Server(("0.0.0.0", int(os.environ.get("PORT") or 8080)), Handler)
    signal.signal(signal.SIGTERM, lambda s, f: threading.Thread(target=server.shutdown, daemon=True).start())
    server.serve_forever(poll_interval=0.2)
