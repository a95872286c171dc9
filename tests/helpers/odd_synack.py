#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""odd_synack: answers SYNs with hand-built SYN-ACKs, for the scan tests.

Listens on an interface with an AF_PACKET socket (run it inside the server
namespace; an nft rule there keeps the kernel from answering the same SYNs)
and answers each SYN to one of these ports with a SYN-ACK that acknowledges
it (ack = seq + 1), so that the scanner's keyed-ISN check passes:

  7001  MSS 1460, window scale 15, timestamps with a TSecr of the SYN's
        TSval + 1000 (one we never sent)
  7002  MSS 1460, window scale 7, then an option of length 0 (kind 8)
  7003  MSS 1460 and a timestamp echoing the SYN's TSval, 1.5 s after the
        first SYN of each 4-tuple; its retransmissions get nothing

Usage: odd_synack.py IFACE READY_FILE LIFETIME_S
Prints one line per SYN-ACK sent: "SYNACK <dst> <dport> <sport>".
"""
import socket
import struct
import sys
import time

ETH_P_IP = 0x0800
PACKET_OUTGOING = 4
SERVER_ISN = 1000000
DELAY_7003 = 1.5


def fold(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('>%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def syn_tsval(opts):
    i = 0
    while i < len(opts):
        kind = opts[i]
        if kind == 0:
            break
        if kind == 1:
            i += 1
            continue
        if i + 1 >= len(opts) or opts[i + 1] < 2:
            break
        if kind == 8 and opts[i + 1] == 10:
            return struct.unpack('>I', opts[i + 2:i + 6])[0]
        i += opts[i + 1]
    return 0


def options_for(dport, tsval):
    mss = b'\x02\x04\x05\xb4'
    if dport == 7001:
        return mss + b'\x01\x03\x03\x0f' + b'\x01\x01\x08\x0a' + \
            struct.pack('>II', 777, (tsval + 1000) & 0xffffffff)
    if dport == 7002:
        return mss + b'\x01\x03\x03\x07' + b'\x08\x00\x00\x00'
    return mss + b'\x01\x01\x08\x0a' + struct.pack('>II', 778, tsval)


def synack(frame, mymac):
    ip = frame[14:]
    ihl = (ip[0] & 0xf) * 4
    tcp = ip[ihl:]
    src, dst = ip[12:16], ip[16:20]
    sport, dport, seq = struct.unpack('>HHI', tcp[:8])
    doff = (tcp[12] >> 4) * 4
    opts = options_for(dport, syn_tsval(tcp[20:doff]))
    th = struct.pack('>HHIIBBHHH', dport, sport, SERVER_ISN,
                     (seq + 1) & 0xffffffff, (5 + len(opts) // 4) << 4,
                     0x12, 65535, 0, 0) + opts
    csum = 0xffff - fold(dst + src + struct.pack('>HH', 6, len(th)) + th)
    th = th[:16] + struct.pack('>H', csum) + th[18:]
    iph = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(th), 0, 0x4000, 64,
                      6, 0, dst, src)
    iph = iph[:10] + struct.pack('>H', 0xffff - fold(iph)) + iph[12:]
    return frame[6:12] + mymac + b'\x08\x00' + iph + th


def main():
    ifname, ready, life = sys.argv[1], sys.argv[2], float(sys.argv[3])
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_IP))
    s.bind((ifname, 0))
    s.settimeout(0.02)
    mymac = s.getsockname()[4]
    open(ready, 'w').close()
    seen, pending = set(), []
    end = time.time() + life
    while time.time() < end:
        try:
            frame, addr = s.recvfrom(2048)
        except socket.timeout:
            frame, addr = None, None
        now = time.time()
        for item in [p for p in pending if p[0] <= now]:
            s.send(item[1])
            pending.remove(item)
            print('SYNACK %s' % item[2], flush=True)
        if not frame or addr[2] == PACKET_OUTGOING or len(frame) < 54:
            continue
        ip = frame[14:]
        ihl = (ip[0] & 0xf) * 4
        if ip[9] != 6 or len(ip) < ihl + 20:
            continue
        tcp = ip[ihl:]
        sport, dport = struct.unpack('>HH', tcp[:4])
        if tcp[13] != 0x02 or dport not in (7001, 7002, 7003):
            continue
        what = '%s %d %d' % (socket.inet_ntoa(ip[16:20]), dport, sport)
        when = now
        if dport == 7003:
            if (ip[12:16], sport, ip[16:20]) in seen:
                continue
            seen.add((ip[12:16], sport, ip[16:20]))
            when = now + DELAY_7003
        pending.append((when, synack(frame, mymac), what))


if __name__ == '__main__':
    main()
