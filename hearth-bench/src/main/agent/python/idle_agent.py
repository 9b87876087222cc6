"""The smallest AgentCore-contract agent the bench could write: GET /ping and POST /invocations on 0.0.0.0:$PORT.

Density and cold-start runs start hundreds of these, so it imports as little as it can (no http.server, no json):
each idle session costs this process's memory, and its start-up is what a cold start waits for.
One thread, one selector, HTTP/1.1 keep-alive with Content-Length bodies. SIGTERM ends it (the default action).
"""

import os
import selectors
import socket
import time

PING = b'{"status":"Healthy","time_of_last_update":%d}' % int(time.time())
ANSWER = b'{"ok":true}'
MISSING = b'{"error":"Not found"}'


def reply(status, body):
    return (b"HTTP/1.1 " + status + b"\r\nContent-Type: application/json\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\n\r\n" + body)


def answer(head):
    line = head.split(b"\r\n", 1)[0].split(b" ")
    path = line[1].split(b"?")[0] if len(line) > 1 else b""
    if line[0] == b"GET" and path == b"/ping":
        return reply(b"200 OK", PING)
    if line[0] == b"POST" and path == b"/invocations":
        return reply(b"200 OK", ANSWER)
    return reply(b"404 Not Found", MISSING)


def body_length(head):
    for header in head.split(b"\r\n")[1:]:
        name, _, value = header.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return 0


def serve(selector, conn, pending):
    data = conn.recv(65536)
    if not data:
        selector.unregister(conn)
        pending.pop(conn, None)
        conn.close()
        return
    buffer = pending.get(conn, b"") + data
    out = []
    while True:
        end = buffer.find(b"\r\n\r\n")
        if end < 0:
            break
        head = buffer[:end]
        total = end + 4 + body_length(head)
        if len(buffer) < total:
            break
        out.append(answer(head))
        buffer = buffer[total:]
    pending[conn] = buffer
    if out:
        conn.setblocking(True)
        conn.sendall(b"".join(out))
        conn.setblocking(False)


def main():
    port = int(os.environ.get("PORT") or 8080)
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("0.0.0.0", port))
    server.listen(128)
    server.setblocking(False)
    # poll, not epoll: gVisor's checkpoint (hibernation, snapshot templates) cannot save a socket with epoll waiters.
    selector = selectors.PollSelector()
    selector.register(server, selectors.EVENT_READ)
    pending = {}
    while True:
        for key, _ in selector.select():
            if key.fileobj is server:
                try:
                    conn, _ = server.accept()
                except BlockingIOError:
                    continue
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                conn.setblocking(False)
                selector.register(conn, selectors.EVENT_READ)
            else:
                try:
                    serve(selector, key.fileobj, pending)
                except OSError:
                    selector.unregister(key.fileobj)
                    pending.pop(key.fileobj, None)
                    key.fileobj.close()


if __name__ == "__main__":
    main()
