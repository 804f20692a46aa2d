#!/usr/bin/env bash
# tests/fuzz/build.sh [OUT] - builds the libFuzzer targets (every
# tests/fuzz/fuzz_*.c) with clang, AddressSanitizer and UBSan into OUT
# (default build-fuzz/), compiling src/ directly (tests/fuzz/Makefile), and
# prepares their seed corpus OUT/seeds/: every packet of the real captures
# in $CORPUS (capped per file), of the crafted hostile captures
# (tests/tools/gencap.c) and of the regression captures (tests/regress/);
# and OUT/seeds-proto/ for fuzz_proto: the OT payloads and L2 frames in them.
# Incremental: a second run only rebuilds what changed; the seeds are made
# once (delete OUT/seeds to remake them).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$ROOT/build-fuzz}
CORPUS=${MS_CORPUS:-$ROOT/../shared/corpus}
cd "$ROOT"
command -v clang >/dev/null || { echo "build.sh: clang missing (scripts/install-deps.sh)" >&2; exit 1; }
mkdir -p "$OUT"
make -s -f tests/fuzz/Makefile OUT="$OUT" -j"$(nproc)" >"$OUT/build.log" 2>&1 || {
	tail -n 30 "$OUT/build.log" >&2
	exit 1
}
if [ ! -f "$OUT/seeds/.done" ]; then
	rm -rf "$OUT/seeds" "$OUT/seeds-proto" "$OUT/gencap"
	mkdir -p "$OUT/seeds" "$OUT/seeds-proto" "$OUT/gencap"
	clang -std=c11 -O1 -o "$OUT/gencap-tool" tests/tools/gencap.c
	"$OUT/gencap-tool" "$OUT/gencap" >/dev/null
	files=()
	[ -d "$CORPUS" ] && while IFS= read -r f; do files+=("$f"); done < <(find "$CORPUS" -name '*.pcap*' | sort)
	files+=("$OUT"/gencap/*)
	for f in tests/regress/*.pcap tests/regress/*.pcapng; do [ -f "$f" ] && files+=("$f"); done
	"$OUT/seeds-tool" "$OUT/seeds" -p "$OUT/seeds-proto" "${files[@]}" >"$OUT/seeds.log" 2>&1
	touch "$OUT/seeds/.done"
fi
# Dictionary: the packet separator and wire constants worth splicing in.
cat >"$OUT/decode.dict" <<'DICT'
sep="MSPK"
ipv4="\x08\x00"
ipv6="\x86\xdd"
vlan="\x81\x00"
qinq="\x88\xa8"
mpls="\x88\x47"
erspan2="\x88\xbe"
erspan3="\x22\xeb"
teb="\x65\x58"
vxlan="\x12\xb5"
geneve="\x17\xc1"
tzsp="\x90\x90"
greseq="\x10\x00"
DICT
