#!/usr/bin/env bash
# The resident memory of the dashboard with its index full: 137 connectors
# against 10 000 (issue 10: at most 25 MB more). Each dashboard runs in a
# pseudo-terminal (script) against its own `pixee-tui sandbox` with the
# default read budget of 100 a minute, so the crawl goes at its real pace
# (10 000 at 100 a page: about 5 minutes). VmRSS is sampled from /proc.
#
#   bash perf/fleet-rss.sh [minutes]   (default 7)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
minutes=${1:-7}
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT
go build -o "$tmp/pixee-tui" .

run() { # n port
	local n=$1 port=$2
	"$tmp/pixee-tui" sandbox --addr "127.0.0.1:$port" --connectors "$n" --no-autosync >"$tmp/sb$n.log" 2>&1 &
	for _ in $(seq 50); do grep -q PIXEE_API_KEY= "$tmp/sb$n.log" && break; sleep 0.2; done
	local key
	key=$(sed -n 's/^ *PIXEE_API_KEY=//p' "$tmp/sb$n.log")
	local url
	url=$(sed -n 's/^ *PIXEE_BASE_URL=//p' "$tmp/sb$n.log")
	# No input ever (a pipe that stays open), a 160x48 terminal.
	sleep $((minutes * 60 + 60)) | PIXEE_BASE_URL=$url PIXEE_API_KEY=$key TERM=xterm-256color \
		script -qfc "stty cols 160 rows 48; exec $tmp/pixee-tui" /dev/null >/dev/null 2>&1 &
}
run 137 18137
run 10000 18100
sleep 3
pid137=$(pgrep -f "^$tmp/pixee-tui$" | head -1)
pids=$(pgrep -f "^$tmp/pixee-tui$" | tr '\n' ' ')
echo "dashboards: $pids"
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
for ((s = 0; s <= minutes * 60; s += 30)); do
	line="t=${s}s"
	for p in $pids; do
		conns=$(tr '\0' ' ' <"/proc/$p/environ" | grep -o 'PIXEE_BASE_URL=[^ ]*' | grep -o '181[0-9]*' || true)
		line="$line  port $conns: $(rss "$p") kB"
	done
	echo "$line"
	sleep 30
done
