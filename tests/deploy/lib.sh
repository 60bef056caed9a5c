# lib.sh — shared by the deploy runners (bash): an installed tree, a fresh database, servers started and stopped by PID.
#
# A runner sources this file, calls deploy_setup, writes its server config
# from deploy/ into $W, starts the server with spawn_bg, waits with
# wait_http, runs smoke.sh against $URL and exits with its status.
# Everything spawn_bg started is stopped by process group (its PID) on
# exit, also when a check fails or the runner is interrupted.
#
# Environment:
#   DEPLOY_BASE       mount prefix, "" (default) or like /shop
#   DEPLOY_KEEP=1     keep the work directory (logs, configs) for a look
#   DEPLOY_TIMEOUT    seconds to wait for a server to answer (default 20)
#   DEPLOY_HOLD=N     instead of the smoke test, keep the server up N seconds
#                     (at most 600) for a look by hand, then stop it

set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BASE=${DEPLOY_BASE:-}
WAIT_SECS=${DEPLOY_TIMEOUT:-20}
ADMIN_EMAIL=admin@example.com
ADMIN_PASSWORD=deploy-smoke-password-1
PIDS=()		# process groups to stop (spawn_bg), then plain PIDs (pidfiles)
PIDFILES=()
W=

# The user the web server's workers and the app run as. As root, Apache and
# nginx refuse to keep root for their workers: www-data it is, and every
# path the app touches must be reachable by it.
if [ "$(id -u)" = 0 ]; then
	RUN_USER=www-data
	RUN_GROUP=$(id -gn www-data 2>/dev/null || echo www-data)
else
	RUN_USER=$(id -un)
	RUN_GROUP=$(id -gn)
fi

say() { echo "[$(basename "$0" .sh)] $*"; }
die() { say "error: $*" >&2; exit 1; }

stop_all() {
	local p f i
	for f in "${PIDFILES[@]}"; do
		[ -s "$f" ] || continue
		while read -r p || [ -n "$p" ]; do
			[ -n "$p" ] && kill -TERM "$p" 2>/dev/null
		done < "$f"
	done
	for p in "${PIDS[@]}"; do
		kill -TERM -- "-$p" 2>/dev/null
	done
	# Up to 5 s for a graceful exit, then KILL whatever is left.
	for i in $(seq 1 50); do
		local alive=0
		for p in "${PIDS[@]}"; do
			kill -0 -- "-$p" 2>/dev/null && alive=1
		done
		for f in "${PIDFILES[@]}"; do
			[ -s "$f" ] || continue
			while read -r p || [ -n "$p" ]; do
				[ -n "$p" ] && kill -0 "$p" 2>/dev/null && alive=1
			done < "$f"
		done
		[ $alive = 0 ] && break
		sleep 0.1
	done
	for f in "${PIDFILES[@]}"; do
		[ -s "$f" ] || continue
		while read -r p || [ -n "$p" ]; do
			[ -n "$p" ] && kill -KILL "$p" 2>/dev/null
		done < "$f"
	done
	for p in "${PIDS[@]}"; do
		kill -KILL -- "-$p" 2>/dev/null
	done
	PIDS=() PIDFILES=()
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	stop_all
	if [ -n "$W" ] && [ -d "$W" ]; then
		if [ $rc != 0 ]; then
			local f
			for f in "$W"/logs/*; do
				[ -s "$f" ] || continue
				echo "--- $(basename "$f") (last 25 lines)"
				tail -n 25 "$f"
			done
		fi
		if [ "${DEPLOY_KEEP:-0}" = 1 ]; then
			say "kept $W"
		else
			rm -rf "$W"
		fi
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A loopback port nobody listens on.
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 40000))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
}

need() {
	command -v "$1" >/dev/null 2>&1 || die "$1 is not installed (make deps-deploy)"
}

# deploy_setup: $W (work dir), $ROOT (make install DESTDIR), $PREFIX_DIR
# (the installed PREFIX), $DB (fresh database with the demo catalog and an
# admin), $PORT and $URL. Everything under $W is readable by RUN_USER; the
# database directory is owned by it.
deploy_setup() {
	W=$(mktemp -d /tmp/ordersync-deploy.XXXXXX) || die "mktemp"
	chmod 0755 "$W"
	mkdir -p "$W/logs" "$W/run" "$W/data" "$W/tmp"
	ROOT=$W/root
	PREFIX_DIR=$ROOT/usr/local
	make -C "$TOP" --no-print-directory -s install PREFIX=/usr/local \
	    DESTDIR="$ROOT" > "$W/logs/install.log" 2>&1 || {
		cat "$W/logs/install.log"; die "make install failed"; }
	[ -x "$PREFIX_DIR/lib/ordersync/ordersync.fcgi" ] || die "install: no lib/ordersync/ordersync.fcgi"
	[ -x "$PREFIX_DIR/bin/ordersyncctl" ] || die "install: no bin/ordersyncctl"
	[ -f "$PREFIX_DIR/share/ordersync/templates/layout.mustache" ] || die "install: no templates"
	[ -f "$PREFIX_DIR/share/ordersync/templates/locales/fr.json" ] || die "install: no locales"
	[ -f "$PREFIX_DIR/share/ordersync/static/css/app.css" ] || die "install: no static files"
	# What the systemd unit's Documentation= names.
	[ -f "$PREFIX_DIR/share/man/man1/ordersyncctl.1" ] || die "install: no man page"
	[ -f "$PREFIX_DIR/share/doc/ordersync/README.md" ] || die "install: no share/doc/ordersync/README.md"
	chmod -R go+rX "$ROOT"

	DB=$W/data/ordersync.db
	local ctl=$PREFIX_DIR/bin/ordersyncctl
	{ "$ctl" --db "$DB" init && "$ctl" --db "$DB" demo &&
	  printf '%s\n' "$ADMIN_PASSWORD" | "$ctl" --db "$DB" user add "$ADMIN_EMAIL" --role admin
	} > "$W/logs/ctl.log" 2>&1 || { cat "$W/logs/ctl.log"; die "ordersyncctl could not create the database"; }
	# WAL: the app writes the -wal and -shm files beside the database, so
	# the directory and every file in it belong to the app's user.
	if [ "$(id -u)" = 0 ]; then
		chown -R "$RUN_USER:$RUN_GROUP" "$W/data" "$W/run" "$W/tmp" "$W/logs"
	fi
	chmod 0750 "$W/data"

	PORT=$(free_port)
	URL=http://127.0.0.1:$PORT$BASE
	export ORDERSYNC_ADMIN_EMAIL=$ADMIN_EMAIL ORDERSYNC_ADMIN_PASSWORD=$ADMIN_PASSWORD
}

# spawn_bg LOGNAME CMD...: starts CMD in a new session (its own process
# group, stopped on exit); $! is its PID.
spawn_bg() {
	local log=$1
	shift
	setsid "$@" >> "$W/logs/$log" 2>&1 < /dev/null &
	PIDS+=("$!")
	LAST_PID=$!
}

# track_pidfile FILE: also stop the PIDs listed in FILE (spawn-fcgi -P).
track_pidfile() { PIDFILES+=("$1"); }

# wait_http URL [PID]: until URL answers 200, at most WAIT_SECS; fails
# early when PID (the server) has exited.
wait_http() {
	local url=$1 pid=${2:-} i n=$((WAIT_SECS * 10))
	for i in $(seq 1 "$n"); do
		if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
			return 0
		fi
		if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
			say "the server (PID $pid) exited before answering $url"
			return 1
		fi
		sleep 0.1
	done
	say "no answer from $url within $WAIT_SECS s"
	return 1
}

# wait_file PATH: until PATH exists (a socket), at most WAIT_SECS.
wait_file() {
	local i n=$((WAIT_SECS * 10))
	for i in $(seq 1 "$n"); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	say "$1 did not appear within $WAIT_SECS s"
	return 1
}

# render SRC DEST 'from|to' ...: copies a committed deploy/ file with literal
# substitutions; each one must match, so a config that drifted from what
# the runner expects fails loudly instead of testing something else.
render() {
	local src=$1 dest=$2 pair from to
	shift 2
	cp "$src" "$dest"
	for pair in "$@"; do
		from=${pair%%|*}
		to=${pair#*|}
		grep -qF -- "$from" "$dest" || die "$(basename "$src"): expected text not found: $from"
		FROM=$from TO=$to perl -0pi -e 's/\Q$ENV{FROM}\E/$ENV{TO}/g' "$dest"
	done
}

# pool_env: the app's environment as the systemd unit sets it
# (deploy/systemd/ordersync.service Environment= lines), with the paths of
# this run. Prints NAME=value lines.
pool_env() {
	local line kv
	while IFS= read -r line; do
		kv=${line#Environment=}
		kv=${kv#\"}
		kv=${kv%\"}
		case $kv in
		ORDERSYNC_DB=*) kv=ORDERSYNC_DB=$DB ;;
		ORDERSYNC_TEMPLATES=*) kv=ORDERSYNC_TEMPLATES=$PREFIX_DIR/share/ordersync/templates ;;
		ORDERSYNC_BASE_URL=*) kv=ORDERSYNC_BASE_URL=$BASE ;;
		esac
		printf '%s\n' "$kv"
	done < <(grep '^Environment=' "$TOP/deploy/systemd/ordersync.service")
}

# unit_env NAME: the value the systemd unit's Environment= lines give NAME
# (pool_env), empty when they do not name it.
unit_env() { pool_env | sed -n "s/^$1=//p" | tail -n 1; }

# start_pool SOCKET: a FastCGI pool of 2 app processes on a Unix socket,
# started by spawn-fcgi the way deploy/ describes (as RUN_USER, socket
# group of the web server), environment from the systemd unit.
start_pool() {
	local sock=$1 envs=() line
	need spawn-fcgi
	while IFS= read -r line; do envs+=("$line"); done < <(pool_env)
	local user_opts=()
	if [ "$(id -u)" = 0 ]; then
		user_opts=(-u "$RUN_USER" -g "$RUN_GROUP" -U "$RUN_USER" -G "$RUN_GROUP")
	fi
	# The app's log goes to a file as README's command sends it (spawn-fcgi
	# itself sends the app's stderr to /dev/null).
	APP_LOG=$W/logs/app.log
	spawn-fcgi -s "$sock" -M 0660 "${user_opts[@]}" -F 2 -P "$W/run/pool.pids" \
	    -- /usr/bin/env "${envs[@]}" /bin/sh -c 'exec "$0" 2>>"$1"' \
	    "$PREFIX_DIR/lib/ordersync/ordersync.fcgi" "$APP_LOG" \
	    >> "$W/logs/pool.log" 2>&1 < /dev/null || die "spawn-fcgi failed"
	track_pidfile "$W/run/pool.pids"
	wait_file "$sock" || die "the pool's socket did not appear"
}

# run_smoke: the black-box smoke test against $URL.
run_smoke() {
	local hold=${DEPLOY_HOLD:-0}
	if [ "$hold" -gt 0 ] 2>/dev/null; then
		[ "$hold" -gt 600 ] && hold=600
		say "holding $URL for $hold s (admin $ADMIN_EMAIL / $ADMIN_PASSWORD; work dir $W)"
		sleep "$hold"
		return 0
	fi
	local rc=0
	bash "$TOP/tests/deploy/smoke.sh" "$URL" || rc=1
	# A spawn-fcgi pool: the orders the smoke test placed are in the app's
	# log, so the documented command keeps it.
	if [ -n "${APP_LOG:-}" ]; then
		if grep -q 'created through the API' "$APP_LOG" 2>/dev/null; then
			echo "ok   - the pool's app log (spawn-fcgi, README's command) has the orders"
		else
			echo "FAIL - the pool's app log (spawn-fcgi, README's command) has the orders"
			rc=1
		fi
	fi
	# Then a bounded slowloris from a second loopback address: the shop
	# must keep answering this one (plain HTTP; DEPLOY_SLOW=0 skips it).
	if [ "${DEPLOY_SLOW:-1}" = 1 ]; then
		bash "$TOP/tests/deploy/slow_clients.sh" "$URL" || rc=1
	fi
	return $rc
}

# apache_base CONF MPM MODULE...: the server-level part of an Apache httpd
# 2.4 config for this run (loopback port, logs and runtime files in $W,
# workers as RUN_USER); the runner appends its own part.
apache_base() {
	local conf=$1 mpm=$2 m
	shift 2
	need apache2
	{
		cat <<EOC
ServerRoot "$W"
DefaultRuntimeDir "$W/run"
PidFile "$W/run/apache.pid"
Mutex file:$W/run default
Listen 127.0.0.1:$PORT
ServerName 127.0.0.1
ServerTokens Prod
ServerSignature Off
Timeout 30
KeepAliveTimeout 2
ErrorLog "$W/logs/error.log"
LogLevel warn
LoadModule mpm_${mpm}_module /usr/lib/apache2/modules/mod_mpm_${mpm}.so
EOC
		# Debian 12's mod_qos needs PCRE 1 loaded first (ordersync-limits.conf).
		local pcre1
		pcre1=/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)/libpcre.so.3
		[ -e "$pcre1" ] && echo "LoadFile $pcre1"
		for m in authz_core mime reqtimeout qos "$@"; do
			echo "LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so"
		done
		cat <<EOC
TypesConfig /etc/mime.types
AddType "text/css; charset=utf-8" .css
AddType "text/javascript; charset=utf-8" .js .mjs
LogFormat "%h %t \"%r\" %>s %b %D" timed
CustomLog "$W/logs/access.log" timed
StartServers 1
# More workers than one address may hold (ordersync-limits.conf: 20).
MaxRequestWorkers 64
DocumentRoot "$W/htdocs"
<Directory />
	Require all denied
	AllowOverride None
</Directory>
EOC
		if [ "$mpm" != prefork ]; then
			echo "ThreadsPerChild 16"
			echo "ServerLimit 4"
		fi
		# The server-wide slow-client limits, as README tells the host
		# (a2enconf ordersync-limits).
		echo "Include \"$TOP/deploy/apache/ordersync-limits.conf\""
		if [ "$(id -u)" = 0 ]; then
			echo "User $RUN_USER"
			echo "Group $RUN_GROUP"
		fi
	} > "$conf"
	mkdir -p "$W/htdocs"
}

# tls_cert: a throw-away certificate for 127.0.0.1 in $W (tls.crt, tls.key),
# and a second free port, TLS_PORT; returns 1 when openssl is missing.
tls_cert() {
	command -v openssl >/dev/null || return 1
	TLS_PORT=$(free_port)
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	    -keyout "$W/tls.key" -out "$W/tls.crt" -days 2 -subj /CN=127.0.0.1 \
	    > "$W/logs/openssl.log" 2>&1 || die "openssl could not make a certificate"
	chmod 0644 "$W/tls.key"
	export SMOKE_HTTPS_URL=https://127.0.0.1:$TLS_PORT$BASE
}

# apache_start CONF [SITE-FILE]: config test, then httpd in the foreground
# of its own process group; waits for $URL/healthz. The site is served the
# way README's Deployment section says: SITE-FILE (an "Include" of deploy/)
# inside a <VirtualHost> for the port; with openssl, inside a second one on
# TLS_PORT too (mod_ssl), where the app must see HTTPS=on.
apache_start() {
	local site=${2:-}
	{
		echo "<VirtualHost 127.0.0.1:$PORT>"
		echo "	ServerName 127.0.0.1"
		[ -n "$site" ] && echo "	Include \"$site\""
		echo "</VirtualHost>"
	} >> "$1"
	if [ -f /usr/lib/apache2/modules/mod_ssl.so ] && tls_cert; then
		cat >> "$1" <<EOC
LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so
Listen 127.0.0.1:$TLS_PORT
<VirtualHost 127.0.0.1:$TLS_PORT>
	ServerName 127.0.0.1
	SSLEngine on
	SSLCertificateFile "$W/tls.crt"
	SSLCertificateKeyFile "$W/tls.key"
$([ -n "$site" ] && echo "	Include \"$site\"")
</VirtualHost>
EOC
	fi
	apache2 -t -f "$1" > "$W/logs/configtest.log" 2>&1 || {
		cat "$W/logs/configtest.log"; die "apache2 refused the config"; }
	spawn_bg apache.log apache2 -f "$1" -DFOREGROUND
	wait_http "$URL/healthz" "$LAST_PID" || exit 1
	say "$(apache2 -v | head -n1 | sed 's/^Server version: //') on $URL"
}
