#!/usr/bin/env python3
"""gen_hostile.py OUT.pcap [SEED] - deterministic hostile OT traffic for
tests/proto/robust.t: for every port and EtherType the protocol registry
(src/proto/proto.c) listens on, frames whose payload is a valid-looking
header of that protocol followed by random bytes, cut at random lengths,
plus pure random payloads. Addresses: 198.51.100.0/24 and 203.0.113.0/24.
Checksums are zero (nothing here checks them)."""
import random
import struct
import sys

out = sys.argv[1]
rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)

TCP_PORTS = [502, 20000, 102, 44818, 2404, 4840, 9600, 5000, 5001, 5006, 5560, 5562, 5094, 53]
UDP_PORTS = [20000, 44818, 2222, 47808, 9600, 5007, 5560, 5094, 67, 68, 53, 5353, 5355, 137, 34964]
ETHERTYPES = [0x0806, 0x88cc, 0x88b8, 0x88ba, 0x8892]

# A plausible first few bytes per protocol, so that parsers get past their
# first checks and the random tail hits the deeper code.
PREFIX = {
    502: lambda: struct.pack(">HHHBB", 1, 0, rng.randrange(0, 300), 1, rng.choice([3, 43, 0x83, 16])) + b"\x0e",
    20000: lambda: b"\x05\x64" + bytes([rng.randrange(0, 256), rng.choice([0xc4, 0x44, 0x0b])]),
    102: lambda: b"\x03\x00" + struct.pack(">H", rng.randrange(0, 400)) + bytes([rng.choice([2, 0x11, 0]), rng.choice([0xf0, 0xe0, 0xd0])]) +
         (b"\x80\x32\x07\x00\x00" if rng.random() < 0.5 else b"\x80\x72\x01"),
    44818: lambda: struct.pack("<HH", rng.choice([0x63, 0x6f, 0x70, 0x65]), rng.randrange(0, 300)) + bytes(20),
    2222: lambda: struct.pack("<HHH", rng.randrange(0, 4), 0x8002, rng.randrange(0, 12)),
    47808: lambda: bytes([0x81, rng.choice([0x0a, 0x0b, 0x04])]) + struct.pack(">H", rng.randrange(0, 300)) + b"\x01" + bytes([rng.choice([0, 0x20, 0x08, 0x28, 0x80])]),
    2404: lambda: bytes([0x68, rng.randrange(0, 256), rng.choice([0, 1, 3, 0x43])]),
    4840: lambda: rng.choice([b"HELF", b"OPNF", b"MSGF", b"ACKF"]) + struct.pack("<I", rng.randrange(0, 200)),
    9600: lambda: rng.choice([b"FINS" + struct.pack(">III", rng.randrange(0, 50), rng.randrange(0, 4), 0), bytes([0xc0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 5, 1, 0, 0])]),
    5094: lambda: bytes([1, rng.randrange(0, 4), 3, 0]) + struct.pack(">HH", 1, rng.randrange(0, 100)) + bytes([0xff, 0xff, 0x82]),
    67: lambda: bytes([1, 1, 6, 0]) + bytes(232) + b"\x63\x82\x53\x63",
    53: lambda: struct.pack(">HHHHHH", 1, rng.choice([0, 0x8400]), rng.randrange(0, 3), rng.randrange(0, 3), 0, rng.randrange(0, 3)),
    137: lambda: struct.pack(">HHHHHH", 1, rng.choice([0x2910, 0x8500]), 1, rng.randrange(0, 2), 0, 1) + b"\x20" + b"EB" * 16 + b"\x00",
    34964: lambda: b"\x04" + bytes([rng.choice([0, 2])]) + bytes(2) + b"\x10\x00\x00\x00" + bytes(8) + bytes(16),
    5560: lambda: rng.choice([b"\x57\x00\x00\x00\x00\x11\x11", b"\xd7\x01\x00\x00\x00\x11\x11", b"\x50\x00", b"\xd0\x00"]),
}
PREFIX[5353] = PREFIX[5355] = PREFIX[53]
PREFIX[68] = PREFIX[67]
PREFIX[5000] = PREFIX[5001] = PREFIX[5006] = PREFIX[5007] = PREFIX[5562] = PREFIX[5560]
L2_PREFIX = {
    0x0806: lambda: struct.pack(">HHBBH", 1, 0x0800, 6, 4, rng.randrange(1, 3)),
    0x88cc: lambda: struct.pack(">H", (rng.randrange(0, 128) << 9) | rng.randrange(0, 512)),
    0x88b8: lambda: struct.pack(">HHHH", 1, rng.randrange(0, 300), 0, 0) + bytes([0x61, rng.choice([0x81, 0x82, 0x7f, 0x10])]),
    0x88ba: lambda: struct.pack(">HHHH", 0x4000, rng.randrange(0, 300), 0, 0) + bytes([0x60, rng.randrange(0, 256), 0x80, 1, 1, 0xa2]),
    0x8892: lambda: struct.pack(">H", rng.choice([0xfeff, 0xfefd, 0xfefc, 0x8000])) + bytes([rng.choice([5, 4, 3, 6]), rng.choice([0, 1])]) + bytes(4) + struct.pack(">HH", 0, rng.randrange(0, 200)),
}

def tail(n):
    return bytes(rng.randrange(0, 256) for _ in range(n))

def ipv4_udp_tcp(proto, sport, dport, payload, ttl=64):
    if proto == 6:
        l4 = struct.pack(">HHIIBBHHH", sport, dport, rng.randrange(0, 1 << 32), 0, 5 << 4, 0x18, 65535, 0, 0)
    else:
        l4 = struct.pack(">HHHH", sport, dport, 8 + len(payload), 0)
    body = l4 + payload
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(body), 0, 0, ttl, proto, 0,
                     bytes([198, 51, 100, rng.randrange(1, 20)]), bytes([203, 0, 113, rng.randrange(1, 20)]))
    return ip + body

def eth(ethertype, body, src=None, dst=None):
    src = src or bytes([0x02, 0, 0, 0, 0, rng.randrange(1, 40)])
    dst = dst or bytes([0x02, 0, 0, 0, 1, rng.randrange(1, 40)])
    return dst + src + struct.pack(">H", ethertype) + body

frames = []
for _ in range(1500):
    kind = rng.random()
    if kind < 0.45:
        port = rng.choice(TCP_PORTS)
        p = PREFIX.get(port, lambda: b"")() + tail(rng.randrange(0, 120))
        p = p[:rng.randrange(0, len(p) + 1)] if rng.random() < 0.5 else p
        sp, dp = (rng.randrange(1024, 65535), port) if rng.random() < 0.5 else (port, rng.randrange(1024, 65535))
        frames.append(eth(0x0800, ipv4_udp_tcp(6, sp, dp, p, rng.choice([64, 128, 63]))))
    elif kind < 0.85:
        port = rng.choice(UDP_PORTS)
        p = PREFIX.get(port, lambda: b"")() + tail(rng.randrange(0, 120))
        p = p[:rng.randrange(0, len(p) + 1)] if rng.random() < 0.5 else p
        sp, dp = (rng.randrange(1024, 65535), port) if rng.random() < 0.5 else (port, port)
        frames.append(eth(0x0800, ipv4_udp_tcp(17, sp, dp, p)))
    elif kind < 0.95:
        et = rng.choice(ETHERTYPES)
        p = L2_PREFIX[et]() + tail(rng.randrange(0, 100))
        p = p[:rng.randrange(0, len(p) + 1)] if rng.random() < 0.5 else p
        frames.append(eth(et, p))
    else:
        # 802.3 + LLC: STP or SNAP/CDP.
        if rng.random() < 0.5:
            p = b"\x42\x42\x03" + b"\x00\x00" + bytes([rng.choice([0, 2]), rng.choice([0, 2, 0x80])]) + tail(rng.randrange(0, 40))
        else:
            p = b"\xaa\xaa\x03\x00\x00\x0c\x20\x00" + bytes([2, 180]) + b"\x00\x00" + tail(rng.randrange(0, 80))
        p = p[:rng.randrange(3, len(p) + 1)]
        frames.append(eth(len(p), p, dst=b"\x01\x80\xc2\x00\x00\x00"))

with open(out, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i, fr in enumerate(frames):
        f.write(struct.pack("<IIII", 1700000000 + i // 100, (i % 100) * 1000, len(fr), len(fr)))
        f.write(fr)
