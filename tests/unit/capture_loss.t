#!/usr/bin/env bash
# tests/unit/capture_loss.t - the ACKed-but-unseen estimate on real captures.
#
# Intact corpus captures must show exactly 0 unseen bytes. The same captures
# with 5% of their packets removed at random (fixed seeds) must be estimated
# within one percentage point of the truth, computed independently here:
# per TCP direction, the bytes of removed segments that no kept segment
# covers, from where tracking starts (first kept SYN or data) up to the
# highest ACK the other side sent in the kept packets.
. "$(dirname "$0")/../lib.sh"
scratch

if ! command -v python3 >/dev/null; then
	skip capture_loss "python3 missing"
	done_testing
fi

cat >"$T_TMP/droploss.py" <<'EOF'
import random, struct, sys

def read_pcap(path):
    with open(path, 'rb') as f:
        data = f.read()
    magic = data[:4]
    if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
        e = '<'
    elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
        e = '>'
    else:
        raise SystemExit('not a classic pcap: ' + path)
    link = struct.unpack(e + 'I', data[20:24])[0]
    if link != 1:
        raise SystemExit('linktype %d not Ethernet' % link)
    off, pkts = 24, []
    while off + 16 <= len(data):
        incl = struct.unpack(e + 'I', data[off + 8:off + 12])[0]
        pkts.append((data[off:off + 16], data[off + 16:off + 16 + incl]))
        off += 16 + incl
    return data[:24], pkts

def tcp_of(frame):
    """(key, seq, ack, flags, paylen) of an Ethernet TCP segment, or None."""
    o, et = 12, None
    while o + 2 <= len(frame):
        et = struct.unpack('>H', frame[o:o + 2])[0]
        if et in (0x8100, 0x88a8, 0x9100):
            o += 4
            continue
        o += 2
        break
    if et == 0x0800 and o + 20 <= len(frame):
        ihl = (frame[o] & 15) * 4
        tot = struct.unpack('>H', frame[o + 2:o + 4])[0]
        if frame[o + 9] != 6 or struct.unpack('>H', frame[o + 6:o + 8])[0] & 0x3fff:
            return None
        src, dst, t, l4 = frame[o + 12:o + 16], frame[o + 16:o + 20], o + ihl, tot - ihl
    elif et == 0x86dd and o + 40 <= len(frame):
        if frame[o + 6] != 6:
            return None
        src, dst, t = frame[o + 8:o + 24], frame[o + 24:o + 40], o + 40
        l4 = struct.unpack('>H', frame[o + 4:o + 6])[0]
    else:
        return None
    if t + 20 > len(frame):
        return None
    sp, dp, seq, ack = struct.unpack('>HHII', frame[t:t + 12])
    hl = (frame[t + 12] >> 4) * 4
    return (src, sp, dst, dp), seq, ack, frame[t + 13], l4 - hl

def union_len(ranges, lo, hi):
    total, cur_s, cur_e = 0, None, None
    for s, e in sorted(ranges):
        s, e = max(s, lo), min(e, hi)
        if e <= s:
            continue
        if cur_e is None or s > cur_e:
            if cur_e is not None:
                total += cur_e - cur_s
            cur_s, cur_e = s, e
        else:
            cur_e = max(cur_e, e)
    if cur_e is not None:
        total += cur_e - cur_s
    return total

def minus(dropped, kept, lo, hi):
    # measure of (union dropped) - (union kept), clipped to [lo, hi)
    both = union_len(dropped + kept, lo, hi)
    return both - union_len(kept, lo, hi)

src, out, pct, seed = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
hdr, pkts = read_pcap(src)
rng = random.Random(seed)
keep = [rng.random() * 100 >= pct for _ in pkts]
with open(out, 'wb') as f:
    f.write(hdr)
    for k, (ph, fr) in zip(keep, pkts):
        if k:
            f.write(ph + fr)

base, start, kept, dropped, maxack = {}, {}, {}, {}, {}
for k, (ph, fr) in zip(keep, pkts):
    t = tcp_of(fr)
    if not t:
        continue
    key, seq, ack, flags, plen = t
    if flags & 4:
        continue  # RST
    if key not in base:
        base[key] = (seq - (1 << 30)) & 0xffffffff
    rel = (seq - base[key]) & 0xffffffff
    s = rel + (1 if flags & 2 else 0)
    rng_ = (s, s + plen)
    if k:
        if key not in start and (flags & 2 or plen > 0):
            start[key] = s
        if plen > 0:
            kept.setdefault(key, []).append(rng_)
        if flags & 16:
            rkey = (key[2], key[3], key[0], key[1])
            maxack.setdefault(rkey, []).append(ack)
    elif plen > 0:
        dropped.setdefault(key, []).append(rng_)

unseen = 0
for key, st in start.items():
    acks = [(a - base[key]) & 0xffffffff for a in maxack.get(key, [])]
    hi = max(acks) if acks else st
    unseen += minus(dropped.get(key, []), kept.get(key, []), st, hi)
print(unseen)
EOF

ms_unseen() { jq -r '.flows.tcp_unseen_bytes' "$1"; }
ms_acked() { jq -r '.flows.tcp_acked_bytes' "$1"; }

for cap in zeek_smb3_multichannel iti_c37_pmu_clean; do
	in=$CORPUS/bench/$cap.pcap
	if [ ! -r "$in" ]; then
		fail "${cap}_intact" "$in missing"
		continue
	fi
	"$MS" read --json "$in" >"$T_OUT/$cap.json" 2>"$T_OUT/$cap.err"
	u=$(ms_unseen "$T_OUT/$cap.json"); a=$(ms_acked "$T_OUT/$cap.json")
	if [ "$u" == "0" ] && [ "${a:-0}" -gt 100000 ]; then
		pass "${cap}_intact_zero"
	else
		fail "${cap}_intact_zero" "unseen '$u' acked '$a'"
	fi
	for seed in 1 2; do
		cut=$T_TMP/$cap.$seed.pcap
		truth=$(python3 "$T_TMP/droploss.py" "$in" "$cut" 5 "$seed") || truth=
		"$MS" read --json "$cut" >"$T_OUT/$cap.$seed.json" 2>"$T_OUT/$cap.$seed.err"
		u=$(ms_unseen "$T_OUT/$cap.$seed.json"); a=$(ms_acked "$T_OUT/$cap.$seed.json")
		verdict=$(awk -v t="${truth:-x}" -v u="${u:-x}" -v a="${a:-0}" 'BEGIN {
			if (t == "x" || u == "x" || a <= 0) { print "no numbers"; exit }
			tp = 100 * t / a; ep = 100 * u / a; d = tp - ep; if (d < 0) d = -d
			if (tp < 1) { print "too little loss to judge: truth " tp "%"; exit }
			if (d < 1.0) print "ok"; else print "truth " tp "% estimate " ep "%" }')
		if [ "$verdict" == "ok" ]; then
			pass "${cap}_5pct_removed_seed$seed"
		else
			fail "${cap}_5pct_removed_seed$seed" "$verdict (truth $truth unseen $u acked $a)"
		fi
	done
done
done_testing
