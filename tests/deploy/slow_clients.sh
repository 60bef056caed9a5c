#!/bin/bash
# slow_clients.sh — a bounded slowloris from 127.0.0.2 against a running deployment while 127.0.0.1 keeps shopping: the shop must keep answering.
#
# usage: slow_clients.sh URL     URL is http://127.0.0.1:PORT[/base] (loopback only)
#
# Environment: SLOW_CONNS (connections the attacker holds, default 1500),
# SLOW_INTERVAL (seconds between its header lines, default 5),
# SLOW_SECS (how long the attack lasts, default 32, at most 60).
#
# The attacker (slowloris.py) binds its sockets to 127.0.0.2, a second
# local address, so a per-address limit of the server sees it as one
# client and the checker (curl, from 127.0.0.1) as another. While it runs,
# GET /healthz and GET / from 127.0.0.1 must answer 200 within 5 s every
# 2 s. The attacker is stopped by PID on every exit path.
# Prints ok/FAIL lines and "slow-clients: N passed, M failed".
set -u
URL=${1:?usage: slow_clients.sh URL}
URL=${URL%/}
HERE=$(cd "$(dirname "$0")" && pwd)
hostport=$(printf '%s' "$URL" | sed -E 's#^http://([^/]+).*#\1#')
host=${hostport%:*} port=${hostport##*:}
case $host in 127.*) ;; *) echo "slow_clients.sh: loopback URLs only"; exit 2 ;; esac
conns=${SLOW_CONNS:-1500} interval=${SLOW_INTERVAL:-5} secs=${SLOW_SECS:-32}
[ "$secs" -gt 60 ] && secs=60
PASS=0 FAIL=0 APID=
T=$(mktemp -d /tmp/ordersync-slow.XXXXXX)
stop_attacker() {
	[ -n "$APID" ] || return 0
	kill -TERM "$APID" 2>/dev/null
	for _ in $(seq 1 30); do kill -0 "$APID" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$APID" 2>/dev/null
	wait "$APID" 2>/dev/null
	APID=
}
trap 'stop_attacker; rm -rf "$T"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ok()  { PASS=$((PASS + 1)); echo "ok   - $1"; }
nok() { FAIL=$((FAIL + 1)); echo "FAIL - $1"; [ -n "${2:-}" ] && printf '       %s\n' "$2"; return 0; }

# probe PATH: "CODE SECONDS" of one GET from 127.0.0.1, 5 s at most.
probe() {
	curl -sS --interface 127.0.0.1 -o /dev/null --max-time 5 \
	    -w '%{http_code} %{time_total}' "$URL$1" 2>/dev/null || true
}

command -v python3 >/dev/null || { echo "slow_clients.sh: python3 is not installed (make deps-deploy)"; exit 2; }
read -r code _ <<< "$(probe /healthz)"
[ "$code" = 200 ] || { nok "before the attack: GET /healthz is 200" "status $code"; echo "slow-clients: $PASS passed, $FAIL failed"; exit 1; }

python3 "$HERE/slowloris.py" "$host" "$port" --source 127.0.0.2 --conns "$conns" \
    --interval "$interval" --duration "$secs" --path "$(printf '%s' "$URL" | sed -E 's#^http://[^/]+##')/" \
    2> "$T/attacker.log" &
APID=$!
# Let it open its connections and send a first round of header lines.
sleep 7

bad="" n=0 worst=0
end=$((SECONDS + secs - 10))
while [ $SECONDS -lt $end ] && kill -0 "$APID" 2>/dev/null; do
	for path in /healthz /; do
		read -r code t <<< "$(probe "$path")"
		n=$((n + 1))
		worst=$(awk -v a="$worst" -v b="$t" 'BEGIN { print (b > a) ? b : a }')
		[ "$code" = 200 ] || bad="$bad $path=$code(${t}s)"
	done
	sleep 2
done
held=$(grep -oE 'open [0-9]+' "$T/attacker.log" | awk '{ if ($2 > m) m = $2 } END { print m + 0 }')
closed=$(grep -oE 'closed by the server [0-9]+' "$T/attacker.log" | awk '{ s += $5 } END { print s + 0 }')
stop_attacker
summary="$n requests from 127.0.0.1, slowest ${worst}s; the attacker held up to $held connections, the server closed $closed"
if [ -n "$bad" ]; then
	nok "the shop answers during a slowloris from 127.0.0.2" "$summary; failed:$bad"
	tail -n 3 "$T/attacker.log" | sed 's/^/       /'
elif [ $n -lt 6 ]; then
	nok "the shop answers during a slowloris from 127.0.0.2" "only $n probes ran: $summary"
else
	ok "the shop answers during a slowloris from 127.0.0.2 ($summary)"
fi
read -r code _ <<< "$(probe /healthz)"
if [ "$code" = 200 ]; then ok "after the attack: GET /healthz is 200"; else nok "after the attack: GET /healthz is 200" "status $code"; fi
echo "slow-clients: $PASS passed, $FAIL failed"
[ $FAIL -eq 0 ]
