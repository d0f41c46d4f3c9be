#!/usr/bin/env python3
"""Holds N open watch streams on a registry until killed: each a GET /ports/events with its own service filter,
read as it arrives, as N watching services would. Prints 'open N' once every stream has its 200 headers."""
import selectors
import socket
import sys


def main():
    count, port = int(sys.argv[1]), int(sys.argv[2])
    selector = selectors.DefaultSelector()
    pending = {}
    for i in range(count):
        conn = socket.create_connection(("127.0.0.1", port))
        conn.sendall(("GET /ports/events?service=watcher-%d HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      "Accept: text/event-stream\r\n\r\n" % i).encode())
        conn.setblocking(False)
        selector.register(conn, selectors.EVENT_READ)
        pending[conn] = b""
    opened = 0
    while True:
        for key, _ in selector.select():
            data = key.fileobj.recv(65536)
            if not data:
                sys.exit("a stream was closed by the registry")
            if key.fileobj in pending:
                pending[key.fileobj] += data
                if b"\r\n\r\n" in pending[key.fileobj]:
                    if not pending.pop(key.fileobj).startswith(b"HTTP/1.1 200"):
                        sys.exit("a stream was refused")
                    opened += 1
                    if opened == count:
                        print("open %d" % count, flush=True)


if __name__ == "__main__":
    main()
