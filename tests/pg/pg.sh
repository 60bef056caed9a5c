# pg.sh — a throw-away PostgreSQL 15 cluster for tests (bash; source it).
#
#   . tests/pg/pg.sh
#   tmp=$(mktemp -d /tmp/ordersync-pg.XXXXXX)
#   trap 'pg_stop; rm -rf "$tmp"' EXIT; trap 'exit 1' INT TERM
#   pg_start "$tmp/pg"             # unix socket only (listen_addresses = '')
#   pg_start "$tmp/pg" --tcp       # the socket plus 127.0.0.1 on a free port
#   psql -X -c 'select 1'          # PGHOST, PGPORT, PGDATABASE, PGUSER are set
#   pg_restart [immediate]         # same cluster, same port ("restarted mid-load")
#   pg_stop                        # by PID; safe to call twice
#
# pg_start DIR [--tcp] [--db NAME]: DIR is the cluster's own directory (made
# if missing; use a fresh one): the data directory DIR/data, the server log
# DIR/postgres.log and the socket DIR/.s.PGSQL.PORT. initdb makes a cluster
# whose superuser is PG_USER (ordersync) with trust authentication (it is
# reachable only through that socket and, with --tcp, 127.0.0.1); fsync and
# synchronous_commit stay on, as in production: the tests prove durability.
# When the caller is root, the server runs as Debian's postgres user (the
# package makes it; PostgreSQL refuses to run as root) and DIR becomes that
# user's. Waits at most PG_START_TIMEOUT seconds for the server, then makes
# the database (NAME, default ordersync) and exports PGHOST, PGPORT,
# PGDATABASE, PGUSER, PG_PID, PG_DIR and ORDERSYNC_TEST_PG_URI (a libpq URI:
# postgresql:///DB?host=DIR&port=N&user=U, or with --tcp
# postgresql://U@127.0.0.1:N/DB). On failure it stops what it started, prints
# the end of the server log and returns 1.
#
# The caller owns its traps: call pg_stop from the EXIT trap (it does nothing
# when no cluster runs), so the server stops even when the test fails.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_USER=${PG_USER:-ordersync}
PG_START_TIMEOUT=${PG_START_TIMEOUT:-60}
PG_PID=
PG_DIR=

# Runs a command as the cluster's owner: postgres when we are root.
_pg_as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# A loopback port nobody listens on.
_pg_free_port() {
	local p i
	for i in $(seq 1 200); do
		p=$((20000 + RANDOM % 40000))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
	done
	return 1
}

# The postmaster's PID, from the first line of postmaster.pid ("" if none).
_pg_read_pid() {
	local f=$PG_DIR/data/postmaster.pid
	[ -r "$f" ] && head -n 1 "$f" | tr -dc 0-9
}

_pg_fail() {
	echo "pg.sh: $*" >&2
	if [ -n "$PG_DIR" ] && [ -f "$PG_DIR/postgres.log" ]; then
		echo "--- PostgreSQL log (last 20 lines):" >&2
		tail -n 20 "$PG_DIR/postgres.log" >&2
	fi
	pg_stop
	return 1
}

# pg_ctl start, then wait (bounded) until the server accepts connections;
# sets PG_PID.
_pg_ctl_start() {
	local i rc=0
	_pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" \
	    -w -t "$PG_START_TIMEOUT" start >/dev/null || rc=1
	# Even when pg_ctl gave up waiting, a postmaster may run: keep its PID
	# so that pg_stop ends it.
	PG_PID=$(_pg_read_pid)
	[ $rc = 0 ] && [ -n "$PG_PID" ] || return 1
	for i in $(seq 1 $((PG_START_TIMEOUT * 10))); do
		"$PG_BIN/pg_isready" -q -h "$PG_DIR" -p "$PGPORT" -t 1 && return 0
		kill -0 "$PG_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

pg_start() {
	local dir= tcp=0 db=ordersync port listen
	while [ $# -gt 0 ]; do
		case $1 in
		--tcp)	tcp=1 ;;
		--db)	db=$2; shift ;;
		-*)	echo "pg_start: unknown option $1" >&2; return 2 ;;
		*)	dir=$1 ;;
		esac
		shift
	done
	[ -n "$dir" ] || { echo "usage: pg_start DIR [--tcp] [--db NAME]" >&2; return 2; }
	[ -z "$PG_PID" ] || { echo "pg_start: a cluster already runs (PID $PG_PID)" >&2; return 1; }
	[ -x "$PG_BIN/initdb" ] ||
		{ echo "pg_start: no $PG_BIN/initdb (make deps-pg)" >&2; return 1; }
	if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
		echo "pg_start: running as root and there is no postgres user (make deps-pg)" >&2
		return 1
	fi
	mkdir -p "$dir" || return 1
	PG_DIR=$(cd "$dir" && pwd)
	# A unix socket path holds at most 107 bytes.
	if [ ${#PG_DIR} -gt 80 ]; then
		echo "pg_start: $PG_DIR is too long for a unix socket path" >&2
		PG_DIR=
		return 1
	fi
	if [ "$(id -u)" = 0 ]; then
		chown postgres: "$PG_DIR" && chmod 0755 "$PG_DIR" || return 1
		# postgres must be able to reach DIR through its parents: a
		# parent of ours under /tmp (a mktemp -d, mode 0700) gets o+x
		# (enter, not list); any other closed parent is an error.
		local up=$PG_DIR
		while up=$(dirname "$up"); [ "$up" != / ]; do
			runuser -u postgres -- test -x "$up" && continue
			case $up in
			/tmp/?*|"${TMPDIR:-/tmp}"/?*)
				[ -O "$up" ] && chmod o+x "$up" && continue ;;
			esac
			echo "pg_start: postgres cannot enter $up" >&2
			PG_DIR=
			return 1
		done
	fi
	port=$(_pg_free_port) || { echo "pg_start: no free port" >&2; PG_DIR=; return 1; }
	_pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U "$PG_USER" --auth=trust \
	    -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 ||
		{ cat "$PG_DIR/initdb.log" >&2; _pg_fail "initdb failed"; return 1; }
	listen="''"
	[ $tcp = 1 ] && listen="'127.0.0.1'"
	_pg_as_owner tee -a "$PG_DIR/data/postgresql.conf" >/dev/null <<-EOF

	# pg.sh: a throw-away test cluster
	listen_addresses = $listen
	port = $port
	unix_socket_directories = '$PG_DIR'
	fsync = on
	synchronous_commit = on
	full_page_writes = on
	max_connections = 200
	shared_buffers = 32MB
	log_min_messages = warning
	log_line_prefix = '%m [%p] %d '
	EOF
	export PGHOST=$PG_DIR PGPORT=$port PGUSER=$PG_USER PGDATABASE=postgres
	_pg_ctl_start || { _pg_fail "the server did not start within ${PG_START_TIMEOUT}s"; return 1; }
	"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d postgres \
	    -c "CREATE DATABASE \"${db//\"/\"\"}\"" >/dev/null ||
		{ _pg_fail "cannot create database $db"; return 1; }
	export PGDATABASE=$db PG_PID PG_DIR
	if [ $tcp = 1 ]; then
		export PGHOST=127.0.0.1
		export ORDERSYNC_TEST_PG_URI="postgresql://$PG_USER@127.0.0.1:$port/$db"
	else
		export ORDERSYNC_TEST_PG_URI="postgresql:///$db?host=$PG_DIR&port=$port&user=$PG_USER"
	fi
	return 0
}

# pg_stop: stops the cluster pg_start started (pg_ctl stop -m fast, then
# SIGKILL to the postmaster's PID if it still lives), waiting at most 30 s.
# Does nothing when none runs: safe to call twice and from a trap.
pg_stop() {
	local i
	[ -n "$PG_PID" ] || return 0
	if kill -0 "$PG_PID" 2>/dev/null; then
		_pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -t 20 -w stop \
		    >/dev/null 2>&1
		if kill -0 "$PG_PID" 2>/dev/null; then
			kill -KILL "$PG_PID" 2>/dev/null
			for i in $(seq 1 100); do
				kill -0 "$PG_PID" 2>/dev/null || break
				sleep 0.1
			done
		fi
	fi
	PG_PID=
	return 0
}

# pg_restart [fast|immediate]: stops the running cluster (immediate: like a
# crash, recovery replays the WAL at start) and starts it again on the same
# port and socket; PG_PID is the new postmaster's.
pg_restart() {
	local mode=${1:-fast}
	[ -n "$PG_PID" ] || { echo "pg_restart: no cluster runs" >&2; return 1; }
	_pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m "$mode" -t 30 -w stop \
	    >/dev/null 2>&1
	if kill -0 "$PG_PID" 2>/dev/null; then
		kill -KILL "$PG_PID" 2>/dev/null
		sleep 0.5
	fi
	PG_PID=
	_pg_ctl_start || { _pg_fail "the server did not restart"; return 1; }
	export PG_PID
}

# pg_psql [psql args]: psql on the test database, stopping at the first error.
pg_psql() {
	"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"
}
