#!/usr/bin/env bash
# tests/regress/regress.t - every named regression capture in tests/regress/
# (fuzz crashes and boundary cases, listed with their expectation in
# tests/regress/LIST) read by the ASan/UBSan build: the exit status, no
# sanitizer report, no hang, and the jq condition on the JSON summary.
# A capture in the directory without a line in LIST fails too.
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/badinput/common.sh"
DIR=$ROOT/tests/regress

listed=" "
while IFS='|' read -r cap rc cond why; do
	cap=$(echo "$cap" | xargs); rc=$(echo "$rc" | xargs)
	[ -z "$cap" ] || [[ "$cap" == \#* ]] && continue
	listed="$listed$cap "
	name=${cap%.*}
	if [ ! -f "$DIR/$cap" ]; then fail "$name" "listed but missing"; continue; fi
	ms_run "$name" read "$DIR/$cap" --json
	if [ -n "$R_BAD" ]; then fail "$name" "$R_BAD"; continue; fi
	if [ "$R_RC" != "$rc" ]; then
		fail "$name" "exit $R_RC, expected $rc: $(head -c 200 "$T_OUT/$name.err" | tr '\n' ' ')"
		continue
	fi
	if [ "$(jq -r "$cond" "$T_OUT/$name.out" 2>&1)" = true ]; then
		pass "$name"
	else
		fail "$name" "not true: $cond (${why# }); totals $(jq -c .totals "$T_OUT/$name.out" | head -c 150) events $(jq -c .events "$T_OUT/$name.out" | head -c 150)"
	fi
done <"$DIR/LIST"

unlisted=""
for f in "$DIR"/*.pcap "$DIR"/*.pcapng; do
	[ -f "$f" ] || continue
	b=$(basename "$f")
	[[ "$listed" == *" $b "* ]] || unlisted="$unlisted $b"
done
if [ -z "$unlisted" ]; then pass all_listed; else fail all_listed "captures without a LIST line:$unlisted"; fi
done_testing
