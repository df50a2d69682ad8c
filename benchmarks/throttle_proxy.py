#!/usr/bin/env python3
"""A throttling TCP proxy on loopback, for lazy-loading benchmarks.

Forwards 127.0.0.1:<listen> to 127.0.0.1:<target>. Data from the server to the clients shares one
token bucket of RATE bytes per second (all connections together, as one slow link would); every
chunk a client sends (an HTTP request) is held back by RTT milliseconds, which adds one round trip
per request. Prints the port it listens on, then serves until killed.

Usage: throttle_proxy.py TARGET_PORT [RATE_BYTES_PER_S] [RTT_MS]   (RATE 0: unthrottled)
"""
import socket
import sys
import threading
import time


class Bucket:
    """A token bucket shared by every server-to-client copy."""

    def __init__(self, rate):
        self.rate = rate
        self.lock = threading.Lock()
        self.next_free = time.monotonic()

    def take(self, n):
        if self.rate <= 0:
            return
        with self.lock:
            now = time.monotonic()
            start = max(now, self.next_free)
            self.next_free = start + n / self.rate
            wait = self.next_free - now
        if wait > 0:
            time.sleep(wait)


def pipe(src, dst, bucket, delay):
    try:
        while True:
            data = src.recv(16384 if bucket else 65536)
            if not data:
                break
            if delay:
                time.sleep(delay)
            if bucket:
                for k in range(0, len(data), 4096):
                    part = data[k:k + 4096]
                    bucket.take(len(part))
                    dst.sendall(part)
            else:
                dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()


def main():
    target = int(sys.argv[1])
    rate = float(sys.argv[2]) if len(sys.argv) > 2 else 0
    rtt = float(sys.argv[3]) / 1000 if len(sys.argv) > 3 else 0
    bucket = Bucket(rate) if rate > 0 else None
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    print(server.getsockname()[1], flush=True)
    while True:
        client, _ = server.accept()
        upstream = socket.create_connection(("127.0.0.1", target))
        for s in (client, upstream):
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=pipe, args=(client, upstream, None, rtt), daemon=True).start()
        threading.Thread(target=pipe, args=(upstream, client, bucket, 0), daemon=True).start()


if __name__ == "__main__":
    main()
