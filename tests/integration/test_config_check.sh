#!/bin/bash
# test_config_check.sh — ordersyncctl check-config, and serve.sh (make run) refusing a bad ORDERSYNC_* value plainly before it creates anything.
. "$(dirname "$0")/lib.sh"

# The database check-config and serve.sh are pointed at: a file that must
# not appear (SQLite), or an empty database that must stay without schema
# (PostgreSQL: the suite's own, made empty).
if [ "$ENGINE" = pg ]; then
	db_create || { nok "the suite's database is made"; finish; exit; }
	CDB=$DB RUNDB=$DB
else
	CDB=$WORK/c.db RUNDB=$WORK/run/ordersync.db
fi
# db_made: the database holds something (a file; a migrated schema).
db_made() {
	if [ "$ENGINE" = pg ]; then
		[ "$(sql "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" != 0 ]
	else
		[ -e "$CDB" ] || [ -e "$RUNDB" ]
	fi
}

# ---- ordersyncctl check-config ----
out=$(env ORDERSYNC_TEMPLATES="$TOP/templates" ORDERSYNC_LANG=fr "$CTL_BIN" --db "$CDB" check-config 2>&1)
rc=$?
if [ $rc = 0 ] && printf '%s' "$out" | grep -qx 'ORDERSYNC_LANG=fr' &&
    printf '%s' "$out" | grep -qxF "ORDERSYNC_DB=$CDB"; then
	ok "check-config: a good environment exits 0 and prints the settings"
else
	nok "check-config: a good environment exits 0 and prints the settings" "rc $rc: $out"
fi
db_made && nok "check-config creates no database" || ok "check-config creates no database"

while IFS='|' read -r var value; do
	out=$(env ORDERSYNC_TEMPLATES="$TOP/templates" "$var=$value" "$CTL_BIN" check-config 2>&1 >/dev/null)
	rc=$?
	if [ $rc = 1 ] && printf '%s' "$out" | grep -q "^ordersyncctl: $var: "; then
		ok "check-config: $var=$value exits 1 naming the variable"
	else
		nok "check-config: $var=$value exits 1 naming the variable" "rc $rc: $out"
	fi
done <<'EOF'
ORDERSYNC_POLL_MS|fast
ORDERSYNC_LANG|de
ORDERSYNC_TZ|Mars/Olympus
ORDERSYNC_BASE_URL|shop/
ORDERSYNC_TEMPLATES|/nonexistent/templates
EOF

# ---- serve.sh: the check comes first, nothing is made ----
PORT=$(free_port)
out=$(ORDERSYNC_POLL_MS=fast "$TOP/deploy/lighttpd/serve.sh" --port "$PORT" \
    --db "$RUNDB" --dir "$WORK/run/srv" --bin "$APP_BIN" --ctl "$CTL_BIN" 2>&1)
rc=$?
if [ $rc != 0 ] && printf '%s' "$out" | grep -q 'ORDERSYNC_POLL_MS: must be'; then
	ok "serve.sh: a bad ORDERSYNC_POLL_MS stops it with the message"
else
	nok "serve.sh: a bad ORDERSYNC_POLL_MS stops it with the message" "rc $rc: $out"
fi
if [ -e "$WORK/run" ] || db_made; then
	nok "serve.sh: nothing created before the check" "$(find "$WORK/run" | head -n 5 | tr '\n' ' ')"
else
	ok "serve.sh: nothing created before the check (no database, no password)"
fi
if printf '%s' "$out" | grep -q 'password'; then
	nok "serve.sh: no admin password printed for a refused configuration" "$out"
else
	ok "serve.sh: no admin password printed for a refused configuration"
fi
if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/healthz"; then
	nok "serve.sh: no server left running"
else
	ok "serve.sh: no server left running"
fi
finish
