#!/bin/bash
# test_db_access.sh — a database the app may read but not write (a file made by another user; a PostgreSQL role granted SELECT alone) is named as such in the app's log, at start-up and on a failed write.
. "$(dirname "$0")/lib.sh"

as=()
if [ "$ENGINE" = pg ]; then
	# PostgreSQL's case: the app connects as a role granted SELECT alone.
	db_create || { nok "a database for the suite"; finish; exit; }
	{ "$CTL_BIN" --db "$DB" init && "$CTL_BIN" --db "$DB" demo; } > "$WORK/ctl.log" 2>&1 ||
		{ nok "ordersyncctl creates the database" "$(cat "$WORK/ctl.log")"; finish; exit; }
	sku=$(sql "SELECT sku FROM products WHERE stock > 0 LIMIT 1")
	role=ro_$$_$RANDOM
	sql "CREATE ROLE $role LOGIN; GRANT USAGE ON SCHEMA public TO $role;
	    GRANT SELECT ON ALL TABLES IN SCHEMA public TO $role" >/dev/null ||
		{ nok "a read-only role"; finish; exit; }
	DB=$(printf '%s' "$DB" | sed "s/user=[^&]*/user=$role/")
else
	# The database belongs to whoever runs the test; the app runs as
	# someone else who can read it but not write it, as when README's
	# steps are done as root or as the wrong user. As root: the app runs
	# as www-data (root would write anyway); otherwise the file is made
	# read-only.
	ro=$WORK/ro
	mkdir -p "$ro"
	chmod 0755 "$WORK" "$ro"
	DB=$ro/ordersync.db
	{ "$CTL_BIN" --db "$DB" init && "$CTL_BIN" --db "$DB" demo; } > "$WORK/ctl.log" 2>&1 ||
		{ nok "ordersyncctl creates the database" "$(cat "$WORK/ctl.log")"; finish; exit; }
	if [ "$(id -u)" = 0 ]; then
		id www-data >/dev/null 2>&1 || { nok "a www-data user exists to run the app as"; finish; exit; }
		chown www-data "$ro"	# the directory is writable (WAL), the file is not
		as=(runuser -u www-data --)
	else
		chmod 0444 "$DB"
	fi
	sku=$(sql "SELECT sku FROM products WHERE stock > 0 LIMIT 1")
fi

# cgi METHOD URI [BODY]: the app as plain CGI; stdout in $WORK/out, stderr in $WORK/err.
cgi() {
	local body=${3:-}
	printf '%s' "$body" | (cd "$TOP" && env -i PATH="$PATH" ORDERSYNC_DB="$DB" \
	    ORDERSYNC_TEMPLATES="$TOP/templates" ASAN_OPTIONS="$ASAN_OPTIONS" \
	    GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD="$1" REQUEST_URI="$2" \
	    SCRIPT_NAME= PATH_INFO="$2" QUERY_STRING= CONTENT_LENGTH=${#body} \
	    CONTENT_TYPE=application/json HTTP_ACCEPT=application/json \
	    HTTP_IDEMPOTENCY_KEY=ro-test-key-1 "${as[@]}" "$APP_BIN") \
	    > "$WORK/out" 2> "$WORK/err"
}

cgi GET /healthz
if grep -q 'read-only for this process' "$WORK/err" &&
    grep -Eq 'belong to the user|must own the database' "$WORK/err"; then
	ok "start-up logs that the database is read-only, and why"
else
	nok "start-up logs that the database is read-only, and why" "stderr: $(head -c 400 "$WORK/err")"
fi

cgi POST /api/orders "{\"customer\":{\"name\":\"Ro\",\"email\":\"ro@example.com\"},\"items\":[{\"sku\":\"$sku\",\"qty\":1}]}"
status=$(sed -n 's/^Status: \([0-9]*\).*/\1/p' "$WORK/out" | head -n 1)
if [ "$status" = 503 ]; then ok "an order on a read-only database is 503, not 500"; else nok "an order on a read-only database is 503" "status '$status': $(head -c 300 "$WORK/out")"; fi
if grep -E 'error .*read-only for this process' "$WORK/err" | grep -qv 'at start-up'; then
	ok "the failed write logs an error naming the read-only database"
else
	nok "the failed write logs an error naming the read-only database" "stderr: $(head -c 600 "$WORK/err")"
fi
finish
