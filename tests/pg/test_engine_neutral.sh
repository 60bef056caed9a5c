#!/bin/bash
# test_engine_neutral.sh — no integration suite reaches the database but
# through lib.sh's engine switch (tests/integration/db_engine.sh): no
# sqlite3 (the program or Python's module), no PRAGMA, no SQL function only
# SQLite has, no explicit id without $OVERRIDE, and no use of the database as
# a file — except where a suite has branched on $ENGINE (the allow-list
# below, each with its reason). A grep, so it needs no server; make check-pg
# runs it first. Usage: test_engine_neutral.sh [DIR] (default: the suites of
# this checkout; another DIR, e.g. an older checkout's, shows it can fail).
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "${1:-$TOP/tests/integration}" || exit 1
PASS=0 FAIL=0
ok()  { PASS=$((PASS + 1)); echo "ok   - $1"; }
nok() { FAIL=$((FAIL + 1)); echo "FAIL - $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/       /'; return 0; }

# Suites allowed to use the database as a file, and why.
FILE_OK='test_db_access.sh test_config_check.sh'
#   test_db_access.sh: a read-only SQLite file; under pg it prints a skip and
#     exits before any of it.
#   test_config_check.sh: the file that must not appear is the SQLite branch
#     of its db_made (the pg branch looks for tables).

# check DESCRIPTION ERE [FILES…]: no line of the suites (comments aside)
# matches ERE.
check() {
	local what=$1 re=$2 hits
	shift 2
	[ $# -gt 0 ] || set -- test_*.sh
	hits=$(grep -HnE -- "$re" "$@" | grep -vE '^[^:]+:[0-9]+:[[:space:]]*#' | cut -c1-160)
	if [ -z "$hits" ]; then ok "$what"; else nok "$what" "$hits"; fi
}

check "no sqlite3 (program or Python module) in a suite" '\bsqlite3\b'
check "no PRAGMA" '\bPRAGMA\b'
check "no SQLite-only SQL function or statement (group_concat, strftime, json_extract, json_object, printf(), hex(), char(), randomblob, datetime, julianday, unixepoch, last_insert_rowid, BEGIN IMMEDIATE, INSERT OR, .timeout)" \
    "group_concat|[^.a-z_]strftime\(|json_extract|json_object\(|[^a-z_]printf\(|[^a-z_]hex\(|[^a-z_]char\(|randomblob|[^.a-z_]datetime\(|julianday|unixepoch|last_insert_rowid|BEGIN IMMEDIATE|INSERT OR |\.timeout"
others=$(for f in test_*.sh; do case " $FILE_OK " in *" $f "*) ;; *) echo "$f" ;; esac; done)
# shellcheck disable=SC2086
check "no suite uses the database as a file (cp, mv, rm, ls, chmod, chown, stat, test -e/-f/-s on \$DB, -wal/-shm, a *.db path) outside the allow-list" \
    '(cp|mv|rm|ls|chmod|chown|stat|du)\b[^|;]*"?\$\{?DB\}?"?|\[ -[efsrwx] "?\$\{?DB\b|-wal\b|-shm\b|\.db\b' $others
check "no suite sets DB itself outside the allow-list (db_create does)" '(^|[[:space:];])DB=' $others

# An INSERT naming an id column must say $OVERRIDE before its VALUES/SELECT
# (PostgreSQL's identities refuse an id otherwise), however it is wrapped.
bad=$(awk '
	FNR == 1 { inside = 0 }
	/INSERT INTO [a-z_]+ *\((id|[a-z_, ]*, id),/ { inside = 1; start = FILENAME ":" FNR; seen = 0 }
	inside && /\$OVERRIDE/ { seen = 1 }
	inside && /(VALUES|SELECT)/ { if (!seen) print start; inside = 0 }
' test_*.sh)
if [ -z "$bad" ]; then ok "every INSERT with an explicit id says \$OVERRIDE"; else nok "INSERT with an id and no \$OVERRIDE" "$bad"; fi
# …and the suite then moves the identities past them.
bad=$(for f in $(grep -l 'OVERRIDE' test_*.sh); do grep -q 'sql_sync_ids' "$f" || echo "$f"; done)
if [ -z "$bad" ]; then ok "every suite that sets ids calls sql_sync_ids"; else nok "no sql_sync_ids after \$OVERRIDE" "$bad"; fi

# lib.sh itself: sqlite3 only inside db_engine.sh.
check "lib.sh runs no sqlite3 itself (db_engine.sh does)" '\bsqlite3\b' lib.sh

echo "$(basename "$0"): $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
