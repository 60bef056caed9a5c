# alerts.sh — issue 17's scenarios, sourced by bench/run.sh: order-to-alert latency beside Nchan, held long-polls, idle tabs.
#
# Uses run.sh's helpers (free_port, start_app, scenario, field, median, ms,
# rss_of, say) and globals (OUT, WORK, RAW, PGIDS, COOKIE, GETLUA…). The
# client is bench/alert.c (libcurl multi, CLOCK_MONOTONIC): see its header.
#
# Environment (all optional):
#   ALERT=0        skips this section in the full run
#   ALERT_N=N      orders (and Nchan messages) of the long-poll rows (200; QUICK: 50)
#   POLL_ORDERS=N  orders of the 5 s polling row (40; QUICK: 6): each takes one
#                  poll cycle, 5 s, so 200 would add 17 minutes
#   HELD=N         held long-polls of the memory and catalog scenario (1000)
#   IDLE_SECS=S    how long the two idle tabs run (60; QUICK: 30)
#   WAIT=S         wait= of every long-poll (25, the server's default wait_max)
#   BASELINE=FILE  the committed run the feed scenarios are compared with
#                  (bench/results/2026-12-07.md: the last one before long-poll)

ALERT=${ALERT:-1}
if [ "${QUICK:-0}" = 1 ]; then
	ALERT_N=${ALERT_N:-50} POLL_ORDERS=${POLL_ORDERS:-6} IDLE_SECS=${IDLE_SECS:-30}
fi
ALERT_N=${ALERT_N:-200}
POLL_ORDERS=${POLL_ORDERS:-40}
HELD=${HELD:-1000}
IDLE_SECS=${IDLE_SECS:-60}
WAIT=${WAIT:-25}
POLL_MS=5000		# serve.sh's default ORDERSYNC_POLL_MS: the page's interval
BASELINE=${BASELINE:-bench/results/2026-12-07.md}
NCHAN_SO=/usr/share/nginx/modules/ngx_nchan_module.so
SESSION_COOKIE="ordersync_admin=$SESSION_TOKEN"
HELD_RSS= HELD_HWM= HELD_RSS_FREE= HELD_SOCKS_START= HELD_SOCKS_END= HELD_RELEASE= NCHAN_LINE=

# alert_check: the peer's pieces are installed (make deps-bench).
alert_check() {
	case ${ONLY:-} in
	'') [ "$ALERT" = 1 ] || return 0 ;;
	alert) ;;
	*) return 0 ;;
	esac
	{ command -v nginx >/dev/null && [ -f "$NCHAN_SO" ]; } ||
		{ echo "bench: nginx with libnginx-mod-nchan is not installed (make deps-bench, or ALERT=0)" >&2; exit 1; }
	# HELD client connections, as many from lighttpd to the app and its own:
	# room for them (lighttpd raises its own limit to server.max-fds).
	local need=$((HELD * 2 + 512)) soft
	soft=$(ulimit -n)
	if [ "$soft" != unlimited ] && [ "$soft" -lt "$need" ]; then
		ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
		soft=$(ulimit -n)
		[ "$soft" = unlimited ] || [ "$soft" -ge "$need" ] ||
			{ echo "bench: ulimit -n is $soft, $need needed for HELD=$HELD (raise the hard limit, or lower HELD)" >&2; exit 1; }
	fi
}

# start_nchan: nginx with Debian's Nchan module on 127.0.0.1, in its own
# process group (stopped with the others), one channel: POST /pub publishes
# (nchan_publisher), GET /sub waits for the next message (nchan_subscriber
# longpoll; the first request waits for the newest, the next ones name the
# last message they got by If-Modified-Since and If-None-Match). Sets
# PORT_nchan, PGID_nchan.
start_nchan() {
	local d=$WORK/nchan port user= i=0
	mkdir -p "$d/logs" "$d/tmp"
	port=$(free_port)
	# As root, nginx's workers run as an unprivileged user (tests/deploy/lib.sh).
	[ "$(id -u)" = 0 ] && user="user www-data;"
	cat > "$d/nginx.conf" <<EOC
load_module $NCHAN_SO;
$user
daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile 16384;
pid $d/nginx.pid;
error_log $d/logs/error.log warn;
events { worker_connections 8192; }
http {
	access_log off;
	client_body_temp_path $d/tmp/body;
	proxy_temp_path $d/tmp/proxy;
	fastcgi_temp_path $d/tmp/fastcgi;
	scgi_temp_path $d/tmp/scgi;
	uwsgi_temp_path $d/tmp/uwsgi;
	server {
		listen 127.0.0.1:$port;
		location = /ready { return 200 "ok\n"; }
		location = /pub {
			nchan_publisher;
			nchan_channel_id bench;
		}
		location = /sub {
			nchan_subscriber longpoll;
			nchan_channel_id bench;
			nchan_subscriber_first_message newest;
			nchan_subscriber_timeout ${WAIT}s;
		}
	}
}
EOC
	nginx -t -p "$d" -c "$d/nginx.conf" > "$d/logs/configtest.log" 2>&1 || {
		cat "$d/logs/configtest.log" >&2; echo "bench: nginx refused the Nchan config" >&2; exit 1; }
	setsid nginx -p "$d" -c "$d/nginx.conf" 2>>"$d/logs/error.log" &
	PGID_nchan=$!
	PGIDS+=("$PGID_nchan")
	PORT_nchan=$port
	until curl -fsS -o /dev/null "http://127.0.0.1:$port/ready" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$PGID_nchan" 2>/dev/null; then
			tail -n 20 "$d/logs/error.log" >&2
			echo "bench: nginx (Nchan) did not come up on port $port" >&2
			exit 1
		fi
		sleep 0.1
	done
	NCHAN_LINE="nginx $(nginx -v 2>&1 | sed -n 's/^nginx version: nginx\///p'), libnginx-mod-nchan $(dpkg-query -W -f='${Version}' libnginx-mod-nchan 2>/dev/null || echo '?')"
}

# alert_setup: Nchan, and three app servers on copies of the small database
# (started by serve.sh as the others, the server's default wait_max):
# alert (the latency rows' orders), idle (the idle tabs, which no order may
# wake) and held (the held long-polls; always 2 app processes).
alert_setup() {
	local PROCS=2 s
	say "bench: alerts: starting nginx + Nchan and three app servers (alert, idle, held)"
	start_nchan
	for s in alert idle held; do
		sqlite3 "$WORK/small.db" ".backup '$WORK/$s.db'"
	done
	start_app alert "$WORK/alert.db"
	start_app idle "$WORK/idle.db"
	start_app held "$WORK/held.db"
}

# alert_client LABEL ARGS...: runs bench/alert.c; its result lines go to $RAW
# as "LABEL key=value…" (the idle tabs as LABEL-longpoll and LABEL-poll). A
# client that fails leaves "LABEL failed=…" (its own line, or status=N).
alert_client() {
	local label=$1 rc=0 out
	shift
	out=$WORK/alert-$label
	"$OUT/alert" "$@" > "$out.out" 2> "$out.err" || rc=$?
	sed -e "s/^ALERT /$label /" -e "s/^HOLD /$label /" \
	    -e "s/^IDLE mode=\([a-z]*\)/$label-\1 mode=\1/" "$out.out" >> "$RAW"
	if [ $rc != 0 ]; then
		grep -q "^$label.* failed=" "$RAW" || echo "$label failed=status-$rc" >> "$RAW"
		say "  $label: the client failed: $(tail -n 1 "$out.err")"
	else
		say "  $(sed 's/^[A-Z]* //' "$out.out" | tr '\n' ' ')"
	fi
	return 0
}

# app_sockets NAME: "pid:n …", the sockets each app process of server NAME
# holds (its FastCGI connections from lighttpd, plus the listening socket).
app_sockets() {
	local pgid_var=PGID_$1 pid out=""
	for pid in $(ps -e -o pid=,pgid=,comm= | awk -v g="${!pgid_var}" '$2 == g && $3 ~ /^ordersync/ { print $1 }'); do
		out="$out $pid:$(find "/proc/$pid/fd" -lname 'socket:*' 2>/dev/null | wc -l)"
	done
	echo "${out# }"
}
sum_pairs() { tr ' ' '\n' | sed -n 's/^[0-9]*://p' | sum; }

# held_scenario: the catalog page (scenario 6's request) with wrk on the held
# server without, then with HELD long-polls held on its 2 app processes,
# then without again once they are released (A-B-A: "without" is the mean
# of the two, so that a machine whose load drifts does not favour either
# side); the held requests are counted on the server's side (sockets per
# app process) before wrk starts and after it ends, and the processes'
# VmRSS and VmHWM read once wrk is done.
held_scenario() {
	local base=http://127.0.0.1:$PORT_held jar=$WORK/held.jar cart s0 s hpid i=0
	curl -fsS -o /dev/null -c "$jar" -H "$JSON" -d product_id=1 -d qty=1 "$base/cart/items"
	cart="Cookie: $(awk '!/^#/ && NF >= 7 { printf "%s%s=%s", sep, $6, $7; sep="; " }' "$jar")"
	say "bench: held: the catalog page without held requests"
	scenario s6-free held "$base/" -H "$cart" "${GETLUA[@]}"
	HELD_RSS_FREE="VmRSS $(rss_of held VmRSS); VmHWM $(rss_of held VmHWM)"
	s0=$(app_sockets held | sum_pairs)
	say "bench: held: opening $HELD long-polls (wait=$WAIT)"
	"$OUT/alert" -c "$SESSION_COOKIE" -n "$HELD" -W "$WAIT" -s 300 hold "$base" \
	    > "$WORK/alert-hold.out" 2> "$WORK/alert-hold.err" &
	hpid=$!
	while :; do
		s=$(app_sockets held | sum_pairs)
		[ $((s - s0)) -ge "$HELD" ] && break
		i=$((i + 1))
		if [ $i -gt 200 ] || ! kill -0 "$hpid" 2>/dev/null; then
			say "  held: only $((s - s0)) of $HELD requests reached the app after $((i / 10)) s"
			break
		fi
		sleep 0.1
	done
	HELD_SOCKS_START="$(app_sockets held) (sum $((s - s0)) above the $s0 before, after $((i / 10)).$((i % 10)) s)"
	say "bench: held: the catalog page with them held; sockets per app process $HELD_SOCKS_START"
	scenario s6-held held "$base/" -H "$cart" "${GETLUA[@]}"
	s=$(app_sockets held | sum_pairs)
	HELD_SOCKS_END="$(app_sockets held) (sum $((s - s0)) above the $s0 before)"
	HELD_RSS="$(rss_of held VmRSS)"
	HELD_HWM="$(rss_of held VmHWM)"
	kill -TERM "$hpid" 2>/dev/null || true
	wait "$hpid" 2>/dev/null || true
	sed -e 's/^HOLD /hold /' "$WORK/alert-hold.out" >> "$RAW"
	grep -q '^HOLD ' "$WORK/alert-hold.out" || {
		echo "hold failed=$(tail -n 1 "$WORK/alert-hold.err" | tr ' ' '_')" >> "$RAW"
		say "  hold: $(tail -n 1 "$WORK/alert-hold.err")"
	}
	say "  $(grep '^hold ' "$RAW" | tail -n 1)"
	say "  held: VmRSS $HELD_RSS, VmHWM $HELD_HWM (pid:kB); sockets at the end $HELD_SOCKS_END"
	# Then again without, once the app has let the held requests go. The
	# client has gone, but lighttpd 1.4 does not pass that on while it waits
	# for the app's answer (it keeps both connections), so the app holds
	# each request until its wait= is up: up to WAIT s more.
	i=0
	while [ "$(app_sockets held | sum_pairs)" -gt "$s0" ] && [ $i -lt $(( (WAIT + 10) * 10 )) ]; do
		sleep 0.1
		i=$((i + 1))
	done
	HELD_RELEASE="$((i / 10)).$((i % 10)) s after the client left, sockets $(app_sockets held)"
	say "  held: released $HELD_RELEASE"
	say "bench: held: the catalog page again, the held requests released"
	scenario s6-after held "$base/" -H "$cart" "${GETLUA[@]}"
}

# held_ratio KEY: KEY with the requests held ÷ the mean of KEY in the two runs without.
held_ratio() {
	awk -v h="$(afield s6-held "$1")" -v a="$(afield s6-free "$1")" -v b="$(afield s6-after "$1")" \
	    'BEGIN { m = (a + b) / 2; printf "%.2f", (m > 0 && h != "" ? h / m : 99) }'
}

# alert_scenarios: the latency rows one after the other (Nchan, then
# ordersync long-poll), then the 5 s polling row with the idle tabs running
# beside it on their own server (both mostly sleep: one request every few
# seconds), then the held long-polls.
alert_scenarios() {
	local idle_pid
	echo "alerts load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RAW"
	say "bench: alerts: Nchan long-poll, $ALERT_N messages"
	alert_client al-nchan -n "$ALERT_N" -o "$WORK/al-nchan.samples" nchan "http://127.0.0.1:$PORT_nchan"
	say "bench: alerts: ordersync long-poll (wait=$WAIT), $ALERT_N orders"
	alert_client al-lp -c "$SESSION_COOKIE" -n "$ALERT_N" -W "$WAIT" -o "$WORK/al-lp.samples" \
	    lp "http://127.0.0.1:$PORT_alert"
	say "bench: alerts: ordersync polling every ${POLL_MS} ms, $POLL_ORDERS orders at random phases (~$((POLL_ORDERS * POLL_MS / 1000)) s); two idle tabs for ${IDLE_SECS}s beside it"
	alert_client idle -c "$SESSION_COOKIE" -W "$WAIT" -i "$POLL_MS" -s "$IDLE_SECS" \
	    idle "http://127.0.0.1:$PORT_idle" &
	idle_pid=$!
	alert_client al-poll -c "$SESSION_COOKIE" -n "$POLL_ORDERS" -i "$POLL_MS" -o "$WORK/al-poll.samples" \
	    poll "http://127.0.0.1:$PORT_alert"
	wait "$idle_pid"
	held_scenario
	echo "alerts end load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RAW"
}

# ---- the report ----

# afield LABEL KEY: KEY of LABEL's (last) line, empty when none.
afield() { field "$1" "$2" | tail -n 1 || true; }

# alert_row NAME LABEL: one latency row.
alert_row() {
	local name=$1 l=$2 f
	f=$(afield "$l" failed)
	if [ -z "$(afield "$l" n)" ]; then
		echo "| $name | — | — | — | — | — | 0 | failed: ${f:-not run} | |"
		return
	fi
	printf '| %s | %s | %s | %s | %s / %s | %s / %s | %s | %s | %s; %s |\n' "$name" \
	    "$(ms "$(afield "$l" p50_us)")" "$(ms "$(afield "$l" p99_us)")" "$(ms "$(afield "$l" mean_us)")" \
	    "$(ms "$(afield "$l" min_us)")" "$(ms "$(afield "$l" max_us)")" \
	    "$(ms "$(afield "$l" p50_send_us)")" "$(ms "$(afield "$l" p99_send_us)")" \
	    "$(afield "$l" n)" "$(afield "$l" errors)" "$(afield "$l" sub_codes)" "$(afield "$l" pub_codes)"
}

# baseline_col NAME_PREFIX COLUMN: a value of $BASELINE's main table
# (COLUMN as awk counts it with -F'|': 3 req/s, 6 × ceiling B, 9 app CPU).
baseline_col() {
	[ -f "$BASELINE" ] || return 0
	awk -F'|' -v n=" $1" -v c="$2" 'index($2, n) == 1 { gsub(/ /, "", $c); print $c; exit }' "$BASELINE"
}

# feed_vs_baseline: one line per feed scenario, "label rb base_rb cpu base_cpu verdict".
FEED_ROWS="s1|1. feed, nothing new (304)|1. feed, nothing new (304)
s2|2. feed, one new event (200)|2. feed, one new event (200)
s1-big|5. feed 304 at $BIG orders|5. feed 304 at
s2-big|5. feed 1 event at $BIG orders|5. feed 1 event at"
feed_vs_baseline() {
	local l name pre rb cpu brb bcpu
	while IFS='|' read -r l name pre; do
		rb=$(ratio_median "$l" B)
		cpu=$(field "$l" cpu_us | median)
		brb=$(baseline_col "$pre" 6)
		bcpu=$(baseline_col "$pre" 9)
		awk -v l="$l" -v n="$name" -v rb="$rb" -v brb="${brb:-0}" -v cpu="$cpu" -v bcpu="${bcpu:-0}" 'BEGIN {
			if (brb == 0 || bcpu == 0) { printf "%s|%s|%.2f|—|%s|—|no baseline\n", l, n, rb, cpu; exit }
			okr = rb >= 0.9 * brb; okc = cpu <= 1.1 * bcpu
			printf "%s|%s|%.2f|%.2f|%s|%s|%s\n", l, n, rb, brb, cpu, bcpu, okc ? (okr ? "met" : "cpu") : "MISSED" }'
	done <<< "$FEED_ROWS"
}

# alert_sections: the report's sections for issue 17.
alert_sections() {
	local h0 h1 r99 rrps
	echo "## Order-to-alert latency with a waiting subscriber (issue 17)"
	echo
	echo "| row | p50 ms | p99 ms | mean ms | min / max ms | p50 / p99 ms from the order's send | samples | errors | statuses (subscriber; publisher) |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
	h0=$(afield al-lp wait_max)
	alert_row "ordersync long-poll (wait=$WAIT$( [ -n "$h0" ] && [ "$h0" != -1 ] && echo ", the server's wait_max $h0"))" al-lp
	alert_row "ordersync polling every $((POLL_MS / 1000)) s ($POLL_ORDERS orders at random phases, not $ALERT_N)" al-poll
	alert_row "Nchan long-poll (${NCHAN_LINE:-nginx + Nchan})" al-nchan
	echo
	echo "Measured by bench/alert.c (libcurl multi, CLOCK_MONOTONIC) on 127.0.0.1, one order (message) at a time."
	echo "A sample is the time from the answer to the order's POST /api/orders (the order has committed; for Nchan, the"
	echo "answer to POST /pub) to the answer of the subscriber's request that carries it; negative when the subscriber"
	echo "is answered first (Nchan answers its subscribers before the publisher). \"From the order's send\" adds the"
	echo "order's own round trip (its write, for ordersync an fsync'd SQLite transaction). Long-poll rows: the request"
	echo "waits at the head (ordersync: GET /admin/api/since?cursor=HEAD&epoch=E&wait=$WAIT with If-None-Match; Nchan: GET"
	echo "/sub, a longpoll subscriber) for a random 50-150 ms before the order is sent, and the next request starts at"
	echo "the new cursor before the next order; $ALERT_N samples after 3 warm-up ones. Polling row: the loop of"
	echo "static/js/poller.js against the real server (a feed request, the next one ${POLL_MS} ms after its answer), each"
	echo "order posted a uniformly random 0-${POLL_MS} ms after the previous order's alert, so at a random phase of the"
	echo "poll cycle; $POLL_ORDERS orders, not $ALERT_N, because each costs one ${POLL_MS} ms cycle of real time."
	echo
	echo "## $HELD held long-polls on 2 app processes"
	echo
	echo "| catalog GET / (customer, scenario 6's request) | req/s | p50 ms | p99 ms | errors | app CPU µs/req | statuses |"
	echo "|---|---:|---:|---:|---:|---:|---|"
	for h0 in "s6-free|without held requests" "s6-held|with $HELD long-polls held" \
	    "s6-after|without, once they were released"; do
		h1=${h0%%|*}
		printf '| %s | %.0f | %s | %s | %d | %s | %s |\n' "${h0#*|}" "$(afield "$h1" rps)" \
		    "$(ms "$(afield "$h1" p50_us)")" "$(ms "$(afield "$h1" p99_us)")" \
		    $(( $(afield "$h1" sock_errors) + $(afield "$h1" bad) )) "$(afield "$h1" cpu_us)" "$(afield "$h1" codes)"
	done
	echo "| with ÷ the mean of the two without | $(held_ratio rps) | $(held_ratio p50_us) | $(held_ratio p99_us) | | $(held_ratio cpu_us) | |"
	echo
	echo "- app processes (max-procs 2, the server's default threads): held requests counted on the server as the"
	echo "  sockets each app process holds (pid:n), when wrk started: $HELD_SOCKS_START; when it ended: $HELD_SOCKS_END"
	echo "- memory with the requests held, after wrk (pid:kB): VmRSS $HELD_RSS; VmHWM $HELD_HWM"
	echo "- the same processes before any held request, after the first wrk run: $HELD_RSS_FREE"
	echo "- the held requests left the app processes $HELD_RELEASE (lighttpd does not tell the app that a"
	echo "  client left while it waits for the answer: each stays until its wait= is up)"
	echo "- the holding client (bench/alert.c hold: $HELD tabs, wait=$WAIT, each asking again when answered): $(grep '^hold ' "$RAW" | tail -n 1 | sed 's/^hold //')"
	echo
	echo "wrk -t$THREADS -c$CONNS, ${WARMUP}s warm-up + ${DURATION}s each, one run each, back to back on the same server"
	echo "(without, with, without again: the load of a shared machine drifts, and the mean of the two runs without"
	echo "brackets the run with)."
	echo
	echo "## Requests per idle admin tab per minute"
	echo
	echo "| tab | requests in ${IDLE_SECS} s | requests per minute | statuses |"
	echo "|---|---:|---:|---|"
	for h0 in "idle-longpoll|long-poll (wait=$WAIT)" "idle-poll|polling every $((POLL_MS / 1000)) s"; do
		h1=${h0%%|*}
		if [ -n "$(afield "$h1" requests)" ] && [ -z "$(afield "$h1" failed)" ]; then
			echo "| ${h0#*|} | $(afield "$h1" requests) | $(afield "$h1" per_min) | $(afield "$h1" codes) |"
		else
			echo "| ${h0#*|} | — | — | failed: $(afield "$h1" failed | grep . || echo 'the client stopped') |"
		fi
	done
	echo
	echo "Two idle tabs side by side for ${IDLE_SECS} s on a server no order touches (bench/alert.c idle, the requests"
	echo "a tab's feed client sends, counted by the client). Requests per minute = (requests − 1) × 60 ÷ the time"
	echo "from the first request to the last: the steady rate, which a window cut at an arbitrary point of a"
	echo "${WAIT} s cycle would round up or down."
	echo
	if [ -f "$BASELINE" ] && grep -q '^s1 ' "$RAW"; then
		echo "## Feed scenarios against $BASELINE"
		echo
		echo "| scenario | × ceiling B now | then | app CPU µs/req now | then | within 10 % |"
		echo "|---|---:|---:|---:|---:|---|"
		feed_vs_baseline | while IFS='|' read -r _ name rb brb cpu bcpu v; do
			case $v in cpu) v="app CPU yes; × ceiling B no (load varied)" ;; met) v=yes ;; MISSED) v=NO ;; esac
			echo "| $name | $rb | $brb | $cpu | $bcpu | $v |"
		done
		echo
		echo "Within 10 %: app CPU µs/req at most 1.10 × then, and × ceiling B at least 0.90 × then (ratios to a"
		echo "ceiling of the same round, so that a busier machine moves them less than req/s)."
		echo
	fi
}

# alert_target_rows: the Targets table's rows for issue 17.
alert_target_rows() {
	local lp nc hwm r99 idle v fails
	lp=$(afield al-lp p50_us)
	nc=$(afield al-nchan p50_us)
	if [ -n "$lp" ] && [ -n "$nc" ]; then
		printf '| order-to-alert p50, long-poll ≤ Nchan p50 + 50 ms | %s ms vs %s + 50 ms | %s |\n' \
		    "$(ms "$lp")" "$(ms "$nc")" "$( [ "$lp" -le $((nc + 50000)) ] && echo met || echo MISSED)"
	else
		echo "| order-to-alert p50, long-poll ≤ Nchan p50 + 50 ms | not measured | MISSED |"
	fi
	hwm=$(echo "$HELD_HWM" | max_kb)
	printf '| %s held long-polls: VmHWM ≤ 64 MiB per app process | %.1f MiB (largest of 2) | %s |\n' "$HELD" \
	    "$(awk -v k="${hwm:-0}" 'BEGIN { print k / 1024 }')" \
	    "$( [ -n "$hwm" ] && [ "$hwm" -le 65536 ] && [ -z "$(afield hold failed)" ] && echo met || echo MISSED)"
	r99=$(held_ratio p99_us)
	printf '| catalog p99 with %s held ≤ 1.5 × without | %s× (%s vs %s and %s ms) | %s |\n' "$HELD" "$r99" \
	    "$(ms "$(afield s6-held p99_us)")" "$(ms "$(afield s6-free p99_us)")" "$(ms "$(afield s6-after p99_us)")" \
	    "$( [ -z "$(afield hold failed)" ] && [ "$(verdict "$r99" 1.5 '<=')" = met ] && echo met || echo MISSED)"
	idle=$(afield idle-longpoll per_min)
	if [ -n "$idle" ] && [ -z "$(afield idle-longpoll failed)" ]; then
		printf '| ≤ 2.4 requests per idle tab per minute (long-poll) | %s | %s |\n' "$idle" "$(verdict "$idle" 2.4 '<=')"
	else
		echo "| ≤ 2.4 requests per idle tab per minute (long-poll) | failed | MISSED |"
	fi
	if [ -f "$BASELINE" ] && grep -q '^s1 ' "$RAW"; then
		fails=$(feed_vs_baseline | awk -F'|' '$7 == "MISSED"' | wc -l)
		v=met
		feed_vs_baseline | awk -F'|' '$7 == "cpu"' | grep -q . && v="met in app CPU; × ceiling B outside 10 % (load varied)"
		[ "$fails" -gt 0 ] && v=MISSED
		printf '| feed scenarios 1, 2, 5 within 10 %% of %s | %s | %s |\n' "$(basename "$BASELINE")" \
		    "$(feed_vs_baseline | awk -F'|' '{ printf "%s%s: %s µs/req (then %s), %s × B (then %s)", (NR > 1 ? "; " : ""), $1, $5, $6, $3, $4 }')" "$v"
	fi
}

# alert_only (ONLY=alert): this section alone, on a fresh small database.
alert_only() {
	build
	LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
	make_db "$WORK/small.db" "$SMALL"
	alert_setup
	alert_scenarios
	LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
	{
		echo "# ordersync benchmark, alerts (issue 17) — $(date -u +%Y-%m-%d) $(date -u +%H:%M) UTC"
		echo
		echo "- machine: $(machine_line); commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
		echo "- load average $LOAD_START at start, $LOAD_END at end"
		echo
		alert_sections
		echo "| target | measured | |"
		echo "|---|---:|---|"
		alert_target_rows
	} | tee "$OUT/latest-alert.md"
	cp "$RAW" "$OUT/latest-alert.raw.log"
}
