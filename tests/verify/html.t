#!/usr/bin/env bash
# verify/html: the --html report opened in a real browser (headless
# Chromium): the DOM must hold the verdict summary, the problems list and
# the four plots as SVG with drawn series, and the subnet table; the page
# must need no network (no http(s) reference, no script). A screenshot is
# kept under tests/out/verify/html/ as an artifact.
source "$(dirname "$0")/../lib.sh"
scratch
G=$MS_BUILD/verifygen
R=$T_TMP
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
	skip html "chromium is not installed (scripts/install-deps.sh installs it)"
	exit 0
fi

# A mirror with loss (every 7th packet removed) and ERSPAN sequence gaps.
"$G" "$R/clean.pcap" --erspan2 100 --skip-seq 300:5 >/dev/null
editcap "$R/clean.pcap" "$R/lossy.pcap" $(seq 7 7 1320) 2>/dev/null
"$MS" verify --html "$R/report.html" "$R/lossy.pcap" > "$R/report.txt"; rc=$?
check_eq html-exit-fail 2 "$rc"
check_contains html-written "$R/report.html" '^<!DOCTYPE html>'
check_not_contains html-no-network "$R/report.html" '(https?:)?//[a-z]|<script|<link '

# render ID: DOM and screenshot of report ID.
render() {
	local html=$1 shot=$2
	rm -f "$shot"
	# Chromium wants a writable HOME for its profile.
	HOME=$R timeout -k 5 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--disable-dev-shm-usage --hide-scrollbars --user-data-dir="$R/chrome" \
		--window-size=1100,2600 --screenshot="$shot" --dump-dom "file://$html" 2>"$R/chromium.err"
}
render "$R/report.html" "$T_OUT/report.png" > "$R/dom.html"
if grep -q '</html>' "$R/dom.html"; then pass html-rendered
else fail html-rendered "no DOM from chromium: $(tail -c 300 "$R/chromium.err")"; fi
check_contains dom-verdict-summary "$R/dom.html" "id=\"verdict-summary\""
check_contains dom-verdict-fail "$R/dom.html" 'Verdict: <span class="badge fail">FAIL</span>'
check_contains dom-problem-loss "$R/dom.html" '<li><span class="badge fail">FAIL</span> <b>Loss \(TCP ACKed, never seen\)'
check_contains dom-problem-seq "$R/dom.html" 'Loss upstream \(sequence gaps\)</b> \(erspan2 session 100'
for plot in plot-traffic plot-sessions plot-directions plot-loss; do
	check_contains "dom-$plot" "$R/dom.html" "<svg id=\"$plot\""
done
check_eq dom-series-drawn 5 "$(grep -oE 'class="series-(traffic|session|c2s|s2c|tcp-unseen)"' "$R/dom.html" | sort -u | wc -l)"
check_contains dom-seq-loss-bars "$R/dom.html" 'class="bar-seq-lost"'
check_contains dom-subnet-table "$R/dom.html" '<table id="subnet-table">'
check_contains dom-subnet-row "$R/dom.html" '<td>198\.51\.100\.0/24</td>'
if [ -s "$T_OUT/report.png" ] && [ "$(head -c 4 "$T_OUT/report.png" | od -An -tx1 | tr -d ' ')" = 89504e47 ]; then
	pass screenshot-kept
else
	fail screenshot-kept "no PNG at $T_OUT/report.png"
fi

# A clean mirror renders a passing summary.
"$G" "$R/ok.pcap" >/dev/null
check_rc html-clean-exit 0 "$MS" verify --quiet --html "$R/ok.html" "$R/ok.pcap"
render "$R/ok.html" "$T_OUT/clean.png" > "$R/ok.dom"
check_contains dom-clean-pass "$R/ok.dom" 'Verdict: <span class="badge pass">PASS</span>'
check_contains dom-clean-no-problems "$R/ok.dom" 'Every check passed or did not apply'
done_testing
