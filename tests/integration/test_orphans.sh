#!/bin/bash
# test_orphans.sh — app processes die with the FastCGI server that started them (kill -9 lighttpd), but outlive a spawner that exits (spawn-fcgi).
. "$(dirname "$0")/lib.sh"

# stat_field PID N: field N of /proc/PID/stat counted after the command
# name, which may hold spaces (1: state, 2: parent PID).
stat_field() {
	local line f
	line=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	read -r -a f <<< "${line##*) }"
	printf '%s\n' "${f[$(($2 - 1))]}"
}

# alive_of PID...: those of the PIDs still running (zombies count as gone).
alive_of() {
	local p st
	for p in "$@"; do
		st=$(stat_field "$p" 1) || continue
		[ -n "$st" ] && [ "$st" != Z ] && printf '%s ' "$p"
	done
}

# children_of PID: the PIDs whose parent is PID (from /proc, no procps).
children_of() {
	local f p
	for f in /proc/[0-9]*/stat; do
		p=${f#/proc/}
		p=${p%/stat}
		[ "$(stat_field "$p" 2)" = "$1" ] && printf '%s ' "$p"
	done
}
# parent_of PID
parent_of() { stat_field "$1" 2; }

# ---- lighttpd + mod_fastcgi: the app's parent is lighttpd itself ----
start_app
lpid=$(cat "$WORK/srv/lighttpd.pid" 2>/dev/null)
apps=$(children_of "$lpid")
if [ -z "$lpid" ] || [ -z "$apps" ]; then
	nok "lighttpd runs with its app processes" "lighttpd PID '${lpid}', app PIDs '${apps}'"
	finish
	exit
fi
ok "lighttpd (PID $lpid) runs app processes: $apps"
kill -KILL "$lpid"
left=$apps
for _ in $(seq 1 50); do
	left=$(alive_of $apps)
	[ -z "$left" ] && break
	sleep 0.1
done
if [ -z "$left" ]; then
	ok "kill -9 of lighttpd: every app process is gone within 5 s"
else
	nok "kill -9 of lighttpd: every app process is gone within 5 s" \
	    "still running: $left (parent now $(parent_of "${left%% *}"))"
	kill -KILL $left 2>/dev/null
fi

# ---- spawn-fcgi: the spawner forks the app and exits; the app stays ----
if command -v spawn-fcgi >/dev/null; then
	spawn-fcgi -s "$WORK/pool.sock" -F 1 -P "$WORK/pool.pid" -- \
	    /usr/bin/env ORDERSYNC_DB="$DB" ORDERSYNC_TEMPLATES="$TOP/templates" "$APP_BIN" \
	    > "$WORK/spawn.log" 2>&1 < /dev/null
	pool=$(cat "$WORK/pool.pid" 2>/dev/null | tr '\n' ' ')
	sleep 2
	if [ -z "$pool" ]; then
		nok "spawn-fcgi starts the app" "$(cat "$WORK/spawn.log")"
	elif [ -n "$(alive_of $pool)" ]; then
		ok "spawn-fcgi exited, the app it started (PID $pool) still runs"
	else
		nok "spawn-fcgi exited, the app it started still runs" "PID $pool is gone"
	fi
	[ -n "$pool" ] && kill -TERM $pool 2>/dev/null
	for _ in $(seq 1 30); do [ -z "$(alive_of $pool)" ] && break; sleep 0.1; done
	[ -n "$pool" ] && kill -KILL $pool 2>/dev/null
else
	nok "spawn-fcgi starts the app" "spawn-fcgi is not installed (make deps)"
fi
finish
