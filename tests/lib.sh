# tests/lib.sh - shared helpers for the shell test scripts (tests/GROUP/NAME.t).
#
# Each script sources this file, runs its cases and prints one line per case:
#   PASS group/case   FAIL group/case: why   SKIP group/case: why
# tests/run.sh collects those lines into the final "N passed, N failed" count.
# Environment (set by `make test`): MS_BIN (ASan+UBSan build), MS_BIN_RELEASE
# (release build, for timing-sensitive live tests), MS_BUILD (release build
# dir with test tools), MS_BUILD_ASAN.
set -u
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$TESTS_DIR/.." && pwd)
CORPUS=${MS_CORPUS:-$ROOT/../shared/corpus}
MS_BIN=${MS_BIN:-$ROOT/build-asan/mirrorsense}
MS_BIN_RELEASE=${MS_BIN_RELEASE:-$ROOT/build/mirrorsense}
MS_BUILD=${MS_BUILD:-$ROOT/build}
MS=$MS_BIN
export TZ=UTC LC_ALL=C
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
T_GROUP=${T_GROUP:-$(basename "$(dirname "$0")")/$(basename "$0" .t)}
T_OUT=$ROOT/tests/out/$T_GROUP
mkdir -p "$T_OUT"
T_FAILS=0

pass() { echo "PASS $T_GROUP/$1"; }
fail() { echo "FAIL $T_GROUP/$1: ${2:-}"; T_FAILS=$((T_FAILS + 1)); }
skip() { echo "SKIP $T_GROUP/$1: ${2:-}"; }

# check NAME CONDITION-COMMAND...: PASS if the command succeeds.
check() {
	local name=$1; shift
	if "$@" >/dev/null 2>&1; then pass "$name"; else fail "$name" "$*"; fi
}

# check_eq NAME EXPECTED ACTUAL
check_eq() {
	if [ "$2" == "$3" ]; then pass "$1"; else fail "$1" "expected '$2', got '$3'"; fi
}

# check_contains NAME FILE PATTERN (grep -E)
check_contains() {
	if grep -Eq -- "$3" "$2"; then pass "$1"; else fail "$1" "'$3' not in $2"; fi
}

check_not_contains() {
	if grep -Eq -- "$3" "$2"; then fail "$1" "'$3' found in $2"; else pass "$1"; fi
}

# check_rc NAME EXPECTED-RC COMMAND...
check_rc() {
	local name=$1 want=$2; shift 2
	"$@" >/dev/null 2>&1
	local rc=$?
	if [ "$rc" == "$want" ]; then pass "$name"; else fail "$name" "exit $rc, expected $want: $*"; fi
}

# jqv FILE FILTER: one value out of a JSON file.
jqv() { jq -r "$2" "$1"; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# A scratch directory removed at exit.
scratch() {
	T_TMP=$(mktemp -d /tmp/mstest.XXXXXX)
	trap 'rm -rf "$T_TMP"' EXIT
}

done_testing() { exit 0; }
