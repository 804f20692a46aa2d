#!/usr/bin/env python3
"""tests/regress/boundary.py - writes the boundary regression captures.

Run once by hand (`python3 tests/regress/boundary.py tests/regress`); the
captures it writes are committed and listed in tests/regress/LIST with what
mirrorsense must do on each. These are lengths that end exactly where a
decoder starts reading, nesting exactly at and one past its bound, state
that crosses packets (reassembly inside a rebuilt packet, GRE sequence
wrap-around), and records with zero or lying lengths: the places where
off-by-one and read-before-check bugs live. Addresses: 198.51.100.0/24,
203.0.113.0/24, 2001:db8::/32 only.
"""
import struct
import sys

T0 = 1767225600  # 2026-01-01 00:00:00 UTC


def pcap(path, records, linktype=1, snaplen=65535):
    """records: list of (bytes, wirelen or None, ts offset in us)."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype))
        for i, rec in enumerate(records):
            data, wire, us = rec
            us = i * 1000 if us is None else us
            f.write(struct.pack("<IIII", T0 + us // 1000000, us % 1000000, len(data),
                                len(data) if wire is None else wire))
            f.write(data)


def eth(t, payload, dst=b"\x02\x00\x5e\x00\x00\x0b", src=b"\x02\x00\x5e\x00\x00\x0a"):
    return dst + src + struct.pack(">H", t) + payload


def ip4(proto, payload, src=1, dst=2, ident=0x1234, frag=0x4000, total=None):
    tl = 20 + len(payload) if total is None else total
    return struct.pack(">BBHHHBBH4s4s", 0x45, 0, tl, ident, frag, 64, proto, 0,
                       bytes([198, 51, 100, src]), bytes([198, 51, 100, dst])) + payload


def udp(sport, dport, payload):
    return struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload


def tcp(sport, dport, payload=b"", seq=1000, ack=2000, flags=0x18):
    return struct.pack(">HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 8192, 0, 0) + payload


def inner(n=0):
    return eth(0x0800, ip4(6, tcp(40000 + n, 502, b"modbus-ish12"), src=10, dst=20))


def erspan2(frame, seq=7, session=5):
    gre = struct.pack(">HHI", 0x1000, 0x88BE, seq)
    hdr = struct.pack(">HHI", 0x1000 | 10, (1 << 13) | session, 3)
    return eth(0x0800, ip4(47, gre + hdr + frame))


def vxlan(frame, vni=100, src=1):
    return eth(0x0800, ip4(17, udp(50000, 4789, struct.pack(">II", 0x08000000, vni << 8) + frame), src=src))


def main(out):
    # ERSPAN II: the GRE header is complete and the ERSPAN header has 1 byte
    gre = struct.pack(">HHI", 0x1000, 0x88BE, 1)
    pcap(f"{out}/erspan2_one_byte_header.pcap", [(inner(), None, None),
         (eth(0x0800, ip4(47, gre + b"\x10")), None, None)])

    # ERSPAN III with the O bit and exactly the 8-byte platform sub-header, no frame
    e3 = struct.pack(">HHIHHIHH", 0x1000, 0x22EB, 9, 0x2000 | 10, (1 << 13) | 6,
                     0x01020304, 0, (1 << 4) | (3 << 1) | 1) + struct.pack(">II", 0x0C000000, 0)
    pcap(f"{out}/erspan3_subheader_no_frame.pcap", [(inner(), None, None),
         (eth(0x0800, ip4(47, e3)), None, None)])

    # records of 0 bytes, and 0 bytes captured of a 1500-byte frame
    pcap(f"{out}/zero_length_records.pcap", [(inner(), None, None), (b"", None, None),
         (b"", 1500, None), (inner(1), None, None)])

    # VXLAN nested exactly 8 deep (the bound) and 9 deep (one past)
    f8 = inner()
    for _ in range(8):
        f8 = vxlan(f8)
    f9 = vxlan(f8)
    pcap(f"{out}/vxlan_nested_8_and_9.pcap", [(f8, None, None), (f9, None, None)])

    # An outer IPv4 datagram in two fragments carrying ERSPAN II, whose inner
    # frame is itself the first fragment of another GRE datagram: reassembly
    # output that holds a fragment again.
    gre_seq = struct.pack(">HHI", 0x1000, 0x88BE, 11)
    er_hdr = struct.pack(">HHI", 0x1000 | 10, (1 << 13) | 5, 3)
    inner_frag = eth(0x0800, ip4(47, gre_seq + er_hdr + inner() + b"x" * 40, ident=0x77,
                                 frag=0x2000))
    body = gre_seq + er_hdr + inner_frag
    cut = 48
    p1 = eth(0x0800, ip4(47, body[:cut], ident=0x55, frag=0x2000))
    p2 = eth(0x0800, ip4(47, body[cut:], ident=0x55, frag=cut // 8))
    pcap(f"{out}/fragment_inside_reassembled.pcap", [(p1, None, None), (p2, None, None)])

    # the same outer fragment twice (a retransmitted / duplicated piece), then the rest
    pcap(f"{out}/fragment_repeated.pcap", [(p1, None, None), (p1, None, None), (p2, None, None)])

    # GRE sequence numbers wrapping from 0xfffffffd to 2 on one session: no loss
    recs = []
    for i, s in enumerate([0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFF, 0, 1, 2]):
        recs.append((erspan2(inner(i), seq=s), None, i * 100))
    pcap(f"{out}/gre_seq_wrap.pcap", recs)

    # capture time going backwards by an hour between two packets
    pcap(f"{out}/time_backwards.pcap", [(inner(0), None, 3600 * 1000000), (inner(1), None, 0),
         (inner(2), None, 1000)])


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
