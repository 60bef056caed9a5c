#!/bin/bash
# test_scale.sh — two app hosts behind haproxy on one PostgreSQL 15 (issue 16,
# make check-scale): the checkout race through the balancer, the feed read
# across hosts while orders pour in, the feed's commit-order proof, an app
# host killed mid-load, PostgreSQL restarted (then crashed: an immediate
# stop) mid-load; orders left unanswered are sent again with their key.
#
# Real servers, all on 127.0.0.1, in one temp dir: a throw-away cluster
# (tests/pg/pg.sh), two lighttpd + cgi/ordersync.fcgi pairs (the release
# build, SCALE_PROCS FastCGI processes each) sharing ORDERSYNC_DB, haproxy
# (round-robin, health checks on /healthz) from deploy/haproxy/ordersync.cfg.
# Everything is stopped by PID (process group) in the EXIT trap, even on
# failure; every wait is bounded and a watchdog ends the run after
# SCALE_TIMEOUT seconds (default 300).

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$TOP/tests/scale
APP_BIN=${APP_BIN:-$TOP/cgi/ordersync.fcgi}
CTL_BIN=${CTL_BIN:-$TOP/cgi/ordersyncctl}
export SCALE_PROCS=${SCALE_PROCS:-4}
PROCS=$SCALE_PROCS
export ORDERSYNC_ADMIN_EMAIL=admin@example.com
export ORDERSYNC_ADMIN_PASSWORD=correct-horse-battery
PASS=0 FAIL=0
T0=$(date +%s)
# Short: the cluster's unix socket path lives under it.
WORK=$(mktemp -d /tmp/os-scale.XXXXXX)
HOST_PGID=() HOST_PORT=() LB_PID= LB_PORT= WATCHDOG= READER=

. "$TOP/tests/pg/pg.sh"

cleanup() {
	local p
	trap - EXIT INT TERM
	[ -n "$WATCHDOG" ] && kill "$WATCHDOG" 2>/dev/null
	[ -n "$READER" ] && kill -KILL "$READER" 2>/dev/null
	[ -n "$LB_PID" ] && kill -TERM -- "-$LB_PID" 2>/dev/null
	for p in "${HOST_PGID[@]}"; do
		[ -n "$p" ] && kill -TERM -- "-$p" 2>/dev/null
	done
	sleep 0.3
	[ -n "$LB_PID" ] && kill -KILL -- "-$LB_PID" 2>/dev/null
	for p in "${HOST_PGID[@]}"; do
		[ -n "$p" ] && kill -KILL -- "-$p" 2>/dev/null
	done
	pg_stop
	if [ "$FAIL" -gt 0 ]; then
		for p in 1 2; do
			[ -f "$WORK/host$p/error.log" ] || continue
			echo "--- host $p error log (last 15 lines):"
			tail -n 15 "$WORK/host$p/error.log"
		done
	fi
	[ -n "${SCALE_KEEP:-}" ] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "test_scale.sh: interrupted"; FAIL=$((FAIL + 1)); exit 1' INT TERM
# A reader of our output that went away (| head) must not skip the cleanup.
trap 'trap "" PIPE; FAIL=$((FAIL + 1)); exit 1' PIPE
# The watchdog: the whole run is bounded.
(
	trap 'kill "$s" 2>/dev/null; exit 0' TERM
	sleep "${SCALE_TIMEOUT:-300}" & s=$!
	wait "$s" && { echo "test_scale.sh: over ${SCALE_TIMEOUT:-300}s, stopping"; kill -TERM $$; }
) &
WATCHDOG=$!

ok()   { PASS=$((PASS + 1)); echo "ok   - $1"; }
nok()  { FAIL=$((FAIL + 1)); echo "FAIL - $1"; [ -n "${2:-}" ] && echo "       $2"; return 0; }
check() { if [ "$1" = "$2" ]; then ok "$3"; else nok "$3" "got '$1', want '$2'${4:+; $4}"; fi; }
die()  { nok "$1" "${2:-}"; exit 1; }
q()    { psql -X -q -A -t -v ON_ERROR_STOP=1 -c "$1"; }
free_port() { _pg_free_port; }

# wait_for SECONDS COMMAND...: runs COMMAND every 0.1 s until it succeeds.
wait_for() {
	local n=$(($1 * 10))
	shift
	while ! "$@" 2>/dev/null; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.1
	done
}
lines_ge() { [ "$(wc -l < "$1")" -ge "$2" ]; }
healthy() { curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$1/healthz"; }

# start_host N: lighttpd + PROCS FastCGI processes of the release binary on
# a free port, in their own process group (HOST_PGID[N]); the same database.
start_host() {
	local n=$1 dir=$WORK/host$1 try port pid
	mkdir -p "$dir"
	for try in 1 2 3; do
		port=${HOST_PORT[$n]:-$(free_port)}
		cat > "$dir/lighttpd.conf" <<-EOC
		server.bind		= "127.0.0.1"
		server.port		= $port
		server.document-root	= "$TOP/static"
		server.errorlog		= "$dir/error.log"
		server.max-request-size	= 128
		var.ordersync_base	= ""
		var.ordersync_bin	= "$APP_BIN"
		var.ordersync_share	= "$TOP"
		var.ordersync_db	= "$DB_URI"
		var.ordersync_socket	= "$dir/app.sock"
		var.ordersync_procs	= $PROCS
		var.ordersync_poll_ms	= "5000"
		var.ordersync_lang	= "en"
		var.ordersync_shop_name	= "scale test"
		include "$TOP/deploy/lighttpd/ordersync.conf"
		EOC
		[ "$(id -u)" = 0 ] && echo 'server.username = ""' >> "$dir/lighttpd.conf"
		setsid lighttpd -D -f "$dir/lighttpd.conf" 2>>"$dir/error.log" &
		pid=$!
		disown "$pid"
		if wait_for 20 healthy "$port"; then
			HOST_PGID[$n]=$pid HOST_PORT[$n]=$port
			return 0
		fi
		kill -KILL -- "-$pid" 2>/dev/null
		grep -q "Address already in use" "$dir/error.log" || break
		HOST_PORT[$n]=
	done
	echo "host $n did not come up; its log:"; tail -n 20 "$dir/error.log"
	return 1
}

# order URL KEY SKU [OUTPREFIX]: one API order; prints "STATUS NUMBER RETRY-AFTER".
order() {
	local url=$1 key=$2 sku=$3 h b st num ra
	h=$WORK/o/$key.h b=$WORK/o/$key.b
	st=$(curl -sS -m 30 -o "$b" -D "$h" -w '%{http_code}' -X POST \
	    -H 'Content-Type: application/json' -H "Idempotency-Key: $key" \
	    --data "{\"customer\":{\"name\":\"Buyer $key\",\"email\":\"$key@example.com\"},\"items\":[{\"sku\":\"$sku\",\"qty\":1}]}" \
	    "$url/api/orders" 2>/dev/null) || st=${st:-000}
	[ -n "$st" ] || st=000
	num=$(sed -n 's/.*"number":"\([A-Z0-9-]*\)".*/\1/p' "$b" | head -n 1)
	ra=$(tr -d '\r' < "$h" 2>/dev/null | sed -n 's/^[Rr]etry-[Aa]fter: //p' | head -n 1)
	echo "$st ${num:--} ${ra:--}"
}
export -f order
export WORK

# load FILE N PARALLEL URL PREFIX SKU: N orders, PARALLEL at a time; one
# "KEY STATUS NUMBER RETRY-AFTER" line per order in FILE as each finishes.
load() {
	local file=$1 n=$2 par=$3 url=$4 prefix=$5 sku=$6
	seq 1 "$n" | xargs -P "$par" -I{} bash -c \
	    'r=$(order "$0" "$1-{}" "$2"); echo "$1-{} $r" >> "$3"' "$url" "$prefix" "$sku" "$file"
}
# load_until FILE PARALLEL URL PREFIX SKU STOPFILE: PARALLEL workers each
# placing orders one after another (keys PREFIX-W-I) until STOPFILE exists
# (at most 400 each); lines in FILE as load writes them.
load_until() {
	local file=$1 par=$2 url=$3 prefix=$4 sku=$5 stop=$6 w
	for w in $(seq 1 "$par"); do
		(
			i=0
			while [ ! -e "$stop" ] && [ $i -lt 400 ]; do
				i=$((i + 1))
				echo "$prefix-$w-$i $(order "$url" "$prefix-$w-$i" "$sku")" >> "$file"
			done
		) &
	done
	wait
}
# db_missing FILE: the 201'd order numbers of FILE missing from the orders table
# (one a line).
db_missing() {
	awk '$2 == 201 { print $3 }' "$1" | sort -u > "$1.acked"
	q "SELECT number FROM orders" | sort -u > "$1.db"
	comm -23 "$1.acked" "$1.db"
}
# served N: orders host N has logged as created.
served() { grep -c 'created through the API' "$WORK/host$1/error.log" 2>/dev/null; }
# retry_failed FILE URL SKU NAME: sends every order of FILE that did not get a
# 201 again, with the same Idempotency-Key, as a client does after a 503
# (Retry-After) or a cut connection; then checks that each is answered 201
# (it had not been made) or 200 (the replay of the one made), and that the
# database holds exactly one order per key of FILE.
retry_failed() {
	local file=$1 url=$2 sku=$3 name=$4 key rest bad n
	: > "$file.retry"
	awk '$2 != 201 { print $1 }' "$file" | while read -r key; do
		echo "$key $(order "$url" "$key" "$sku")" >> "$file.retry"
	done
	n=$(wc -l < "$file.retry")
	bad=$(awk '$2 != 201 && $2 != 200 { print $1 " " $2 }' "$file.retry" | head -n 3 | tr '\n' ' ')
	[ -z "$bad" ] && ok "$name: the $n unanswered orders sent again with their key: each 201 or 200 (replay: $(count_status "$file.retry" 200))" ||
	    nok "$name: the unanswered orders sent again with their key: 201 or 200" "$bad"
	cut -d' ' -f1 "$file" | sed 's/$/@example.com/' | sort > "$file.keys"
	q "SELECT email FROM orders" | sort > "$file.emails"
	check "$(join "$file.keys" "$file.emails" | wc -l)" "$(wc -l < "$file.keys")" \
	    "$name: exactly one order per key in the database ($(wc -l < "$file.keys")): nothing lost, nothing twice"
}
count_status() { awk -v s="$2" '$2 == s' "$1" | wc -l; }

mkdir -p "$WORK/o"
for bin in "$APP_BIN" "$CTL_BIN"; do
	[ -x "$bin" ] || die "$bin is built" "run make -j2 first"
done
for c in lighttpd haproxy python3 curl; do
	command -v "$c" >/dev/null || die "$c is installed" "make deps-pg"
done

# ---- PostgreSQL, the database, two hosts, haproxy ----
# A port found free can be taken before the server binds it (suites run
# side by side): then again on another port, in a fresh directory, twice.
for try in 1 2 3; do
	pg_start "$WORK/pg$try" --tcp --db postgres_scale >/dev/null 2>"$WORK/pg_start.err" && break
	grep -q 'Address already in use' "$WORK/pg_start.err" && [ $try -lt 3 ] ||
		die "PostgreSQL 15 starts" "$(tail -n 5 "$WORK/pg_start.err")"
	echo "       port taken; PostgreSQL tries another"
done
export PGDATABASE=shop
psql -X -q -d postgres -c "CREATE DATABASE shop TEMPLATE template0 LOCALE 'C.UTF-8'" ||
	die "CREATE DATABASE shop"
DB_URI="postgresql://$PGUSER@127.0.0.1:$PGPORT/shop"
"$CTL_BIN" --db "$DB_URI" init >/dev/null || die "ordersyncctl init on PostgreSQL"
printf '%s\n' "$ORDERSYNC_ADMIN_PASSWORD" |
    "$CTL_BIN" --db "$DB_URI" user add "$ORDERSYNC_ADMIN_EMAIL" --role admin >/dev/null ||
	die "ordersyncctl user add on PostgreSQL"
# Our own products (not the demo catalog): a scarce one, a plentiful one.
q "INSERT INTO products (store_id, sku, name, price_cents, stock) VALUES
    (1, 'RACE-1', 'Ten units', 1500, 10), (1, 'LOAD-1', 'Plenty', 250, 100000)" >/dev/null ||
	die "test products inserted"
ok "PostgreSQL $(q 'SHOW server_version' | cut -d' ' -f1), database shop ($(q 'SELECT datcollate FROM pg_database WHERE datname = current_database()'))"

start_host 1 || die "app host 1 starts"
start_host 2 || die "app host 2 starts"
H1=http://127.0.0.1:${HOST_PORT[1]} H2=http://127.0.0.1:${HOST_PORT[2]}
ok "two app hosts answer /healthz (ports ${HOST_PORT[1]}, ${HOST_PORT[2]}; $PROCS FastCGI processes each)"

# deploy/haproxy/ordersync.cfg with faster health checks (a test cannot
# wait 4 s to see a host go).
sed -e 's/inter 2s fall 2 rise 2/inter 300ms fall 2 rise 2/' \
    "$TOP/deploy/haproxy/ordersync.cfg" > "$WORK/haproxy.cfg"
grep -q 'inter 300ms' "$WORK/haproxy.cfg" ||
	die "the haproxy config has the health check line" "deploy/haproxy/ordersync.cfg changed: update the sed above"
export ORDERSYNC_APP1=127.0.0.1:${HOST_PORT[1]} ORDERSYNC_APP2=127.0.0.1:${HOST_PORT[2]}
for try in 1 2 3; do
	LB_PORT=$(free_port)
	export ORDERSYNC_LB_BIND=127.0.0.1:$LB_PORT
	haproxy -c -q -f "$WORK/haproxy.cfg" || die "the haproxy config is valid"
	setsid haproxy -W -db -f "$WORK/haproxy.cfg" > "$WORK/haproxy.log" 2>&1 &
	LB_PID=$!
	disown "$LB_PID"
	wait_for 20 healthy "$LB_PORT" && break
	kill -KILL -- "-$LB_PID" 2>/dev/null
	LB_PID=
	grep -qi 'cannot bind' "$WORK/haproxy.log" && [ $try -lt 3 ] ||
		die "haproxy answers" "$(tail -n 5 "$WORK/haproxy.log")"
	echo "       port $LB_PORT taken; haproxy tries another"
done
LB=http://127.0.0.1:$LB_PORT
ok "haproxy in front (port $LB_PORT)"

# ---- 1. 50 buyers race for 10 units through the balancer ----
t=$(date +%s)
: > "$WORK/race"
load "$WORK/race" 50 50 "$LB" race RACE-1
check "$(count_status "$WORK/race" 201)" 10 "race: 50 buyers through haproxy, exactly 10 orders (201)"
check "$(count_status "$WORK/race" 409)" 40 "race: the other 40 are a clean 409" \
    "statuses: $(awk '{print $2}' "$WORK/race" | sort | uniq -c | tr -s ' \n' ' ')"
check "$(q "SELECT stock FROM products WHERE sku = 'RACE-1'")" 0 "race: the stock is 0"
check "$(q "SELECT count(*) FROM order_items WHERE sku = 'RACE-1'")" 10 "race: 10 orders hold the product"
check "$(db_missing "$WORK/race" | wc -l)" 0 "race: every 201 is in the database"
grep -h '"error"' "$WORK"/o/race-*.b 2>/dev/null | sort | uniq -c | head -n 3 | sed 's/^/       409 bodies: /'
echo "       race: $(($(date +%s) - t)) s"

# ---- 2. 200 orders through both hosts while a reader alternates hosts ----
t=$(date +%s)
HEAD0=$(q "SELECT coalesce(max(id), 0) FROM order_events")
rm -f "$WORK/stop2"
python3 "$HERE/feed_reader.py" "$WORK/feed2" "$WORK/stop2" "$H1" "$H2" 2>"$WORK/reader2.err" &
READER=$!
if wait_for 30 test -s "$WORK/feed2.ready"; then
	: > "$WORK/load2"
	s1=$(served 1) s2=$(served 2)
	load "$WORK/load2" 200 16 "$LB" load2 LOAD-1
	s1=$(($(served 1) - s1)) s2=$(($(served 2) - s2))
	[ "$s1" -gt 0 ] && [ "$s2" -gt 0 ] && ok "feed: haproxy spread the orders over both hosts ($s1 + $s2)" ||
	    nok "feed: haproxy spread the orders over both hosts" "$s1 + $s2"
	touch "$WORK/stop2"
	n=300
	while kill -0 "$READER" 2>/dev/null && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
	kill -0 "$READER" 2>/dev/null && { kill -KILL "$READER"; nok "feed: the reader drains within 30 s"; }
	wait "$READER" 2>/dev/null
	READER=
	check "$(count_status "$WORK/load2" 201)" 200 "feed: 200 concurrent orders through both hosts, all 201" \
	    "statuses: $(awk '{print $2}' "$WORK/load2" | sort | uniq -c | tr -s ' \n' ' ')"
	if [ -s "$WORK/feed2" ]; then
		tail -n 1 "$WORK/feed2" | grep -q '^end [0-9]* 0 ' &&
		    ok "feed: every poll answered 200, no reset ($(tail -n 1 "$WORK/feed2" | cut -d' ' -f2) polls)" ||
		    nok "feed: every poll answered 200, no reset" "$(tail -n 1 "$WORK/feed2")"
		sed '$d' "$WORK/feed2" > "$WORK/feed2.ev"
		check "$(cut -d' ' -f1 "$WORK/feed2.ev" | awk 'NR > 1 && $1 <= p { bad++ } { p = $1 } END { print bad + 0 }')" 0 \
		    "feed: ids strictly increasing across hosts"
		check "$(awk '{print $4}' "$WORK/feed2.ev" | sort -u | wc -l)" 2 "feed: events were read from both hosts"
		awk '$2 == "order_created" { print $3 }' "$WORK/feed2.ev" | sort > "$WORK/feed2.seen"
		check "$(sort -u "$WORK/feed2.seen" | wc -l)" "$(wc -l < "$WORK/feed2.seen")" "feed: no order seen twice"
		q "SELECT o.number FROM order_events e JOIN orders o ON o.id = e.order_id
		    WHERE e.id > $HEAD0 AND e.type = 'order_created'" | sort > "$WORK/feed2.db"
		check "$(wc -l < "$WORK/feed2.db")" 200 "feed: 200 order_created events in the database"
		check "$(comm -3 "$WORK/feed2.seen" "$WORK/feed2.db" | wc -l)" 0 \
		    "feed: the reader saw exactly the database's order_created events" \
		    "differ: $(comm -3 "$WORK/feed2.seen" "$WORK/feed2.db" | head -n 5 | tr '\n' ' ')"
		q "SELECT id FROM order_events WHERE id > $HEAD0 ORDER BY id" > "$WORK/feed2.dbids"
		check "$(cut -d' ' -f1 "$WORK/feed2.ev" | diff - "$WORK/feed2.dbids" | grep -c '^[<>]')" 0 \
		    "feed: none skipped: the ids read are the database's event ids ($(wc -l < "$WORK/feed2.dbids"))"
		check "$(db_missing "$WORK/load2" | wc -l)" 0 "feed: every 201 is in the database"
	else
		nok "feed: the reader wrote what it saw" "$(tail -n 5 "$WORK/reader2.err")"
	fi
else
	nok "feed: the reader signs in and reads the head" "$(tail -n 5 "$WORK/reader2.err")"
	kill -KILL "$READER" 2>/dev/null; READER=
fi
echo "       feed: $(($(date +%s) - t)) s"

# ---- 2b. the 304 path across hosts: no cache trusted across hosts ----
out=$(timeout 60 python3 "$HERE/etag_check.py" "$H1" "$H2" LOAD-1 2>&1)
PASS=$((PASS + $(echo "$out" | grep -c '^ok   - ')))
FAIL=$((FAIL + $(echo "$out" | grep -c '^FAIL - ')))
echo "$out" | grep -q '^ok   - \|^FAIL - ' || nok "etag: etag_check.py ran" "$(echo "$out" | tail -n 3)"
echo "$out"

# ---- 3. the commit-order proof: a naive writer skips, the feed lock does not ----
t=$(date +%s)
OID=$(q "SELECT min(order_id) FROM order_events WHERE type = 'order_created'")
for mode in naive locked; do
	if [ -z "$OID" ]; then nok "commit order ($mode): an order to copy"; continue; fi
	out=$(timeout 60 python3 "$HERE/naive_writer.py" "$mode" "$OID" "$H1" "$H2" 2>&1)
	rc=$?
	echo "$out" | grep -v '^ok   - \|^FAIL - ' | sed 's/^/       /' | head -n 10
	PASS=$((PASS + $(echo "$out" | grep -c '^ok   - ')))
	FAIL=$((FAIL + $(echo "$out" | grep -c '^FAIL - ')))
	echo "$out" | grep '^ok   - \|^FAIL - \|^       '
	[ $rc = 0 ] || [ "$(echo "$out" | grep -c '^FAIL - ')" -gt 0 ] ||
		nok "commit order ($mode): naive_writer.py ran" "exit $rc"
done
echo "       commit order: $(($(date +%s) - t)) s"

# ---- 4. one app host killed mid-load ----
t=$(date +%s)
: > "$WORK/load4"
load "$WORK/load4" 150 8 "$LB" load4 LOAD-1 &
L4=$!
wait_for 60 lines_ge "$WORK/load4" 40 || nok "kill: 40 orders placed before the kill"
kill -KILL -- "-${HOST_PGID[2]}" 2>/dev/null
killed_at=$(wc -l < "$WORK/load4")
HOST_PGID[2]=
healthy "${HOST_PORT[2]}" 2>/dev/null && nok "kill: host 2 is gone (kill -9 of its lighttpd and FastCGI processes)" ||
    ok "kill: host 2 is gone (kill -9 of its lighttpd and FastCGI processes)"
if wait_for 20 grep -q 'app_hosts/app2 is DOWN' "$WORK/haproxy.log"; then
	ok "kill: haproxy takes host 2 out (health check)"
else
	nok "kill: haproxy takes host 2 out (health check)" "$(tail -n 3 "$WORK/haproxy.log")"
fi
down_at=$(wc -l < "$WORK/load4")
n=600
while kill -0 "$L4" 2>/dev/null && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
kill -0 "$L4" 2>/dev/null && nok "kill: the load ends within 60 s"
wait "$L4" 2>/dev/null
c201=$(count_status "$WORK/load4" 201)
echo "       kill: host 2 killed after $killed_at answers, marked down after $down_at; statuses: $(awk '{print $2}' "$WORK/load4" | sort | uniq -c | tr -s ' \n' ' ')"
check "$(wc -l < "$WORK/load4")" 150 "kill: all 150 requests answered"
check "$(awk '$2 != 201 && $2 != 502 && $2 != 503 && $2 != 504' "$WORK/load4" | wc -l)" 0 \
    "kill: no answer other than 201 or the balancer's 502/503/504 for requests caught in the kill"
check "$(awk -v d="$down_at" 'NR > d + 8 && $2 != 201' "$WORK/load4" | wc -l)" 0 \
    "kill: once host 2 is out, every order succeeds (201) through host 1"
check "$(db_missing "$WORK/load4" | wc -l)" 0 "kill: every 201 ($c201) is in the database"
retry_failed "$WORK/load4" "$LB" LOAD-1 kill
[ "$killed_at" -lt 150 ] && ok "kill: the host died mid-load (after $killed_at of 150 answers)" ||
    nok "kill: the host died mid-load" "after $killed_at of 150 answers"
# Host 2 comes back on its port: haproxy takes it in again (rise 2).
app2_ups_gt() { [ "$(grep -c 'app_hosts/app2 is UP' "$WORK/haproxy.log")" -gt "$1" ]; }
ups=$(grep -c 'app_hosts/app2 is UP' "$WORK/haproxy.log")
if start_host 2; then
	wait_for 20 app2_ups_gt "$ups" &&
	    ok "kill: host 2 restarted, haproxy takes it back" ||
	    nok "kill: host 2 restarted, haproxy takes it back" "$(tail -n 3 "$WORK/haproxy.log")"
else
	nok "kill: host 2 starts again"
fi
echo "       kill: $(($(date +%s) - t)) s"

# ---- 5. PostgreSQL restarted mid-load: fast (sessions ended), then
# immediate (a crash: recovery replays the WAL; a 201 was fsynced) ----
# restart_under_load MODE TAG
restart_under_load() {
local mode=$1 tag=$2 t L5 restart_at restarted_at n a201 a503 total
t=$(date +%s)
: > "$WORK/$tag"
# Straight to the app hosts, half each: the app's own answers are under
# test (haproxy answers a bare 503 of its own while no host is healthy).
# The load goes on until 40 answers came after PostgreSQL is back (or 400
# orders per worker): mid-load by construction, whatever the timing.
rm -f "$WORK/$tag.stop"
( load_until "$WORK/$tag" 4 "$H1" ${tag}a LOAD-1 "$WORK/$tag.stop" &
  load_until "$WORK/$tag" 4 "$H2" ${tag}b LOAD-1 "$WORK/$tag.stop" & wait ) &
L5=$!
wait_for 60 lines_ge "$WORK/$tag" 30 || nok "$tag: 30 orders placed before the restart"
restart_at=$(wc -l < "$WORK/$tag")
pg_restart "$mode" && ok "$tag: PostgreSQL restarted ($mode) mid-load" || nok "$tag: PostgreSQL restarted ($mode) mid-load"
restarted_at=$(wc -l < "$WORK/$tag")
wait_for 60 lines_ge "$WORK/$tag" $((restarted_at + 40)) || nok "$tag: 40 answers after the restart"
touch "$WORK/$tag.stop"
n=900
while kill -0 "$L5" 2>/dev/null && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
kill -0 "$L5" 2>/dev/null && nok "$tag: the load ends within 90 s"
wait "$L5" 2>/dev/null
echo "       $tag: at answer $restart_at, back by $restarted_at; statuses: $(awk '{print $2}' "$WORK/$tag" | sort | uniq -c | tr -s ' \n' ' ')"
total=$(wc -l < "$WORK/$tag")
check "$(awk -v r="$restarted_at" 'NR > r && $2 == 201' "$WORK/$tag" | wc -l | awk '$1 > 0 { print "yes" }')" yes \
    "$tag: orders succeed again while the load goes on (answers $((restarted_at + 1))..$total)"
check "$(awk '$2 != 201 && $2 != 503' "$WORK/$tag" | wc -l)" 0 \
    "$tag: every answer is 201 or 503, never a 500 or a hang (curl -m 30)" \
    "$(awk '$2 != 201 && $2 != 503 { print $2 }' "$WORK/$tag" | sort | uniq -c | tr -s ' \n' ' ')"
check "$(awk '$2 == 503 && $4 == "-"' "$WORK/$tag" | wc -l)" 0 "$tag: every 503 has a Retry-After"
# After it: the app reconnects. A FastCGI process whose connection died
# notices on its next statement and answers that request 503 (then
# reconnects), so up to PROCS such answers; every other one is a 201.
: > "$WORK/$tag.after"
load "$WORK/$tag.after" 10 1 "$H1" ${tag}-aftera LOAD-1
load "$WORK/$tag.after" 10 1 "$H2" ${tag}-afterb LOAD-1
a201=$(count_status "$WORK/$tag.after" 201) a503=$(count_status "$WORK/$tag.after" 503)
[ "$a201" -ge $((20 - 2 * PROCS)) ] && [ $((a201 + a503)) = 20 ] &&
    ok "$tag: afterwards orders succeed again ($a201 of 20 sequential; $a503 503: one per process with a dead connection at most)" ||
    nok "$tag: afterwards orders succeed again (at most $((2 * PROCS)) 503s in 20)" "$(awk '{print $2}' "$WORK/$tag.after" | tr '\n' ' ')"
check "$(sed -n '10p;20p' "$WORK/$tag.after" | awk '$2 == 201' | wc -l)" 2 "$tag: the last order afterwards on each host is 201"
cat "$WORK/$tag.after" >> "$WORK/$tag"
check "$(db_missing "$WORK/$tag" | wc -l)" 0 "$tag: every 201 ($(count_status "$WORK/$tag" 201)) is in the database"
retry_failed "$WORK/$tag" "$H1" LOAD-1 "$tag"
echo "       $tag: $(($(date +%s) - t)) s"
}
restart_under_load fast restart
restart_under_load immediate crash

# The app's own errors, whatever the outcome (a query the engine refused
# shows here even when no check depends on it).
for h in 1 2; do
	grep -h ' error ' "$WORK/host$h/error.log" 2>/dev/null | grep -v 'connection to PostgreSQL is lost' |
	    sed 's/^.*ordersync\[[0-9]*\] error [-0-9a-f]*: //' | cut -c1-160
done | sort | uniq -c | sort -rn | head -n 6 | sed 's/^/       app error: /'
echo "test_scale.sh: $PASS passed, $FAIL failed in $(($(date +%s) - T0)) s"
[ "$FAIL" -eq 0 ]
