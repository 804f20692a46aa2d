#!/usr/bin/env python3
# inject.py - send crafted Ethernet/IPv4/UDP frames out of an interface
# through a packet socket, for the mirror tests: exact counts, chosen
# addresses, ports, VLAN tag and priority, payload size.
#   inject.py IF key=value...   (count, smac, dmac, sip, dip, sport, dport,
#                                sports=A-B / dports=A-B (one frame per port),
#                                vlan, pcp, size, gap_ms)
import socket
import struct
import sys
import time


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def main():
    ifname = sys.argv[1]
    o = dict(count="1", smac="02:00:00:00:00:02", dmac="02:00:00:00:00:01",
             sip="203.0.113.2", dip="203.0.113.1", sport="40000", dport="5000",
             sports="", dports="", vlan="", pcp="0", size="64", gap_ms="0")
    for kv in sys.argv[2:]:
        k, v = kv.split("=", 1)
        if k not in o:
            sys.exit("unknown key " + k)
        o[k] = v
    ports = [(int(o["sport"]), int(o["dport"]))]
    for k in ("sports", "dports"):
        if o[k]:
            a, b = (int(x) for x in o[k].split("-"))
            if k == "sports":
                ports = [(p, int(o["dport"])) for p in range(a, b + 1)]
            else:
                ports = [(int(o["sport"]), p) for p in range(a, b + 1)]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    n = 0
    for _ in range(int(o["count"])):
        for sp, dp in ports:
            payload = struct.pack("!I", n) + b"m" * max(0, int(o["size"]) - 4)
            udp = struct.pack("!HHHH", sp, dp, 8 + len(payload), 0) + payload
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), n & 0xFFFF, 0, 64, 17, 0,
                             socket.inet_aton(o["sip"]), socket.inet_aton(o["dip"]))
            ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
            eth = mac(o["dmac"]) + mac(o["smac"])
            if o["vlan"]:
                eth += struct.pack("!HH", 0x8100, (int(o["pcp"]) << 13) | int(o["vlan"]))
            frame = eth + struct.pack("!H", 0x0800) + ip + udp
            s.send(frame)
            n += 1
            if int(o["gap_ms"]):
                time.sleep(int(o["gap_ms"]) / 1000.0)
    print(n)


main()
