#!/bin/sh
# serve.sh — run ordersync behind a private lighttpd on 127.0.0.1 (make run, tests, bench).
#
# usage: serve.sh [--foreground] [--port N] [--db PATH|URI] [--dir DIR] [--bin FCGI]
#                 [--ctl CTL] [--base /prefix] [--procs N] [--poll-ms N]
#                 [--share DIR] [--no-db] [--ready PATH]
#
# --db: an SQLite file, or a PostgreSQL URI (postgresql://… or postgres://…:
#       the database must exist; --dir is then required);
# --share: where templates/ and static/ are (default: this checkout);
# --no-db: leave the database alone (a responder that is not the app);
# --ready: the path that answers once the server is up (default /healthz).
#
# First checks the app's configuration (ordersyncctl check-config, with the
# ORDERSYNC_* environment the app will get) and stops on a bad value before
# creating anything. Creates the database when it is missing (schema, demo catalog, one admin
# user: $ORDERSYNC_ADMIN_EMAIL with $ORDERSYNC_ADMIN_PASSWORD, or a random
# password printed once), writes a lighttpd config into DIR that includes
# deploy/lighttpd/ordersync.conf, and starts lighttpd in its own process
# group. --foreground waits and stops lighttpd and every app process on
# SIGINT/SIGTERM; otherwise it prints the group's PID and returns once
# /healthz answers: stop with `kill -TERM -PID`.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
port=8080 db=${ORDERSYNC_DB:-var/ordersync.db} dir= fg=0 base=${ORDERSYNC_BASE_URL:-}
bin=$top/cgi/ordersync.fcgi ctl=$top/cgi/ordersyncctl procs=2
poll_ms=${ORDERSYNC_POLL_MS:-5000}
share=$top nodb=0 ready=/healthz
while [ $# -gt 0 ]; do
	case $1 in
	--foreground) fg=1 ;;
	--port) port=$2; shift ;;
	--db) db=$2; shift ;;
	--dir) dir=$2; shift ;;
	--bin) bin=$2; shift ;;
	--ctl) ctl=$2; shift ;;
	--base) base=$2; shift ;;
	--procs) procs=$2; shift ;;
	--poll-ms) poll_ms=$2; shift ;;
	--share) share=$2; shift ;;
	--no-db) nodb=1 ;;
	--ready) ready=$2; shift ;;
	*) echo "serve.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
command -v lighttpd >/dev/null || { echo "serve.sh: lighttpd is not installed (make deps)" >&2; exit 1; }

pg=0
case $db in
postgresql://*|postgres://*) pg=1 ;;
/*) ;;
*) db=$top/$db ;;
esac
[ $pg = 0 ] || [ -n "$dir" ] || { echo "serve.sh: --db URI needs --dir" >&2; exit 2; }
# The app's own configuration check, with the environment the app will be
# given below, before anything is created: a bad ORDERSYNC_* value stops
# here with the app's message alone, not in lighttpd's log after the
# database and the admin's password were made.
if [ $nodb = 0 ]; then
	if ! ORDERSYNC_DB="$db" ORDERSYNC_TEMPLATES="$share/templates" \
	    ORDERSYNC_BASE_URL="$base" ORDERSYNC_POLL_MS="$poll_ms" \
	    ORDERSYNC_LANG="${ORDERSYNC_LANG:-en}" \
	    ORDERSYNC_SHOP_NAME="${ORDERSYNC_SHOP_NAME:-ordersync shop}" \
	    "$ctl" check-config >/dev/null; then
		echo "serve.sh: fix the setting above; nothing was started or created" >&2
		exit 2
	fi
fi
[ $pg = 1 ] || mkdir -p "$(dirname "$db")"
if [ -z "$dir" ]; then
	dir=$(dirname "$db")/lighttpd-$port
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

# fresh: no database yet (SQLite: no file; PostgreSQL: no migration applied).
fresh() {
	if [ $pg = 1 ]; then
		[ "$(psql -X -q -t -A -d "$db" -c "SELECT to_regclass('schema_version') IS NULL")" = t ]
	else
		[ ! -s "$db" ]
	fi
}
# lighttpd's string literal: its parser knows one escape, \" (a backslash
# is itself); a URI's ? and & need nothing.
lq() { printf '%s' "$1" | sed -e 's/"/\\"/g'; }

email=${ORDERSYNC_ADMIN_EMAIL:-admin@example.com}
if [ $nodb = 1 ]; then
	:
elif fresh; then
	"$ctl" --db "$db" init >/dev/null
	"$ctl" --db "$db" demo >/dev/null
	password=${ORDERSYNC_ADMIN_PASSWORD:-}
	if [ -z "$password" ]; then
		password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
		echo "admin user: $email  password: $password  (printed once; keep it)"
	fi
	printf '%s\n' "$password" | "$ctl" --db "$db" user add "$email" --role admin >/dev/null
else
	"$ctl" --db "$db" init >/dev/null
fi

cat > "$dir/lighttpd.conf" <<EOC
server.bind		= "127.0.0.1"
server.port		= $port
server.document-root	= "$share/static"
server.errorlog		= "$dir/error.log"
server.pid-file		= "$dir/lighttpd.pid"
server.max-request-size	= 8448	# KiB: photo uploads (8 MiB and the multipart framing); the app keeps 64 KiB elsewhere
mimetype.assign		= ( ".css" => "text/css; charset=utf-8",
			    ".js" => "text/javascript; charset=utf-8",
			    ".svg" => "image/svg+xml", ".png" => "image/png",
			    ".ico" => "image/x-icon", ".json" => "application/json",
			    ".woff2" => "font/woff2" )
var.ordersync_base	= "$base"
var.ordersync_bin	= "$bin"
var.ordersync_share	= "$share"
var.ordersync_db	= "$(lq "$db")"
var.ordersync_socket	= "$dir/app.sock"
var.ordersync_procs	= $procs
var.ordersync_poll_ms	= "$poll_ms"
var.ordersync_lang	= "${ORDERSYNC_LANG:-en}"
var.ordersync_shop_name	= "${ORDERSYNC_SHOP_NAME:-ordersync shop}"
include "$top/deploy/lighttpd/ordersync.conf"
EOC
if [ "$(id -u)" = 0 ]; then
	# lighttpd refuses to run as root without being told to stay root here.
	echo 'server.username = "" ' >> "$dir/lighttpd.conf"
fi
lighttpd -tt -f "$dir/lighttpd.conf" >/dev/null

# setsid: lighttpd and the app processes it spawns share one process group.
setsid lighttpd -D -f "$dir/lighttpd.conf" 2>>"$dir/error.log" &
pid=$!
stop() {
	kill -TERM "-$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	# Anything that ignored the first signal (none should) goes now.
	sleep 0.2
	kill -KILL "-$pid" 2>/dev/null || true
}

i=0
until curl -fsS -o /dev/null "http://127.0.0.1:$port$base$ready" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
		echo "serve.sh: lighttpd did not come up on port $port; its log:" >&2
		tail -n 20 "$dir/error.log" >&2 || true
		stop
		exit 1
	fi
	sleep 0.1
done

if [ $fg = 0 ]; then
	echo "$pid"
	exit 0
fi
trap 'stop; echo; echo "stopped."; exit 0' INT TERM
echo "shop:  http://127.0.0.1:$port$base/"
echo "admin: http://127.0.0.1:$port$base/admin/orders  (as $email)"
echo "logs:  $dir/error.log — Ctrl-C stops lighttpd and the app"
wait "$pid"
