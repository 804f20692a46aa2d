#!/usr/bin/env python3
"""tests/regress/from_fuzz.py - a fuzz_decode input as a named regression capture.

Usage: python3 tests/regress/from_fuzz.py CRASH-FILE tests/regress/NAME.pcap

Reads the fuzz_decode input layout (tests/fuzz/fuzz_decode.c: byte 0 link
type selector, byte 1 options, packets separated by "MSPK") and writes the
packets into a pcap of that link type, 1 ms apart (option bit 3, a wire
length longer than the captured length, is kept). Decoder options that a
command line sets (RSPAN VLAN 100, VXLAN port 8472 / Geneve 6082, --no-dedup)
are printed, to be put in the LIST line's reproduction note. Then add the
capture to tests/regress/LIST with what mirrorsense must do on it.
"""
import struct
import sys

LINKTYPES = [1, 101, 0, 113, 276, 108, 229, 147]
T0 = 1767225600


def main(src, dst):
    data = open(src, "rb").read()
    if len(data) < 2:
        sys.exit("input shorter than its 2-byte header")
    sel, opt = data[0], data[1]
    linktype = 1 if sel < 192 else LINKTYPES[sel & 7]
    packets = data[2:].split(b"MSPK")[:16]
    with open(dst, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, linktype))
        for i, p in enumerate(packets):
            wire = len(p) + ((1 + (len(p) & 0x3FF)) if opt & 8 else 0)
            us = i * 1000
            f.write(struct.pack("<IIII", T0 + us // 1000000, us % 1000000, len(p), wire))
            f.write(p)
    notes = []
    if opt & 1:
        notes.append("--rspan-vlan 100")
    if opt & 2:
        notes.append("--vxlan-port 8472 --geneve-port 6082 (besides the defaults)")
    if opt & 4:
        notes.append("--no-dedup")
    if not opt & 16:
        notes.append("(the fuzz run had outer reassembly off)")
    if 128 <= sel < 192:
        notes.append("(the fuzz run had the verify stage on: try `mirrorsense verify`)")
    print(f"{dst}: {len(packets)} packets, link type {linktype}; options: {' '.join(notes) or 'none'}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
