#!/bin/bash
# run.sh — `make bench`: wrk against ordersync behind lighttpd, beside two ceilings measured in the same run.
#
# Environment (all optional):
#   QUICK=1       development mode: 1 round, 1 s warm-up, 3 s per scenario, 20 000
#                 orders instead of 1 000 000 for the growth scenario, no leak run
#   ROUNDS=N      rounds of the whole scenario set (default 3; the median is quoted)
#   DURATION=S    seconds per measured run (default 10), WARMUP=S (default 2)
#   BIG=N         orders (and events) of the growth database (default 1000000)
#   LEAK=0|1      the 2-minute scenario-2 run sampling VmRSS (default 1, QUICK: 0)
#   LEAK_SECS=S   its length (default 120)
#   PROCS=N       FastCGI processes per lighttpd (default 2, as `make run`)
#   THREADS, CONNS  wrk -t / -c (default 2 / 64)
#   ONLY=import   only scenario 7 (the 10,000-line CSV import), ROUNDS times: no
#                 wrk, no growth database; well under a minute
#   ONLY=search   only scenario 9 (search at SEARCH_N orders), ROUNDS times
#   SEARCH_N=N    orders of scenario 9's database (default 1000000, QUICK: 20000);
#   SEARCH=0      skips scenario 9 in the full run (its seeding takes 1.5 to 3 min)
#   PG=0          skips the PostgreSQL column (scenarios 1, 2 and 4 on a throw-away
#                 PostgreSQL 15 cluster, tests/pg/pg.sh; default 1)
#   PG_NET=unix   the app reaches PostgreSQL through its unix socket instead of
#                 TCP on 127.0.0.1 (default tcp: what several hosts would do)
#   ONLY=pg       only the ceilings and scenarios 1, 2 and 4 on both engines,
#                 ROUNDS times: the PostgreSQL column beside the SQLite one
#   ALERT=0, ALERT_N, POLL_ORDERS, HELD, IDLE_SECS, WAIT, BASELINE: issue 17's
#                 section (alert latency beside Nchan, held long-polls, idle
#                 tabs), see bench/alerts.sh
#   ONLY=alert    only that section (about 5 min; QUICK=1: about 2 min)
#   CC, BENCH_CFLAGS, BENCH_LIBS  set by the Makefile's bench target
#
# Everything listens on 127.0.0.1 only; every load is bounded by wrk -d.
# Writes bench/results/latest.md (git-ignored) and prints it. It reports and
# never judges: the exit status is 0 whether targets are met or not, and
# non-zero only when the benchmark itself could not run.
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$TOP"

QUICK=${QUICK:-0}
if [ "$QUICK" = 1 ]; then
	ROUNDS=${ROUNDS:-1} DURATION=${DURATION:-3} WARMUP=${WARMUP:-1}
	BIG=${BIG:-20000} LEAK=${LEAK:-0} LEAK_SECS=${LEAK_SECS:-30}
	SEARCH_N=${SEARCH_N:-20000}
fi
SEARCH_N=${SEARCH_N:-1000000}
SEARCH=${SEARCH:-1}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
BIG=${BIG:-1000000}
SMALL=1000
LEAK=${LEAK:-1}
LEAK_SECS=${LEAK_SECS:-120}
PROCS=${PROCS:-2}
THREADS=${THREADS:-2}
CONNS=${CONNS:-64}
CC=${CC:-cc}
PKGS="fcgi sqlite3 json-c libsodium gmime-3.0 vips libcurl libpq"
BENCH_CFLAGS=${BENCH_CFLAGS:-"-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -DNDEBUG $(pkg-config --cflags $PKGS)"}
BENCH_LIBS=${BENCH_LIBS:-"$(pkg-config --libs $PKGS) -lcsv"}
export BENCH_LUA_DIR=$TOP/bench/lua

for tool in wrk lighttpd sqlite3 curl b2sum; do
	command -v $tool >/dev/null || { echo "bench: $tool is not installed (make deps-bench)" >&2; exit 1; }
done
PG=${PG:-1}
PG_NET=${PG_NET:-tcp}
[ "${ONLY:-}" = pg ] && PG=1
# pg_start, pg_stop (by PID) and PG_BIN: the tests' throw-away cluster.
. "$TOP/tests/pg/pg.sh"
if [ "$PG" = 1 ]; then
	{ [ -x "$PG_BIN/initdb" ] && command -v psql >/dev/null; } ||
		{ echo "bench: PostgreSQL 15 is not installed (make deps-pg, or PG=0)" >&2; exit 1; }
fi

OUT=$TOP/build/bench
WORK=$(mktemp -d /tmp/ordersync-bench.XXXXXX)
RAW=$WORK/raw.log
PGIDS=()

cleanup() {
	local g
	for g in "${PGIDS[@]}"; do
		kill -TERM -- "-$g" 2>/dev/null || true
	done
	sleep 0.3
	for g in "${PGIDS[@]}"; do
		kill -KILL -- "-$g" 2>/dev/null || true
	done
	pg_stop		# by PID; nothing when no cluster runs
	# The servers' logs outlive the run (a crash or a 5xx is read there).
	rm -rf "$OUT/logs"
	mkdir -p "$OUT/logs"
	for f in "$WORK"/srv-*/error.log "$WORK"/nchan/logs/error.log; do
		[ -f "$f" ] && cp "$f" "$OUT/logs/$(basename "$(dirname "$f")" | sed 's/^logs$/nchan/').log"
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '%s\n' "$*" >&2; }

# ---- build: -O2 -DNDEBUG, no sanitizers, into build/bench/ ----

build() {
	local src obj objs=() pids=() s
	mkdir -p "$OUT"
	for s in schema_sql schema_pg_sql; do
		[ -f build/$s.c ] || { echo "bench: build/$s.c missing (run through make bench)" >&2; exit 1; }
		# A copy: a `make clean` elsewhere in the tree must not pull it away mid-build.
		cp build/$s.c "$OUT/$s.c"
	done
	say "bench: building the app, the CLI and hello with -O2 -DNDEBUG into build/bench/"
	for src in cgi/*.c "$OUT/schema_sql.c" "$OUT/schema_pg_sql.c"; do
		case $src in cgi/main.c|cgi/ctl*.c) continue ;; esac
		obj=$OUT/$(basename "${src%.c}").o
		objs+=("$obj")
		# -iquote: cgi/csv.h must not hide libcsv's <csv.h>.
		$CC $BENCH_CFLAGS -iquote cgi -c -o "$obj" "$src" &
		pids+=($!)
		if [ ${#pids[@]} -ge 2 ]; then
			wait "${pids[0]}"
			pids=("${pids[@]:1}")
		fi
	done
	for s in "${pids[@]}"; do wait "$s"; done
	$CC $BENCH_CFLAGS -o "$OUT/ordersync.fcgi" cgi/main.c "${objs[@]}" $BENCH_LIBS
	$CC $BENCH_CFLAGS -o "$OUT/ordersyncctl" cgi/ctl*.c "${objs[@]}" $BENCH_LIBS
	$CC $BENCH_CFLAGS -o "$OUT/hello.fcgi" bench/hello.c $BENCH_LIBS
	$CC $BENCH_CFLAGS -o "$OUT/alert" bench/alert.c $BENCH_LIBS
	# The photos of scenario 8, made with libvips as the tests make theirs.
	$CC -std=c11 -O1 -o "$OUT/mkphotos" tests/integration/mkphotos.c \
	    $(pkg-config --cflags --libs vips)
}

# ---- servers ----

free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 40000))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
}

ADMIN_EMAIL=admin@example.com
ADMIN_PASSWORD=bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
SESSION_TOKEN=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
SESSION_HASH=$(printf '%s' "$SESSION_TOKEN" | b2sum -l 256 | cut -d' ' -f1)
CSRF_TOKEN=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')

# Issue 17's section: alert latency beside Nchan, held long-polls, idle tabs.
. "$TOP/bench/alerts.sh"
alert_check

# make_db PATH ORDERS: schema, demo catalog, the admin, ORDERS seeded orders
# and events, stock for any number of orders, and one admin session. The
# session is written here, not made by POST /admin/login: a sign-in runs
# Argon2id with a 64 MiB working area, which would set every process's peak
# RSS to that instead of what serving costs (measured apart, at the end).
make_db() {
	local db=$1 n=$2 seed=${3:-bench/seed.sql} now
	"$OUT/ordersyncctl" --db "$db" init >/dev/null
	"$OUT/ordersyncctl" --db "$db" demo >/dev/null
	printf '%s\n' "$ADMIN_PASSWORD" |
	    "$OUT/ordersyncctl" --db "$db" user add "$ADMIN_EMAIL" --role admin >/dev/null
	sqlite3 "$db" ".parameter set @n $n" ".read $seed" >/dev/null
	now=$(date +%s)
	sqlite3 "$db" "UPDATE products SET stock = 1000000000;
	    INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at)
	    SELECT '$SESSION_HASH', id, '$CSRF_TOKEN', $now, $now + 43200, $now
	    FROM users WHERE email = '$ADMIN_EMAIL';
	    PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
}

# ---- PostgreSQL (the column beside SQLite for scenarios 1, 2 and 4) ----

# pg_cluster: a throw-away PostgreSQL 15 cluster in $WORK/pg (tests/pg/pg.sh:
# fsync and synchronous_commit on, as in production), stopped by PID in the
# EXIT trap. Sets PG_URI_BASE (the URI without the database name's part).
pg_cluster() {
	local try
	for try in 1 2 3; do
		rm -rf "$WORK/pg"
		pg_start "$WORK/pg" --tcp --db bench_boot >/dev/null 2>"$WORK/pg_start.err" && break
		# Another helper's server may take the free port between the check and the bind.
		grep -q 'Address already in use' "$WORK/pg_start.err" && [ $try -lt 3 ] || {
			cat "$WORK/pg_start.err" >&2
			echo "bench: the PostgreSQL cluster did not start" >&2
			exit 1
		}
	done
	PG_VERSION_LINE=$("$PG_BIN/postgres" --version | sed 's/^postgres (PostgreSQL) //')
}

# pg_uri NAME: the URI the app and the CLI get for database NAME.
pg_uri() {
	if [ "$PG_NET" = unix ]; then
		echo "postgresql:///$1?host=$PG_DIR&port=$PGPORT&user=$PGUSER"
	else
		echo "postgresql://$PGUSER@127.0.0.1:$PGPORT/$1"
	fi
}

# make_pg_db NAME ORDERS: make_db on PostgreSQL: the database as the app
# needs it (template0, C.UTF-8), `ordersyncctl init`, `demo`, the admin,
# bench/seed-pg.sql (the rows bench/seed.sql makes on SQLite), the stock and
# the same admin session as the SQLite databases.
make_pg_db() {
	local name=$1 n=$2 uri now
	uri=$(pg_uri "$name")
	pg_psql -d postgres -c "CREATE DATABASE $name TEMPLATE template0 LOCALE 'C.UTF-8' ENCODING 'UTF8'" >/dev/null
	"$OUT/ordersyncctl" --db "$uri" init >/dev/null
	"$OUT/ordersyncctl" --db "$uri" demo >/dev/null
	printf '%s\n' "$ADMIN_PASSWORD" |
	    "$OUT/ordersyncctl" --db "$uri" user add "$ADMIN_EMAIL" --role admin >/dev/null
	pg_psql -d "$uri" -v n="$n" -f bench/seed-pg.sql >/dev/null
	now=$(date +%s)
	pg_psql -d "$uri" -c "UPDATE products SET stock = 1000000000;
	    INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at)
	    SELECT '$SESSION_HASH', id, '$CSRF_TOKEN', $now, $now + 43200, $now
	    FROM users WHERE email = '$ADMIN_EMAIL';" >/dev/null
}

# pg_setup: the cluster, a 1,000-order database for scenarios 1 and 2 and
# another for scenario 4 (as SQLite's orders-full.db is a copy of small.db),
# each behind its own lighttpd with PROCS app processes, as the SQLite runs.
pg_setup() {
	say "bench: PostgreSQL: starting a cluster in $WORK/pg, seeding two $SMALL-order databases"
	pg_cluster
	make_pg_db bench_small "$SMALL"
	make_pg_db bench_orders "$SMALL"
	start_app pgsmall "$(pg_uri bench_small)"
	start_app pgorders "$(pg_uri bench_orders)"
}

# start_app NAME DB [VAR=VALUE...]: the app behind lighttpd (deploy/lighttpd/serve.sh).
# Sets PORT_<NAME>.
start_app() {
	local name=$1 db=$2 port pgid
	shift 2
	port=$(free_port)
	pgid=$(env "$@" ORDERSYNC_LOG_LEVEL=warn sh deploy/lighttpd/serve.sh --port "$port" \
	    --db "$db" --dir "$WORK/srv-$name" --bin "$OUT/ordersync.fcgi" \
	    --ctl "$OUT/ordersyncctl" --procs "$PROCS")
	PGIDS+=("$pgid")
	printf -v "PORT_$name" '%s' "$port"
	printf -v "PGID_$name" '%s' "$pgid"
}

# The ceilings' server: the same generated lighttpd configuration as the app
# (deploy/lighttpd/ordersync.conf included, same max-procs) with bin-path =
# hello, and a share directory whose static/ holds one ~100-byte JSON file.
start_ceilings() {
	local share=$WORK/share port
	mkdir -p "$share/static" "$share/templates"
	printf '{"hello":"ordersync bench","ceiling":"A","bytes":100,"padding":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}\n' \
	    > "$share/static/hello.json"
	port=$(free_port)
	PGID_hello=$(sh deploy/lighttpd/serve.sh --port "$port" --dir "$WORK/srv-hello" \
	    --bin "$OUT/hello.fcgi" --share "$share" --db "$WORK/unused.db" --no-db \
	    --ready /hello --procs "$PROCS") || {
		echo "bench: the ceilings' lighttpd did not come up" >&2
		exit 1
	}
	PGIDS+=("$PGID_hello")
	PORT_hello=$port
}

# ---- load ----

CLK_TCK=$(getconf CLK_TCK)

# cpu_ticks NAME: user + system clock ticks used so far by the FastCGI
# processes of server NAME (0 for "none").
cpu_ticks() {
	local pgid_var=PGID_$1 pid t=0
	[ "$1" = none ] && { echo 0; return; }
	for pid in $(ps -e -o pid=,pgid= | awk -v g="${!pgid_var}" '$2 == g { print $1 }'); do
		[ "$pid" = "${!pgid_var}" ] && continue	# lighttpd itself
		t=$((t + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)))
	done
	echo $t
}

# pg_ticks: user + system clock ticks used so far by the PostgreSQL cluster's
# processes (the postmaster and its children: backends, WAL writer,
# checkpointer…). Backends live as long as the app's connections: the whole run.
pg_ticks() {
	local pid t=0
	for pid in $(ps -e -o pid=,ppid= | awk -v p="$PG_PID" '$1 == p || $2 == p { print $1 }'); do
		t=$((t + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)))
	done
	echo $t
}

# run_wrk LABEL SERVER SECONDS URL [wrk args...]: one wrk run; appends its
# BENCH line (prefixed with LABEL, with the app's CPU µs per request, and
# for a PostgreSQL server, pg*, the cluster's as db_us) to $RAW and echoes it.
run_wrk() {
	local label=$1 server=$2 secs=$3 url=$4 line t0 t1 n d0=0 d1=0
	shift 4
	case $server in pg*) d0=$(pg_ticks) ;; esac
	t0=$(cpu_ticks "$server")
	# order.lua builds its Idempotency-Keys from BENCH_PREFIX: new for each run.
	line=$(BENCH_PREFIX="$label-$(date +%s%N)" wrk -t"$THREADS" -c"$CONNS" -d"${secs}s" --latency "$@" "$url" 2>&1 |
	    grep '^BENCH ' || true)
	t1=$(cpu_ticks "$server")
	case $server in pg*) d1=$(pg_ticks) ;; esac
	[ -n "$line" ] || line="BENCH requests=0 duration_us=1 rps=0 p50_us=0 p99_us=0 sock_errors=1 bad=0 codes=wrk-failed"
	n=$(echo "$line" | sed -n 's/.* requests=\([0-9]*\).*/\1/p')
	if [ "$server" != none ] && [ "${n:-0}" -gt 0 ]; then
		line="$line cpu_us=$(( (t1 - t0) * 1000000 / CLK_TCK / n ))"
		case $server in pg*) line="$line db_us=$(( (d1 - d0) * 1000000 / CLK_TCK / n ))" ;; esac
	fi
	echo "$label ${line#BENCH }" >> "$RAW"
	echo "$line"
}

# scenario LABEL SERVER URL [wrk args...]: warm-up, then the measured run.
scenario() {
	local label=$1 server=$2 url=$3
	shift 3
	run_wrk "warmup-$label" "$server" "$WARMUP" "$url" "$@" >/dev/null
	run_wrk "$label" "$server" "$DURATION" "$url" "$@" >/dev/null
	say "  $(tail -n 1 "$RAW")"
}

COOKIE="Cookie: ordersync_admin=$SESSION_TOKEN"
JSON="Accept: application/json"
GETLUA=(-s "$BENCH_LUA_DIR/count.lua")

# feed_state PORT: sets EPOCH, HEAD and ETAG from one poll without a cursor.
feed_state() {
	local port=$1 hdr body
	hdr=$WORK/feed.h body=$WORK/feed.b
	curl -fsS -D "$hdr" -o "$body" -H "$COOKIE" "http://127.0.0.1:$port/admin/api/since"
	EPOCH=$(grep -o '"epoch": *"[0-9a-f]*"' "$body" | grep -o '[0-9a-f]\{16,\}')
	HEAD=$(grep -o '"cursor": *[0-9]*' "$body" | grep -o '[0-9]*$')
	ETAG=$(tr -d '\r' < "$hdr" | sed -n 's/^[Ee][Tt][Aa][Gg]: *//p')
	[ -n "$EPOCH" ] && [ -n "$HEAD" ] && [ -n "$ETAG" ] || {
		echo "bench: cannot read the feed head on port $port: $(head -c 300 "$body")" >&2; exit 1; }
}

# The feed scenarios, 1 (304) and 2 (one event), each on the 1k and on the
# big database back to back, so each growth pair is measured a few seconds
# apart under the same load.
feed_scenarios() {
	local e1 h1 t1 e2 h2 t2 base1=http://127.0.0.1:$PORT_small base2=http://127.0.0.1:$PORT_big
	feed_state "$PORT_small"
	e1=$EPOCH h1=$HEAD t1=$ETAG
	feed_state "$PORT_big"
	e2=$EPOCH h2=$HEAD t2=$ETAG
	scenario s1 small "$base1/admin/api/since?cursor=$h1&epoch=$e1" \
	    -H "$COOKIE" -H "If-None-Match: $t1" "${GETLUA[@]}"
	scenario s1-big big "$base2/admin/api/since?cursor=$h2&epoch=$e2" \
	    -H "$COOKIE" -H "If-None-Match: $t2" "${GETLUA[@]}"
	scenario s2 small "$base1/admin/api/since?cursor=$((h1 - 1))&epoch=$e1" \
	    -H "$COOKIE" "${GETLUA[@]}"
	scenario s2-big big "$base2/admin/api/since?cursor=$((h2 - 1))&epoch=$e2" \
	    -H "$COOKIE" "${GETLUA[@]}"
}

# The PostgreSQL column: scenarios 1 and 2 on bench_small, then scenario 4
# on bench_orders (fsync and synchronous_commit on: durable at each commit,
# as synchronous=FULL), with the SQLite runs' wrk settings and scripts.
pg_feed_scenarios() {
	local base=http://127.0.0.1:$PORT_pgsmall
	feed_state "$PORT_pgsmall"
	scenario s1-pg pgsmall "$base/admin/api/since?cursor=$HEAD&epoch=$EPOCH" \
	    -H "$COOKIE" -H "If-None-Match: $ETAG" "${GETLUA[@]}"
	scenario s2-pg pgsmall "$base/admin/api/since?cursor=$((HEAD - 1))&epoch=$EPOCH" \
	    -H "$COOKIE" "${GETLUA[@]}"
}
pg_order_scenario() {
	scenario s4-pg pgorders "http://127.0.0.1:$PORT_pgorders/api/orders" \
	    -s "$BENCH_LUA_DIR/order.lua"
}

# photo_state: gives product 1 of the small database a photo through the
# edit form (multipart, as a browser posts it) and sets MEDIA to the URL of
# its large rendition and MEDIA_ETAG to its ETag.
photo_state() {
	local db=$WORK/small.db base=http://127.0.0.1:$PORT_small id
	mkdir -p "$WORK/photos"
	"$OUT/mkphotos" "$WORK/photos"
	curl -fsS -o /dev/null -H "$COOKIE" -F "csrf=$CSRF_TOKEN" \
	    -F "sku=$(sqlite3 "$db" "SELECT sku FROM products WHERE id = 1")" \
	    -F "name=$(sqlite3 "$db" "SELECT name FROM products WHERE id = 1")" \
	    -F "price=$(sqlite3 "$db" "SELECT printf('%.2f', price_cents / 100.0) FROM products WHERE id = 1")" \
	    -F 'active=1' -F "photo=@$WORK/photos/photo.jpg;type=image/jpeg" "$base/admin/products/1"
	id=$(sqlite3 "$db" "SELECT image FROM products WHERE id = 1")
	[ ${#id} -eq 64 ] || { echo "bench: the photo upload did not set a photo" >&2; exit 1; }
	MEDIA=$base/media/$id
	MEDIA_ETAG="\"$id\""
}

# rss_of NAME FIELD: "pid:kB ..." for the app processes of server NAME.
rss_of() {
	local pgid_var=PGID_$1 field=$2 pid out=""
	for pid in $(ps -e -o pid=,pgid=,comm= | awk -v g="${!pgid_var}" '$2 == g && $3 ~ /^ordersync/ { print $1 }'); do
		out="$out $pid:$(awk -v f="$field:" '$1 == f { print $2 }' "/proc/$pid/status" 2>/dev/null)"
	done
	echo "${out# }"
}

# ---- the run ----

machine_line() {
	printf 'nproc %s, %s, Linux %s' "$(nproc)" \
	    "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" "$(uname -r)"
}

main() {
	local t0 r
	t0=$(date +%s)
	build
	LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

	say "bench: seeding databases ($SMALL and $BIG orders)"
	make_db "$WORK/small.db" "$SMALL"
	cp "$WORK/small.db" "$WORK/orders-full.db"
	cp "$WORK/small.db" "$WORK/orders-normal.db"
	local s0 s1
	s0=$(date +%s)
	make_db "$WORK/big.db" "$BIG"
	s1=$(date +%s)
	SEED_SECS=$((s1 - s0))
	say "bench: $BIG orders seeded in ${SEED_SECS}s"

	say "bench: starting lighttpd servers (ceilings, app on $SMALL and $BIG orders, two for order creation)"
	start_ceilings
	start_app small "$WORK/small.db"
	start_app big "$WORK/big.db"
	start_app full "$WORK/orders-full.db"
	start_app normal "$WORK/orders-normal.db" ORDERSYNC_SYNCHRONOUS=NORMAL
	cp "$WORK/small.db" "$WORK/catalog.db"
	start_app catalog "$WORK/catalog.db"
	import_file
	if [ "$SEARCH" = 1 ]; then search_db; fi
	if [ "$PG" = 1 ]; then pg_setup; fi
	if [ "$ALERT" = 1 ]; then alert_setup; fi

	# A customer with one item in the cart, for the catalog page.
	curl -fsS -o /dev/null -c "$WORK/cart.jar" -H "$JSON" \
	    -d product_id=1 -d qty=1 "http://127.0.0.1:$PORT_small/cart/items"
	CART_COOKIE="Cookie: $(awk '!/^#/ && NF >= 7 { printf "%s%s=%s", sep, $6, $7; sep="; " }' "$WORK/cart.jar")"
	photo_state

	for r in $(seq 1 "$ROUNDS"); do
		say "bench: round $r/$ROUNDS (load $(cut -d' ' -f1-3 /proc/loadavg))"
		echo "round $r load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RAW"
		scenario "A" none "http://127.0.0.1:$PORT_hello/static/hello.json" "${GETLUA[@]}"
		scenario "B" hello "http://127.0.0.1:$PORT_hello/hello" "${GETLUA[@]}"
		feed_scenarios
		if [ "$PG" = 1 ]; then pg_feed_scenarios; fi
		scenario "s3" small "http://127.0.0.1:$PORT_small/admin/orders" -H "$COOKIE" "${GETLUA[@]}"
		scenario "s6" small "http://127.0.0.1:$PORT_small/" -H "$CART_COOKIE" "${GETLUA[@]}"
		scenario "s8-304" small "$MEDIA" -H "If-None-Match: $MEDIA_ETAG" "${GETLUA[@]}"
		scenario "s8-200" small "$MEDIA" "${GETLUA[@]}"
		scenario "s4-full" full "http://127.0.0.1:$PORT_full/api/orders" \
		    -s "$BENCH_LUA_DIR/order.lua"
		scenario "s4-normal" normal "http://127.0.0.1:$PORT_normal/api/orders" \
		    -s "$BENCH_LUA_DIR/order.lua"
		if [ "$PG" = 1 ]; then pg_order_scenario; fi
		import_scenario
		if [ "$SEARCH" = 1 ]; then search_scenarios; fi
	done
	# After the rounds, once: its rows are not rates of a load but single samples.
	if [ "$ALERT" = 1 ]; then alert_scenarios; fi

	RSS_ROUNDS="small: $(rss_of small VmHWM) | big: $(rss_of big VmHWM) | full: $(rss_of full VmHWM) | normal: $(rss_of normal VmHWM)"

	if [ "$LEAK" = 1 ]; then
		leak_run
	fi
	RSS_FINAL="small: $(rss_of small VmHWM) | big: $(rss_of big VmHWM) | full: $(rss_of full VmHWM) | normal: $(rss_of normal VmHWM)"
	[ "$PG" = 1 ] && RSS_FINAL="$RSS_FINAL | pgsmall: $(rss_of pgsmall VmHWM) | pgorders: $(rss_of pgorders VmHWM)"
	RSS_NOW="small: $(rss_of small VmRSS) | big: $(rss_of big VmRSS)"

	sign_in_probe
	LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
	TOTAL_SECS=$(($(date +%s) - t0))
	report > "$WORK/latest.md"
	mkdir -p bench/results
	cp "$WORK/latest.md" bench/results/latest.md
	cp "$RAW" "$OUT/latest.raw.log"
	cat bench/results/latest.md
}

# Scenario 9: the order list searched at SEARCH_N orders (bench/seed_search.sql:
# varied names, emails and phones, the full-text tables filled by the
# triggers), each search beside the unfiltered list in the same round. JSON
# answers: they skip the per-process cache of rendered rows, so every request
# runs its query (an HTML page would be served from that cache).
search_db() {
	local s0 s1
	say "bench: seeding the search database ($SEARCH_N orders; 1.5 to 3 min at 1M)"
	s0=$(date +%s)
	make_db "$WORK/search.db" "$SEARCH_N" bench/seed_search.sql
	s1=$(date +%s)
	SEARCH_SEED_SECS=$((s1 - s0))
	say "bench: search database seeded in ${SEARCH_SEED_SECS}s"
	start_app search "$WORK/search.db"
	# a day in the middle of the seeded month, as a number prefix
	SEARCH_DAY=CMD-$(date -u -d '15 days ago' +%Y%m%d)
}
search_scenarios() {
	local u="http://127.0.0.1:$PORT_search/admin/orders"
	scenario "s9-all" search "$u" -H "$COOKIE" -H "$JSON" "${GETLUA[@]}"
	scenario "s9-word" search "$u?q=moreau" -H "$COOKIE" -H "$JSON" "${GETLUA[@]}"
	scenario "s9-phone" search "$u?q=0612" -H "$COOKIE" -H "$JSON" "${GETLUA[@]}"
	scenario "s9-day" search "$u?q=$SEARCH_DAY" -H "$COOKIE" -H "$JSON" "${GETLUA[@]}"
	scenario "s9-rare" search "$u?q=elodie%20dubois42" -H "$COOKIE" -H "$JSON" "${GETLUA[@]}"
}
# The scenario-9 rows: each search's numbers and its ratio to the unfiltered list.
search_rows() {
	local l n rps p50 p99 cpu ratio codes
	echo "| scenario 9 at $SEARCH_N orders (JSON, 50 rows) | req/s | p50 ms | p99 ms | app CPU µs/req | ÷ unfiltered req/s | statuses |"
	echo "|---|---:|---:|---:|---:|---:|---|"
	for l in all word phone day rare; do
		case $l in
		all) n="/admin/orders, no filter";;
		word) n="?q=moreau (a surname: 1 order in 32)";;
		phone) n="?q=0612 (4 phone digits)";;
		day) n="?q=$SEARCH_DAY (a day's numbers)";;
		rare) n="?q=elodie dubois42 (two words, ~1 order in 10,000)";;
		esac
		rps=$(field "s9-$l" rps | median)
		p50=$(field "s9-$l" p50_us | median)
		p99=$(field "s9-$l" p99_us | median)
		cpu=$(field "s9-$l" cpu_us | median)
		ratio=$(ratio_median "s9-$l" s9-all)
		codes=$(field "s9-$l" codes | tr '\n' ' ' | sed 's/ $//')
		printf '| %s | %.0f | %s | %s | %s | %.2f | %s |\n' "$n" "$rps" "$(ms "$p50")" \
		    "$(ms "$p99")" "$cpu" "$ratio" "$codes"
	done
	echo
	echo "Seeded in ${SEARCH_SEED_SECS}s. A ratio near 1.00 means a search costs about what the unfiltered page does."
}
search_only() {
	local r
	build
	LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
	search_db
	for r in $(seq 1 "$ROUNDS"); do
		say "bench: search round $r/$ROUNDS (load $(cut -d' ' -f1-3 /proc/loadavg))"
		search_scenarios
	done
	search_rows | tee "$OUT/latest-search.md"
	cp "$RAW" "$OUT/latest-search.raw.log"
}

# Scenario 7: one POST /admin/products.csv of a 10,000-line catalog (curl,
# not wrk: one request is the unit), on its own copy of the small database.
# The first round adds 10,000 products, the next ones update them all. The
# raw line: "s7 secs=S status=C imported=N".
import_file() {
	awk 'BEGIN { print "sku,name,description,price,stock,active,low_stock_at";
	  for (i = 1; i <= 10000; i++)
	    printf "BENCH-%05d,\"Product %d, bench\",Line %d of the bench file,%d.%02d,%d,1,3\n",
	      i, i, i, i % 500, i % 100, 10 + i % 50 }' > "$WORK/import.csv"
}
import_scenario() {
	local out
	out=$(curl -sS -o "$WORK/import.out" -w '%{http_code} %{time_total}' \
	    -H "$COOKIE" -H "X-CSRF-Token: $CSRF_TOKEN" -H "$JSON" -H 'Content-Type: text/csv' \
	    --data-binary "@$WORK/import.csv" "http://127.0.0.1:$PORT_catalog/admin/products.csv" || echo "000 0")
	echo "s7 secs=${out#* } status=${out%% *} imported=$(sed -n 's/.*"imported": *\([0-9]*\).*/\1/p' "$WORK/import.out")" >> "$RAW"
}
import_only() {
	build
	LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
	make_db "$WORK/catalog.db" "$SMALL"
	start_app catalog "$WORK/catalog.db"
	import_file
	for r in $(seq 1 "$ROUNDS"); do
		import_scenario
	done
	import_rows
}
# The scenario-7 rows of the report: the first import (adds) and the median of the others (updates).
import_rows() {
	local first rest
	first=$(grep '^s7 ' "$RAW" | head -n 1)
	rest=$(grep '^s7 ' "$RAW" | tail -n +2 | tr ' ' '\n' | sed -n 's/^secs=//p' | median)
	echo "| scenario | seconds | answer |"
	echo "|---|---:|---|"
	echo "| 7. POST /admin/products.csv, 10 000 lines, all new | $(echo "$first" | tr ' ' '\n' | sed -n 's/^secs=//p') | $(echo "$first" | tr ' ' '\n' | sed -n 's/^status=//p'), imported $(echo "$first" | tr ' ' '\n' | sed -n 's/^imported=//p') |"
	[ "$(grep -c '^s7 ' "$RAW")" -gt 1 ] && echo "| 7. the same file again, 10 000 updates (median of $(( $(grep -c '^s7 ' "$RAW") - 1 ))) | $rest | |"
	return 0
}

# Scenario 2 for LEAK_SECS on the small database, VmRSS of its app processes
# sampled every 5 s: growth from the first to the last minute means a leak.
leak_run() {
	local t=0 url
	feed_state "$PORT_small"
	url="http://127.0.0.1:$PORT_small/admin/api/since?cursor=$((HEAD - 1))&epoch=$EPOCH"
	say "bench: leak run: scenario 2 for ${LEAK_SECS}s, sampling VmRSS every 5 s"
	: > "$WORK/leak.samples"
	run_wrk "leak-s2" small "$LEAK_SECS" "$url" -H "$COOKIE" "${GETLUA[@]}" > "$WORK/leak.wrk" &
	local wpid=$!
	while kill -0 "$wpid" 2>/dev/null; do
		sleep 5
		t=$((t + 5))
		echo "$t $(rss_of small VmRSS)" >> "$WORK/leak.samples"
	done
	wait "$wpid" || true
	cp "$WORK/leak.samples" "$WORK/leak.keep"
	say "  $(cat "$WORK/leak.wrk")"
}

# One real POST /admin/login on the small server, to show what a sign-in
# costs in memory (Argon2id) next to serving. Not part of the targets' run.
sign_in_probe() {
	local code
	# A JSON body: no form token to fetch first (ADMIN_PASSWORD is hex, no quoting).
	code=$(curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
	    --data "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}" \
	    "http://127.0.0.1:$PORT_small/admin/login" || true)
	SIGNIN="POST /admin/login answered $code; app processes after it: VmHWM $(rss_of small VmHWM), VmRSS $(rss_of small VmRSS) (pid:kB)"
}

# ---- the report ----

# field LABEL KEY: the values of KEY for every measured run of LABEL, one a line.
field() {
	grep "^$1 " "$RAW" | tr ' ' '\n' | sed -n "s/^$2=//p"
}
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
sum() { awk '{ s += $1 } END { print s + 0 }'; }
# ratio_median A B: the median over rounds of rps(A)/rps(B), pairing round by round.
ratio_median() {
	paste <(field "$1" rps) <(field "$2" rps) | awk '$2 > 0 { print $1 / $2 }' | median
}
# lat_ratio_median A B: the median over rounds of p50(A)/p50(B).
lat_ratio_median() {
	paste <(field "$1" p50_us) <(field "$2" p50_us) | awk '$2 > 0 { print $1 / $2 }' | median
}
# cpu_ratio_median A B: the median over rounds of app CPU µs/req (A)/(B).
cpu_ratio_median() {
	paste <(field "$1" cpu_us) <(field "$2" cpu_us) | awk '$2 > 0 { print $1 / $2 }' | median
}
ms() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }'; }

row() {
	local label=$1 name=$2 rps p50 p99 rb ra errs sock bad codes cpu
	rps=$(field "$label" rps | median)
	cpu=$(field "$label" cpu_us | median)
	[ "$label" = A ] && cpu="—"
	p50=$(field "$label" p50_us | median)
	p99=$(field "$label" p99_us | median)
	rb=$(ratio_median "$label" B)
	ra=$(ratio_median "$label" A)
	sock=$(field "$label" sock_errors | sum)
	bad=$(field "$label" bad | sum)
	errs=$((sock + bad))
	codes=$(field "$label" codes | tr '\n' ' ' | sed 's/ $//')
	printf '| %s | %.0f | %s | %s | %.2f | %.2f | %d | %s | %s |\n' "$name" "$rps" \
	    "$(ms "$p50")" "$(ms "$p99")" "$rb" "$ra" "$errs" "$cpu" "$codes"
}

# pg_row NAME SQLITE_LABEL PG_LABEL: one scenario on both engines, side by side.
pg_row() {
	local name=$1 l=$2 p=$3 e_l e_p
	e_l=$(( $(field "$l" sock_errors | sum) + $(field "$l" bad | sum) ))
	e_p=$(( $(field "$p" sock_errors | sum) + $(field "$p" bad | sum) ))
	printf '| %s | %.0f | %.0f | %.2f | %.2f | %.2f | %s / %s | %s / %s | %s / %s | %s | %d / %d |\n' "$name" \
	    "$(field "$l" rps | median)" "$(field "$p" rps | median)" "$(ratio_median "$p" "$l")" \
	    "$(ratio_median "$l" B)" "$(ratio_median "$p" B)" \
	    "$(ms "$(field "$l" p50_us | median)")" "$(ms "$(field "$l" p99_us | median)")" \
	    "$(ms "$(field "$p" p50_us | median)")" "$(ms "$(field "$p" p99_us | median)")" \
	    "$(field "$l" cpu_us | median)" "$(field "$p" cpu_us | median)" \
	    "$(field "$p" db_us | median)" "$e_l" "$e_p"
}

# pg_rows: the PostgreSQL column beside the SQLite one (scenarios 1, 2, 4).
pg_rows() {
	local net="TCP on 127.0.0.1"
	[ "$PG_NET" = unix ] && net="its unix socket"
	printf 'PostgreSQL %s (a throw-away cluster: tests/pg/pg.sh, fsync and synchronous_commit on, shared_buffers 32MB), reached through %s; %s orders in each engine'"'"'s database, the same rows (bench/seed.sql, bench/seed-pg.sql); %s app processes on both. Ceilings of the same rounds: A %.0f req/s, B %.0f req/s.\n' \
	    "$PG_VERSION_LINE" "$net" "$SMALL" "$PROCS" "$(field A rps | median)" "$(field B rps | median)"
	echo
	echo "| scenario | SQLite req/s | PostgreSQL req/s | PostgreSQL ÷ SQLite | SQLite × ceiling B | PostgreSQL × ceiling B | SQLite p50 / p99 ms | PostgreSQL p50 / p99 ms | app CPU µs/req, SQLite / PostgreSQL | PostgreSQL server CPU µs/req | errors, SQLite / PostgreSQL |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	pg_row "1. feed, nothing new (304)" s1 s1-pg
	pg_row "2. feed, one new event (200)" s2 s2-pg
	pg_row "4. POST /api/orders (SQLite synchronous=FULL; PostgreSQL synchronous_commit=on)" s4-full s4-pg
	echo
	echo "PostgreSQL statuses (per round): 1: $(field s1-pg codes | tr '\n' ' ')— 2: $(field s2-pg codes | tr '\n' ' ')— 4: $(field s4-pg codes | tr '\n' ' ' | sed 's/ $//')."
	echo
	echo "Every ratio is the median over rounds of (req/s ÷ req/s of the same round). app CPU = the FastCGI processes; PostgreSQL server CPU = every process of the cluster (its backends, WAL writer, checkpointer), per request of the same run: the two add up to what a request costs on PostgreSQL, where SQLite's cost is all in the app's column."
}

# pg_only (ONLY=pg): the ceilings and scenarios 1, 2 and 4 on both engines, ROUNDS times.
pg_only() {
	local r b="" 
	build
	LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
	make_db "$WORK/small.db" "$SMALL"
	cp "$WORK/small.db" "$WORK/orders-full.db"
	start_ceilings
	start_app small "$WORK/small.db"
	start_app full "$WORK/orders-full.db"
	pg_setup
	for r in $(seq 1 "$ROUNDS"); do
		say "bench: round $r/$ROUNDS (load $(cut -d' ' -f1-3 /proc/loadavg))"
		echo "round $r load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RAW"
		scenario "A" none "http://127.0.0.1:$PORT_hello/static/hello.json" "${GETLUA[@]}"
		scenario "B" hello "http://127.0.0.1:$PORT_hello/hello" "${GETLUA[@]}"
		b=http://127.0.0.1:$PORT_small
		feed_state "$PORT_small"
		scenario s1 small "$b/admin/api/since?cursor=$HEAD&epoch=$EPOCH" \
		    -H "$COOKIE" -H "If-None-Match: $ETAG" "${GETLUA[@]}"
		scenario s2 small "$b/admin/api/since?cursor=$((HEAD - 1))&epoch=$EPOCH" \
		    -H "$COOKIE" "${GETLUA[@]}"
		pg_feed_scenarios
		scenario "s4-full" full "http://127.0.0.1:$PORT_full/api/orders" \
		    -s "$BENCH_LUA_DIR/order.lua"
		pg_order_scenario
	done
	LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
	{
		echo "# ordersync benchmark, PostgreSQL beside SQLite — $(date -u +%Y-%m-%d) $(date -u +%H:%M) UTC"
		echo
		echo "- machine: $(machine_line)"
		echo "- load: wrk -t$THREADS -c$CONNS, ${WARMUP}s warm-up + ${DURATION}s per scenario, $ROUNDS round(s), median quoted; load average $LOAD_START at start, $LOAD_END at end"
		echo "- app processes after the run (VmHWM, pid:kB): SQLite $(rss_of small VmHWM) $(rss_of full VmHWM); PostgreSQL $(rss_of pgsmall VmHWM) $(rss_of pgorders VmHWM)"
		echo
		pg_rows
	} | tee "$OUT/latest-pg.md"
	cp "$RAW" "$OUT/latest-pg.raw.log"
}

verdict() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN { ok = op == ">=" ? v >= t : v <= t; print ok ? "met" : "MISSED" }'; }

# growth_verdict RPS_RATIO P50_RATIO CPU_RATIO: met when all three are within 1.2;
# when only the CPU ratio is, the app did the same work and the machine varied.
growth_verdict() {
	if [ "$(verdict "$3" 1.2 '<=')" != met ]; then
		echo MISSED
	elif [ "$(verdict "$1" 1.2 '<=')" = met ] && [ "$(verdict "$2" 1.2 '<=')" = met ]; then
		echo met
	else
		echo "met in app CPU; req/s or p50 outside 1.2× (load varied)"
	fi
}

max_kb() { tr ' |' '\n\n' | sed -n 's/^[0-9]*://p' | sort -n | tail -n 1; }

report() {
	local r1 r2 r3 g1 g2 gl1 gl2 gc1 gc2 hwm errs_total first last
	r1=$(ratio_median s1 B); r2=$(ratio_median s2 B); r3=$(ratio_median s3 B)
	g1=$(ratio_median s1 s1-big); g2=$(ratio_median s2 s2-big)
	gl1=$(lat_ratio_median s1-big s1); gl2=$(lat_ratio_median s2-big s2)
	gc1=$(cpu_ratio_median s1-big s1); gc2=$(cpu_ratio_median s2-big s2)
	hwm=$(echo "$RSS_FINAL" | max_kb)
	# Every wrk run counts, warm-ups and the leak run included.
	errs_total=$(( $(grep -v '^round ' "$RAW" | tr ' ' '\n' | sed -n 's/^sock_errors=//p' | sum) +
	    $(grep -v '^round ' "$RAW" | tr ' ' '\n' | sed -n 's/^bad=//p' | sum) ))
	echo "# ordersync benchmark — $(date -u +%Y-%m-%d) $(date -u +%H:%M) UTC"
	echo
	echo "- machine: $(machine_line)"
	echo "- commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- cgi 2>/dev/null || echo ' (cgi/ has uncommitted changes)')"
	echo "- build: $CC -O2 -DNDEBUG (no sanitizers); lighttpd $(lighttpd -v 2>/dev/null | sed -n 's/^lighttpd\/\([^ ]*\).*/\1/p'), max-procs $PROCS; $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)"
	echo "- load: wrk -t$THREADS -c$CONNS, ${WARMUP}s warm-up + ${DURATION}s per scenario, $ROUNDS round(s), median quoted"
	echo "- load average (1/5/15 min): $LOAD_START at start, $LOAD_END at end (per round in the raw log)"
	echo "- databases: $SMALL orders for scenarios 1-3, 6 and 4's starting point; $BIG orders for growth (seeded in ${SEED_SECS}s)"
	echo "- whole run: ${TOTAL_SECS}s"
	echo
	echo "| scenario | req/s | p50 ms | p99 ms | × ceiling B | × ceiling A | errors | app CPU µs/req | statuses (per round) |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
	row A "ceiling A: lighttpd, static 100-byte JSON"
	row B "ceiling B: hello.c FastCGI, 100 bytes"
	row s1 "1. feed, nothing new (304)"
	row s2 "2. feed, one new event (200)"
	row s3 "3. /admin/orders, 50 rows (HTML)"
	row s4-full "4. POST /api/orders, synchronous=FULL"
	row s4-normal "4. POST /api/orders, synchronous=NORMAL"
	row s1-big "5. feed 304 at $BIG orders"
	row s2-big "5. feed 1 event at $BIG orders"
	row s6 "6. catalog GET / (customer)"
	row s8-304 "8. photo rendition, If-None-Match (304)"
	row s8-200 "8. photo rendition, 1200 px WebP (200)"
	echo
	echo "app CPU µs/req = user + system CPU time of the server's FastCGI processes during the run ÷ requests (median over rounds): what one request costs the app, steadier than req/s on a busy machine."
	echo
	echo "errors = wrk socket errors (connect/read/write/timeout) + answers that are neither 2xx nor 304, summed over the rounds (all runs, warm-ups and leak run included: $errs_total)."
	echo
	if [ "$PG" = 1 ]; then
		echo "## PostgreSQL beside SQLite (scenarios 1, 2 and 4)"
		echo
		pg_rows
		echo
	fi
	echo "## Catalog import (scenario 7)"
	echo
	import_rows
	echo
	if [ "$SEARCH" = 1 ]; then
		echo "## Search (scenario 9)"
		echo
		search_rows
		echo
	fi
	echo "## Growth ($SMALL → $BIG orders and events)"
	echo
	echo "| scenario | req/s at $SMALL ÷ req/s at $BIG | p50 at $BIG ÷ p50 at $SMALL | app CPU µs/req at $BIG ÷ at $SMALL |"
	echo "|---|---:|---:|---:|"
	printf '| 1. feed 304 | %.2f | %.2f | %.2f |\n' "$g1" "$gl1" "$gc1"
	printf '| 2. feed 1 event | %.2f | %.2f | %.2f |\n' "$g2" "$gl2" "$gc2"
	echo
	echo "Each pair runs back to back in every round; 1.00 is no growth. The CPU ratio is the work"
	echo "a request costs; req/s and p50 also carry whatever else the machine did in those seconds."
	echo
	local rps1 cpu1
	rps1=$(field s1 rps | median)
	cpu1=$(field s1 cpu_us | median)
	echo "## Idle admin tabs"
	echo
	echo "An idle tab polls every 5 s and gets a 304 (scenario 1). At the measured rate, one core"
	awk -v r="$rps1" -v c="$cpu1" -v n="$(nproc)" 'BEGIN {
		printf "serves about %.0f idle tabs with the whole stack on it (lighttpd + app + wrk: %.0f req/s ÷ %d cores × 5 s),\n", r / n * 5, r, n
		if (c > 0) printf "or about %.0f counting the app processes alone (10^6 µs ÷ %s µs per poll × 5 s).\n", 5e6 / c, c }'
	echo
	if [ "$ALERT" = 1 ]; then alert_sections; fi
	echo "## Memory"
	echo
	echo "- peak RSS (VmHWM) of the app processes after the run, pid:kB — $RSS_FINAL"
	echo "- the same right after the scenario rounds, before the leak run — $RSS_ROUNDS"
	echo "- VmRSS now — $RSS_NOW"
	if [ "$LEAK" = 1 ] && [ -f "$WORK/leak.keep" ]; then
		echo "- leak run: scenario 2 for ${LEAK_SECS}s ($(sed -e 's/^BENCH //' -e 's/ duration_us.*rps=\([0-9.]*\).*bad=\([0-9]*\).*/, \1 req\/s, bad \2/' "$WORK/leak.wrk")); VmRSS samples (s → pid:kB):"
		echo
		echo '```'
		cat "$WORK/leak.keep"
		echo '```'
		first=$(awk -v h=$((LEAK_SECS / 2)) '$1 <= h' "$WORK/leak.keep" | cut -d' ' -f2- | max_kb)
		last=$(awk -v h=$((LEAK_SECS / 2)) '$1 > h' "$WORK/leak.keep" | cut -d' ' -f2- | max_kb)
		LEAK_GROWTH=$(( ${last:-0} - ${first:-0} ))
		echo "- largest VmRSS in the first half: ${first:-?} kB; in the second half: ${last:-?} kB; growth ${LEAK_GROWTH} kB"
	fi
	echo "- a sign-in, after everything: $SIGNIN"
	echo
	echo "## Targets"
	echo
	echo "| target | measured | |"
	echo "|---|---:|---|"
	printf '| scenario 1 ≥ 0.85 × ceiling B | %.2f | %s |\n' "$r1" "$(verdict "$r1" 0.85 '>=')"
	printf '| scenario 2 ≥ 0.70 × ceiling B | %.2f | %s |\n' "$r2" "$(verdict "$r2" 0.70 '>=')"
	printf '| scenario 3 ≥ 0.30 × ceiling B | %.2f | %s |\n' "$r3" "$(verdict "$r3" 0.30 '>=')"
	printf '| scenario 1 at %s within 1.2× of %s (req/s, p50, app CPU) | %.2f, %.2f, %.2f | %s |\n' \
	    "$BIG" "$SMALL" "$g1" "$gl1" "$gc1" "$(growth_verdict "$g1" "$gl1" "$gc1")"
	printf '| scenario 2 at %s within 1.2× of %s (req/s, p50, app CPU) | %.2f, %.2f, %.2f | %s |\n' \
	    "$BIG" "$SMALL" "$g2" "$gl2" "$gc2" "$(growth_verdict "$g2" "$gl2" "$gc2")"
	printf '| peak RSS of an app process ≤ 16 MiB | %.1f MiB | %s |\n' "$(awk -v k="${hwm:-0}" 'BEGIN { print k / 1024 }')" \
	    "$(verdict "${hwm:-0}" 16384 '<=')"
	if [ "$LEAK" = 1 ]; then
		printf '| no VmRSS growth over the %ss scenario-2 run | %s kB | %s |\n' "$LEAK_SECS" "$LEAK_GROWTH" \
		    "$( [ "$LEAK_GROWTH" -le 0 ] && echo met || echo MISSED)"
	else
		echo '| no VmRSS growth over a 2-minute scenario-2 run | not run (LEAK=0) | — |'
	fi
	printf '| zero errors, zero non-2xx/304 answers | %d | %s |\n' "$errs_total" \
	    "$( [ "$errs_total" -eq 0 ] && echo met || echo MISSED)"
	if [ "$ALERT" = 1 ]; then alert_target_rows; fi
	echo
	echo "Ratios are the median over rounds of (scenario req/s ÷ ceiling req/s in the same round)."
	echo "Raw wrk lines of this run: build/bench/latest.raw.log (not committed)."
}

# BENCH_SOURCE_ONLY=1: define the functions and stop (for profiling by hand).
if [ "${BENCH_SOURCE_ONLY:-0}" = 1 ]; then
	:
elif [ "${ONLY:-}" = import ]; then
	import_only
elif [ "${ONLY:-}" = search ]; then
	search_only
elif [ "${ONLY:-}" = pg ]; then
	pg_only
elif [ "${ONLY:-}" = alert ]; then
	alert_only
else
	main "$@"
fi
