#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""One connection for tests/integration/t_icmp.sh's PMTU case.

  pmtu_server.py IP PORT NBYTES READY_FILE

Accepts one connection, reads until NBYTES bytes came (or 15 s passed),
prints "GOT n" and the bytes' length histogram "SEGS a,b,..." of the reads,
answers "OK\\n", then waits (10 s at most) for the peer's RST and prints
"RESET" if the connection was reset, "EOF" for a FIN, "OPEN" if it is still
established when the wait ends.
"""
import socket
import sys
import time


def main():
    ip, port, want, ready = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((ip, port))
    ls.listen(1)
    ls.settimeout(30)
    open(ready, "w").close()
    c, peer = ls.accept()
    got = b""
    end = time.time() + 15
    while len(got) < want and time.time() < end:
        c.settimeout(max(0.1, end - time.time()))
        try:
            d = c.recv(65536)
        except socket.timeout:
            break
        if not d:
            break
        got += d
    print("GOT %d %s" % (len(got), "ok" if got == b"A" * want else "bad"),
          flush=True)
    c.sendall(b"OK\n")
    c.settimeout(10)
    try:
        d = c.recv(100)
        print("EOF" if not d else "DATA", flush=True)
    except ConnectionResetError:
        print("RESET", flush=True)
    except socket.timeout:
        print("OPEN", flush=True)


if __name__ == "__main__":
    main()
