#!/usr/bin/env bash
# tests/fuzz/fuzz.t - builds the libFuzzer targets (tests/fuzz/build.sh) and
# runs each for a bounded time: fuzz_decode (decoders + whole pipeline) and,
# when present, fuzz_proto (OT protocol parsers). Targets run side by side,
# FUZZ_SECONDS each (default 40; at most 110 s of wall time in all), with a
# fixed seed (MS_FUZZ_SEED) so that a run can be repeated. Any crash, leak,
# UBSan report, timeout or RSS blow-up fails the case; the input that did it
# is kept under tests/out/fuzz/fuzz/ (reproduce: build-fuzz/fuzz_NAME FILE).
# Every crash ever found becomes a named capture in tests/regress/.
source "$(dirname "$0")/../lib.sh"
OUT=${MS_BUILD_FUZZ:-$ROOT/build-fuzz}
SECS=${FUZZ_SECONDS:-40}
SEED=${MS_FUZZ_SEED:-20261206}

if ! command -v clang >/dev/null; then
	fail build "clang missing (scripts/install-deps.sh installs it)"
	exit 0
fi
if bash "$ROOT/tests/fuzz/build.sh" "$OUT" >"$T_OUT/build.log" 2>&1; then
	pass build
else
	fail build "tests/fuzz/build.sh failed: $(tail -n 5 "$T_OUT/build.log" | tr '\n' ' ')"
	exit 0
fi
nseeds=$(find "$OUT/seeds" -type f ! -name .done | wc -l)
if [ "$nseeds" -ge 100 ]; then pass seeds; else fail seeds "only $nseeds seeds in $OUT/seeds"; fi

targets=()
for t in "$OUT"/fuzz_*; do
	[ -x "$t" ] && [ -f "$t" ] && [[ "$t" != *.d ]] && targets+=("$t")
done
[ ${#targets[@]} -gt 0 ] || { fail targets "no fuzz target built"; exit 0; }
# Targets run in parallel (one process each), so wall time is about per.
per=$SECS
[ "$per" -gt 110 ] && per=110

pids=()
for t in "${targets[@]}"; do
	name=$(basename "$t")
	short=${name#fuzz_}
	work="$OUT/corpus-$short"
	mkdir -p "$work" "$T_OUT/$name"
	rm -f "$T_OUT/$name"/crash-* "$T_OUT/$name"/leak-* "$T_OUT/$name"/timeout-* "$T_OUT/$name"/oom-*
	seeds=()
	[ "$short" = decode ] && seeds=("$OUT/seeds")
	[ -d "$OUT/seeds-$short" ] && seeds=("$OUT/seeds-$short")
	[ -d "$ROOT/tests/fuzz/seeds-$short" ] && seeds+=("$ROOT/tests/fuzz/seeds-$short")
	dict=()
	[ -f "$OUT/$short.dict" ] && dict=(-dict="$OUT/$short.dict")
	[ -f "$ROOT/tests/fuzz/$short.dict" ] && dict=(-dict="$ROOT/tests/fuzz/$short.dict")
	(
		cd "$T_OUT/$name" || exit 1
		ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
		timeout -k 10 $(( per + 60 )) "$t" -seed="$SEED" -max_total_time="$per" \
			-rss_limit_mb=2048 -timeout=10 -max_len=9000 -print_final_stats=1 \
			-artifact_prefix="$T_OUT/$name/" "${dict[@]}" "$work" "${seeds[@]}" \
			>"$T_OUT/$name/log" 2>&1
		echo $? >"$T_OUT/$name/rc"
	) &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done

for t in "${targets[@]}"; do
	name=$(basename "$t")
	rc=$(cat "$T_OUT/$name/rc" 2>/dev/null || echo missing)
	art=$(ls "$T_OUT/$name" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | head -1)
	runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$T_OUT/$name/log" | grep -o '[0-9]*$')
	if [ "$rc" = 0 ] && [ -z "$art" ] && [ -n "$runs" ] && [ "$runs" -gt 0 ]; then
		pass "$name"
	else
		why=$(grep -m1 -E 'ERROR: |runtime error|fuzz_decode:|SUMMARY' "$T_OUT/$name/log" | cut -c1-200)
		fail "$name" "exit $rc after ${runs:-0} runs, input kept as tests/out/$T_GROUP/$name/${art:-?}: $why"
	fi
done
done_testing
