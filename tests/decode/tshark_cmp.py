#!/usr/bin/env python3
"""tshark_cmp.py - compare decodedump --tsv with tshark, packet by packet.

usage: tshark_cmp.py DECODEDUMP CAPTURE [--dd "decodedump options"]
                     [--ts "tshark options"] [--only 1,2,5-9]
       tshark_cmp.py DECODEDUMP --manifest FILE WORKDIR ["tshark options"]

--only limits the comparison to the packets listed (crafted captures hold
malformed packets on purpose, where tshark is lenient and we raise events).

Fields compared where tshark has them (numbers compared as values): mirror session (innermost
erspan.spanid / vxlan.vni / geneve.vni), first GRE sequence number,
ERSPAN VLAN / COS / T bit / index (II) / hardware ID, direction,
timestamp field, granularity, frame type, SGT and platform port index (III),
innermost IP source and destination, the ports of the TCP/UDP header
right after it (TCP: also flags, raw sequence and acknowledgment numbers,
window), and the 802.1Q VLAN IDs of the innermost frame. Depth check: the number of eth / ip / ipv6 headers tshark
decodes (up to the first ICMP, whose quoted headers are not followed) must
not exceed ours, so that no tunnel tshark opens stays closed here (we may
go deeper: tshark stops at Arista timestamps it does not know, PBB).
Prints one line per mismatch ("N field: ours=X tshark=Y") and exits 1 if
there was any, 2 if a tool failed.
"""
import shlex
import subprocess
import sys

FIELDS = ["frame.number", "frame.protocols", "erspan.spanid", "vxlan.vni",
          "geneve.vni", "gre.sequence_number", "erspan.vlan", "erspan.cos",
          "erspan.truncated", "erspan.index", "erspan.hw", "erspan.direction",
          "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport",
          "tcp.dstport", "udp.srcport", "udp.dstport", "erspan.version",
          "erspan.timestamp", "erspan.gra", "erspan.ft", "erspan.sgt",
          "erspan.pid1.port_index", "erspan.pid3.port_index",
          "erspan.pid5.port_index", "erspan.pid7.source_index", "vlan.id",
          "tcp.flags", "tcp.seq_raw", "tcp.ack_raw", "tcp.window_size_value"]
OURS = ["n", "chain", "session", "gre_seq", "evlan", "cos", "t", "index",
        "hwid", "dir", "src", "dst", "sport", "dport", "proto", "ts32", "gra",
        "ft", "sgt", "pindex", "vlans", "tflags", "tseq", "tack", "twin"]


TUNNELS = ("gre", "erspan", "vxlan", "geneve", "tzsp", "nsh", "wlan", "cmd")


def norm(v):
    """Numbers as tshark prints them (hex for VNIs) -> decimal text."""
    try:
        return str(int(v, 0))
    except ValueError:
        return v


def vals(s):
    return [v for v in s.split(",")] if s != "" else []


def boolnum(v):
    return {"True": "1", "False": "0", "true": "1", "false": "0"}.get(v, v)


def chain_upto_icmp(tokens):
    out = []
    for t in tokens:
        out.append(t)
        if t in ("icmp", "icmpv6"):
            break
    return out


def expected(t):
    """What we should print for one tshark row (dict of field -> list)."""
    e = {}
    toks = chain_upto_icmp(t["frame.protocols"][0].split(":")
                           if t["frame.protocols"] else [])
    # Innermost mirror header with a session.
    last = None
    for tok in toks:
        if tok in ("erspan", "vxlan", "geneve"):
            last = tok
    sess = {"erspan": t["erspan.spanid"], "vxlan": t["vxlan.vni"],
            "geneve": t["geneve.vni"]}
    if last and sess[last]:
        e["session"] = sess[last][-1]
    if t["gre.sequence_number"]:
        e["gre_seq"] = t["gre.sequence_number"][0]
    if t["erspan.vlan"]:
        e["evlan"] = t["erspan.vlan"][-1]
        e["cos"] = t["erspan.cos"][-1]
        e["t"] = boolnum(t["erspan.truncated"][-1])
    if t["erspan.index"]:
        e["index"] = t["erspan.index"][-1]
    if t["erspan.hw"]:
        e["hwid"] = t["erspan.hw"][-1]
        e["dir"] = boolnum(t["erspan.direction"][-1])
        e["ts32"] = t["erspan.timestamp"][-1]
        e["gra"] = t["erspan.gra"][-1]
        e["ft"] = t["erspan.ft"][-1]
        e["sgt"] = t["erspan.sgt"][-1]
        for pid in ("erspan.pid1.port_index", "erspan.pid3.port_index",
                    "erspan.pid5.port_index", "erspan.pid7.source_index"):
            if t[pid]:
                e["pindex"] = t[pid][-1]
    # Innermost IP header and the transport header right after it.
    nip = nip6 = 0
    inner = None
    for i, tok in enumerate(toks):
        if tok == "ip":
            nip += 1
            inner = ("ip", nip, i)
        elif tok == "ipv6":
            nip6 += 1
            inner = ("ipv6", nip6, i)
    # A tunnel header with nothing after it (GRE keepalive) or with CDP
    # after it (CDP over GRE) opens no inner frame.
    tunnel_pos = max([i for i, tok in enumerate(toks)
                      if tok in TUNNELS and i + 1 < len(toks) and
                      toks[i + 1] != "cdp"], default=-1)
    if inner and inner[2] < tunnel_pos:
        e["src"] = e["dst"] = ""  # the innermost frame carries no IP
    elif inner:
        fam, k, pos = inner
        src, dst = t[fam + ".src"], t[fam + ".dst"]
        if len(src) >= k:
            e["src"], e["dst"] = src[k - 1], dst[k - 1]
        if pos + 1 < len(toks) and toks[pos + 1] in ("tcp", "udp"):
            l4 = toks[pos + 1]
            m = sum(1 for x in toks[:pos + 2] if x == l4)
            sp, dp = t[l4 + ".srcport"], t[l4 + ".dstport"]
            if len(sp) >= m:
                e["sport"], e["dport"] = sp[m - 1], dp[m - 1]
            if l4 == "tcp" and len(t["tcp.seq_raw"]) >= m:
                e["tflags"] = t["tcp.flags"][m - 1]
                e["tseq"] = t["tcp.seq_raw"][m - 1]
                e["tack"] = t["tcp.ack_raw"][m - 1]
                e["twin"] = t["tcp.window_size_value"][m - 1]
    # 802.1Q tags of the innermost frame (tshark's vlan.id, in order, after
    # those of the outer frames); not with S-tags (another field) or PBB.
    if not any(x in ("ieee8021ad", "ieee8021ah") for x in toks):
        k = sum(1 for x in toks[:max(tunnel_pos, 0)] if x == "vlan")
        e["vlans"] = ",".join(t["vlan.id"][k:])
    e["_depth"] = sum(1 for x in toks if x in ("eth", "ip", "ipv6"))
    return e


def tshark_rows(cap, tsopts):
    cmd = ["tshark", "-n", "-r", cap, "-T", "fields", "-E", "occurrence=a",
           "-E", "aggregator=,", "-E", "separator=/t"] + tsopts
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True,
                         timeout=300).stdout.splitlines()
    rows = []
    for line in out:
        parts = line.split("\t")
        parts += [""] * (len(FIELDS) - len(parts))
        rows.append({f: vals(v) for f, v in zip(FIELDS, parts)})
    return rows


def our_rows(dd, cap, ddopts):
    out = subprocess.run([dd, cap, "--tsv"] + ddopts, capture_output=True,
                         text=True, check=True, timeout=300).stdout.splitlines()
    mine = []
    for line in out:
        parts = line.split("\t")
        if len(parts) == 2 and parts[1] == "held":
            mine.append(None)  # outer fragment kept for reassembly
        elif len(parts) == len(OURS):
            mine.append(dict(zip(OURS, parts)))
        else:
            raise ValueError("bad decodedump line: %r" % line)
    return mine


def compare(mine, rows, only, say, skip=()):
    """Compare our rows with tshark's (same order); returns mismatches."""
    bad = 0
    if len(mine) != len(rows):
        say("packet count: ours=%d tshark=%d" % (len(mine), len(rows)))
        return 1
    for idx, (o, t) in enumerate(zip(mine, rows)):
        n = str(idx + 1)
        if only is not None and n not in only:
            continue
        if o is None:
            if not t["ip.src"] and not t["ipv6.src"]:
                say("%s held but tshark sees no IP" % n)
                bad += 1
            continue
        e = expected(t)
        ours_depth = sum(1 for x in o["chain"].split("/")
                         if x in ("eth", "ipv4", "ipv6"))
        for k, v in e.items():
            if k in skip:
                continue
            if k == "vlans" and ours_depth > e["_depth"]:
                continue  # tshark stopped before the tags (Arista, PBB)
            if k == "_depth":
                if ours_depth < v:  # a header tshark opened stays closed
                    say("%s depth: ours=%d (%s) tshark=%d (%s)" % (
                        n, ours_depth, o["chain"], v, t["frame.protocols"][0]))
                    bad += 1
                continue
            if norm(o[k]) != norm(v):
                say("%s %s: ours=%s tshark=%s" % (n, k, o[k], v))
                bad += 1
    return bad


def parse_only(spec):
    if spec in ("", "all"):
        return None
    only = set()
    for part in spec.split(","):
        lo, _, hi = part.partition("-")
        only.update(str(x) for x in range(int(lo), int(hi or lo) + 1))
    return only


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    dd = args[0]
    if args[1] == "--manifest":
        return manifest(dd, args[2], args[3], shlex.split(args[4]) if len(args) > 4 else [])
    cap = args[1]
    ddopts, tsopts, only = [], [], None
    i = 2
    while i < len(args):
        if args[i] == "--dd":
            ddopts = shlex.split(args[i + 1])
        elif args[i] == "--ts":
            tsopts = shlex.split(args[i + 1])
        elif args[i] == "--only":
            only = parse_only(args[i + 1])
        i += 2
    try:
        rows = tshark_rows(cap, tsopts)
        mine = our_rows(dd, cap, ddopts)
    except (subprocess.SubprocessError, OSError, ValueError) as err:
        print("tool failed: %s" % err)
        return 2
    skip = ("vlans",) if "--rspan-vlan" in ddopts else ()
    return 1 if compare(mine, rows, only, print, skip) else 0


def manifest(dd, path, workdir, tsopts):
    """Many captures, one tshark run (tshark takes a second to start).

    Each manifest line: NAME<TAB>CAPTURE<TAB>decodedump options<TAB>packets.
    The captures are concatenated with mergecap (pcapng keeps each link
    type); tshark's rows are split back by each capture's packet count.
    Prints "RESULT NAME ok|bad" per line, details before it.
    """
    entries = []
    with open(path) as f:
        for line in f:
            if line.strip():
                name, cap, ddo, pk = line.rstrip("\n").split("\t")
                entries.append((name, cap, shlex.split(ddo), parse_only(pk)))
    merged = workdir + "/merged.pcapng"
    try:
        ours = [our_rows(dd, cap, ddo) for _, cap, ddo, _ in entries]
        subprocess.run(["mergecap", "-a", "-F", "pcapng", "-w", merged] +
                       [cap for _, cap, _, _ in entries], check=True,
                       capture_output=True, timeout=300)
        rows = tshark_rows(merged, tsopts)
    except (subprocess.SubprocessError, OSError, ValueError) as err:
        print("tool failed: %s" % err)
        return 2
    pos = 0
    bad_any = 0
    for (name, _, ddo, only), mine in zip(entries, ours):
        part = rows[pos:pos + len(mine)]
        pos += len(mine)
        # A stripped RSPAN tag is not among our VLANs, it is among tshark's.
        skip = ("vlans",) if "--rspan-vlan" in ddo else ()
        bad = compare(mine, part, only,
                      lambda msg, name=name: print("%s: %s" % (name, msg)), skip)
        print("RESULT %s %s" % (name, "bad" if bad else "ok"))
        bad_any += bad
    if pos != len(rows):
        print("RESULT packet_total bad (ours %d, tshark %d)" % (pos, len(rows)))
        return 1
    return 1 if bad_any else 0


if __name__ == "__main__":
    sys.exit(main())
