#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Send forged ICMP errors quoting a TCP SYN (tests/integration/t_icmp.sh).

  forge_icmp.py TO QSRC QSPORT QDST QDPORT SEQ [--type 3] [--code 13]
                [--count N] [--gap-ms MS] [--delay-ms MS]

Sends N ICMP messages of TYPE/CODE to TO, each quoting an IPv4 + TCP SYN
header from QSRC:QSPORT to QDST:QDPORT with sequence number SEQ.  A raw
ICMP socket: the kernel writes the outer IPv4 header, we the rest
(checksums included).  Prints "sent N".
"""
import argparse
import socket
import struct
import time


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def quote(src, sport, dst, dport, seq):
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 60, 0x77, 0x4000, 64, 6, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 0x50, 0x02, 64240,
                      0, 0)
    return ip + tcp


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("to")
    ap.add_argument("qsrc")
    ap.add_argument("qsport", type=int)
    ap.add_argument("qdst")
    ap.add_argument("qdport", type=int)
    ap.add_argument("seq", type=lambda v: int(v, 0))
    ap.add_argument("--type", type=int, default=3)
    ap.add_argument("--code", type=int, default=13)
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--gap-ms", type=int, default=50)
    ap.add_argument("--delay-ms", type=int, default=0)
    a = ap.parse_args()
    body = quote(a.qsrc, a.qsport, a.qdst, a.qdport, a.seq & 0xFFFFFFFF)
    hdr = struct.pack("!BBHI", a.type, a.code, 0, 0)
    msg = hdr[:2] + struct.pack("!H", csum(hdr + body)) + hdr[4:] + body
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    time.sleep(a.delay_ms / 1000)
    n = 0
    for _ in range(min(a.count, 1000)):
        s.sendto(msg, (a.to, 0))
        n += 1
        time.sleep(a.gap_ms / 1000)
    print("sent %d" % n, flush=True)


if __name__ == "__main__":
    main()
