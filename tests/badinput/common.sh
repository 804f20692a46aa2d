# tests/badinput/common.sh - helpers shared by the bad-input tests.
#
# ms_run NAME ARGS...: runs `$MS ARGS` under a 60 s timeout with stdin from
# /dev/null (or $MS_STDIN), stdout/stderr into $T_OUT/NAME.out/.err, exit
# status into R_RC. A hang (timeout), a sanitizer report or a crash signal
# is recorded in R_BAD, which every case checks first: bad input may fail,
# but never crash, hang or over-read.
ms_run() {
	local name=$1; shift
	local in=${MS_STDIN:-/dev/null}
	timeout -k 5 60 "$MS" "$@" <"$in" >"$T_OUT/$name.out" 2>"$T_OUT/$name.err"
	R_RC=$?
	R_BAD=""
	if [ "$R_RC" -eq 124 ] || [ "$R_RC" -eq 137 ]; then
		R_BAD="hung (killed after 60 s)"
	elif [ "$R_RC" -ge 128 ]; then
		R_BAD="died of signal $((R_RC - 128))"
	elif grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer' "$T_OUT/$name.err"; then
		R_BAD="sanitizer: $(grep -m1 -E 'ERROR|runtime error' "$T_OUT/$name.err" | cut -c1-160)"
	fi
}

# expect_exit CASE WANT-RC STDERR-REGEX: after ms_run CASE ...
expect_exit() {
	local name=$1 want=$2 re=$3
	if [ -n "$R_BAD" ]; then
		fail "$name" "$R_BAD"
	elif [ "$R_RC" != "$want" ]; then
		fail "$name" "exit $R_RC, expected $want; stderr: $(head -c 200 "$T_OUT/$name.err" | tr '\n' ' ')"
	elif [ -n "$re" ] && ! grep -Eqi -- "$re" "$T_OUT/$name.err"; then
		fail "$name" "stderr lacks /$re/: $(head -c 200 "$T_OUT/$name.err" | tr '\n' ' ')"
	else
		pass "$name"
	fi
}

# json_event FILE NAME: count of a named event in a --json summary (0 if absent).
json_event() {
	jq -r --arg n "$2" '(.events // {}) | if type == "object" then (.[$n] // 0)
		else ((map(select(.name == $n)) | .[0].count) // 0) end' "$1" 2>/dev/null || echo 0
}

# The crafted captures, made once per test script.
gen_caps() {
	CAPS=$T_OUT/caps
	rm -rf "$CAPS"
	mkdir -p "$CAPS"
	"$MS_BUILD/gencap" "$CAPS" >/dev/null
}
