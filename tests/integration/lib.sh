# lib.sh — shared helpers for the integration tests (bash): a real lighttpd,
# a temporary database, curl, and a pass/fail tally.
#
# A test sources this file, calls start_app, runs checks, then `finish`.
# Everything it started is stopped by PID on exit, even when a check fails.
#
# The storage engine (issue 16): ORDERSYNC_TEST_ENGINE=sqlite (the default)
# or pg. Under pg (make check-pg, which starts one throw-away cluster with
# tests/pg/pg.sh and exports PGHOST, PGPORT, PGUSER) each suite gets its own
# fresh database on that cluster, dropped in the EXIT trap even on failure.
# A suite never touches the database but through this interface:
#   DB          what --db and ORDERSYNC_DB take: the SQLite file, or the
#               database's URI (postgresql:///NAME?host=…&port=…&user=…)
#   ENGINE      sqlite | pg
#   db_create   makes DB (start_app calls it; a suite that needs the
#               database before the server calls it itself)
#   sql [SQL]   runs SQL (the argument, or stdin): sqlite3 or psql, the same
#               output (columns joined by '|', a row a line, NULL empty)
#   db_intact   prints "ok" when the database passes its engine's check
#   sql_hex, sql_zpad, sql_ymd, sql_json_text, sql_chr: SQL fragments that
#               differ between the dialects; OVERRIDE goes between an
#               INSERT's column list and its VALUES when it sets ids, then
#               sql_sync_ids TABLE… moves the identities past them
#   skip REASON a check that only makes sense on the other engine

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
APP_BIN=${APP_BIN:-$TOP/build/san/ordersync.fcgi}
CTL_BIN=${CTL_BIN:-$TOP/build/san/ordersyncctl}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
export ORDERSYNC_ADMIN_EMAIL=admin@example.com
export ORDERSYNC_ADMIN_PASSWORD=correct-horse-battery
PASS=0 FAIL=0 SKIP=0
WORK=$(mktemp -d /tmp/ordersync-test.XXXXXX)
SERVER_PGID=
ENGINE=${ORDERSYNC_TEST_ENGINE:-sqlite}
DB= PG_TEST_DB=
. "$TOP/tests/integration/db_engine.sh"

cleanup() {
	if [ -n "$SERVER_PGID" ]; then
		kill -TERM -- "-$SERVER_PGID" 2>/dev/null
		sleep 0.2
		kill -KILL -- "-$SERVER_PGID" 2>/dev/null
	fi
	if [ "$FAIL" -gt 0 ] && [ -f "$WORK/srv/error.log" ]; then
		echo "--- lighttpd/app error log (last 30 lines):"
		tail -n 30 "$WORK/srv/error.log"
	fi
	db_drop
	rm -rf "$WORK"
}
trap cleanup EXIT

# A loopback port nobody listens on.
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 40000))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
}

# start_app [serve.sh options]: lighttpd + the sanitizer build on a free port.
# A port found free can be taken before lighttpd binds it (another suite
# running beside this one): then it tries again on another port, twice.
start_app() {
	local try
	[ -n "$DB" ] || db_create || { echo "could not create the database"; FAIL=$((FAIL + 1)); exit 1; }
	for try in 1 2 3; do
		PORT=$(free_port)
		SERVER_PGID=$("$TOP/deploy/lighttpd/serve.sh" --port "$PORT" --db "$DB" \
		    --dir "$WORK/srv" --bin "$APP_BIN" --ctl "$CTL_BIN" "$@") && break
		SERVER_PGID=
		grep -q "Address already in use" "$WORK/srv/error.log" 2>/dev/null && [ "$try" -lt 3 ] ||
			{ echo "could not start lighttpd"; FAIL=$((FAIL + 1)); exit 1; }
		echo "port $PORT was taken; trying another"
	done
	BASE_URL=http://127.0.0.1:$PORT${BASE_PATH:-}
}

ok()   { PASS=$((PASS + 1)); echo "ok   - $1"; }
# skip REASON: a check left out on this engine; neither a pass nor a failure.
skip() { SKIP=$((SKIP + 1)); echo "skip - $1"; }
nok()  { FAIL=$((FAIL + 1)); echo "FAIL - $1"; [ -n "${2:-}" ] && echo "       $2"; return 0; }

# req METHOD PATH [curl args...]: sets STATUS, BODY (file), HEADERS (file).
req() {
	local method=$1 path=$2
	shift 2
	BODY=$WORK/body HEADERS=$WORK/headers
	# curl writes nothing for a 304: never read the previous answer's body.
	: > "$BODY"
	STATUS=$(curl -sS -o "$BODY" -D "$HEADERS" -w '%{http_code}' -X "$method" \
	    "$@" "$BASE_URL$path") || STATUS=000
}

# expect_status WANT DESCRIPTION
expect_status() {
	if [ "$STATUS" = "$1" ]; then ok "$2"; else nok "$2" "status $STATUS, want $1; body: $(head -c 300 "$BODY")"; fi
}
# expect_body_has TEXT DESCRIPTION
expect_body_has() {
	if grep -qF -- "$1" "$BODY"; then ok "$2"; else nok "$2" "body lacks '$1': $(head -c 300 "$BODY")"; fi
}
expect_body_lacks() {
	if ! grep -qF -- "$1" "$BODY"; then ok "$2"; else nok "$2" "body has '$1'"; fi
}
# expect_header NAME-REGEX DESCRIPTION (case-insensitive, whole header line)
expect_header() {
	if tr -d '\r' < "$HEADERS" | grep -qiE -- "$1"; then ok "$2"; else nok "$2" "no header matching $1"; fi
}
# json_get EXPR: a value from BODY, through the json-c based ctl? no: python-free jq-free.
json_field() {
	# json_field KEY: the first "KEY": value (string or number) in BODY.
	grep -o "\"$1\": *\"\{0,1\}[^\",}]*" "$BODY" | head -n 1 | sed -e "s/\"$1\": *\"\{0,1\}//"
}

# login_form JAR [curl args...]: GET /admin/login as a browser does; its
# pre-session cookie is kept in JAR.login (a jar without the session, so a
# signed-in JAR still gets the form). Sets LOGIN_TOKEN to the form's hidden
# csrf value ("" when the page has none).
login_form() {
	local jar=$1
	shift
	req GET /admin/login -c "$jar.login" -b "$jar.login" "$@"
	LOGIN_TOKEN=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$BODY" | head -n 1)
}
# admin_login JAR EMAIL PASSWORD [NEXT [curl args...]]: signs in through the
# form as a browser does (the form and its token first, then the POST with
# the token as cookie and field); cookies kept in JAR. The curl args (e.g.
# --interface 127.0.0.2) go to both requests. Sets STATUS, BODY, HEADERS.
admin_login() {
	local jar=$1 email=$2 password=$3 next=${4:-}
	shift 3
	[ $# -gt 0 ] && shift
	login_form "$jar" "$@"
	req POST /admin/login -c "$jar" -b "$jar" -b "ordersync_login=$LOGIN_TOKEN" "$@" \
	    --data-urlencode "csrf=$LOGIN_TOKEN" --data-urlencode "email=$email" \
	    --data-urlencode "password=$password" ${next:+--data-urlencode "next=$next"}
}

# expect_json EXPR WANT DESCRIPTION [EXPR WANT DESCRIPTION ...]: checks of the JSON
# body, each EXPR evaluated with `b` = the body; one Node process for them all.
expect_json() {
	local res desc detail
	while IFS=$'\t' read -r res desc detail; do
		if [ "$res" = ok ]; then ok "$desc"; else nok "$desc" "$detail"; fi
	done < <(node -e '
const fs = require("fs");
const a = process.argv.slice(1);
let b = null, text = fs.readFileSync(a[0], "utf8");
try { b = JSON.parse(text); } catch (e) { b = undefined; }
for (let i = 1; i + 2 < a.length + 1; i += 3) {
  let got;
  try { const v = eval(a[i]); got = typeof v === "object" ? JSON.stringify(v) : String(v); }
  catch (e) { got = "<" + e.message + ">"; }
  if (got === a[i + 1]) console.log("ok\t" + a[i + 2]);
  else console.log("nok\t" + a[i + 2] + "\t" + a[i] + " = " + got + ", want " + a[i + 1] + "; body: " + text.slice(0, 200).replace(/\s+/g, " "));
}' "$BODY" "$@")
}
# etag_of: the last answer's ETag, quotes included.
etag_of() { tr -d '\r' < "$HEADERS" | sed -n 's/^[Ee][Tt][Aa][Gg]: //p'; }

# jget EXPR: a JavaScript expression over the last body's JSON (as b).
jget() { node -e 'const b=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));
let v; try { v = eval(process.argv[2]); } catch (e) { v = "<" + e.message + ">"; }
console.log(typeof v === "object" ? JSON.stringify(v) : String(v));' "$BODY" "$1"; }
# expect_jget EXPR WANT DESCRIPTION
expect_jget() {
	local got
	got=$(jget "$1")
	if [ "$got" = "$2" ]; then ok "$3"; else nok "$3" "$1 = $got, want $2"; fi
}
# csrf_page: the CSRF token of the last page's first form.
csrf_page() { sed -n 's/.*name="csrf" value="\([0-9a-f]\{64\}\)".*/\1/p' "$BODY" | head -n 1; }

# location: the last answer's Location header.
location() { tr -d '\r' < "$HEADERS" | sed -n 's/^[Ll]ocation: //p'; }
# post JAR PATH [curl args]: a back-office form post with the jar's CSRF token (JAR.csrf).
post() {
	local jar=$1 path=$2
	shift 2
	req POST "$path" -b "$jar" --data-urlencode "csrf=$(cat "$jar.csrf")" "$@"
}
# signin JAR EMAIL PASSWORD: signs in and keeps the session's CSRF token in JAR.csrf
# (read from /admin/password, a page every signed-in user has).
signin() {
	admin_login "$1" "$2" "$3"
	req GET /admin/password -b "$1"
	csrf_page > "$1.csrf"
}

finish() {
	local more=
	[ "$SKIP" -gt 0 ] && more=", $SKIP skipped"
	[ "$ENGINE" = sqlite ] || more="$more ($ENGINE)"
	echo "$(basename "$0"): $PASS passed, $FAIL failed$more"
	[ "$FAIL" -eq 0 ]
}
