#!/bin/bash
# check_pg.sh — make check-pg: the integration suites against PostgreSQL.
#
# First the two checks that need no engine: test_engine_neutral.sh (no suite
# reaches the database but through lib.sh's switch) and test_harness_pg.sh
# (the switch itself on a real cluster). Then ONE throw-away PostgreSQL 15
# cluster (tests/pg/pg.sh, in a temp dir, stopped by PID in the EXIT trap even
# on failure) and every tests/integration/test_*.sh with
# ORDERSYNC_TEST_ENGINE=pg: each suite makes its own database on that cluster
# and drops it at its end. Prints each suite's output, then one summary line a
# suite; exits non-zero when any failed.
#
# SUITES="shop feed" limits the run to tests/integration/test_shop.sh and
# test_feed.sh; SUITES=none runs none of them (nor the two checks before).
#
# Before the integration suites, the Check unit suites that open a database
# (those including tests/unit/unit_db.h; UNIT="db feed" limits them,
# UNIT=none skips them) run on the same cluster with
# ORDERSYNC_TEST_ENGINE=pg, as make unit runs them (ASan, CK_FORK=yes):
# every test makes its own database and drops it. UNIT_ONLY=1 is
# SUITES=none: the unit suites alone.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
. tests/pg/pg.sh

TMP=$(mktemp -d /tmp/ordersync-checkpg.XXXXXX)
trap 'pg_stop; rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM

[ "${UNIT_ONLY:-0}" = 1 ] && SUITES=none
if [ -n "${UNIT:-}" ]; then
	units=$UNIT
else
	units=$(grep -l '#include "unit_db.h"' tests/unit/check_*.c | sed 's|^tests/unit/check_||; s|\.c$||')
fi
[ "$units" = none ] && units=
if [ -n "$units" ]; then
	make --no-print-directory $(for u in $units; do echo "build/san/check_$u"; done) ||
	    { echo "check-pg: the unit suites did not build"; exit 1; }
fi

rc=0
summary=()
[ "${SUITES:-}" = none ] || for pre in tests/pg/test_engine_neutral.sh tests/pg/test_harness_pg.sh; do
	echo "== $pre"
	bash "$pre" | tee "$TMP/log"
	r=${PIPESTATUS[0]}
	summary+=("$(printf '%-32s %s' "$(basename "$pre")" "$(grep -E 'passed, [0-9]+ failed' "$TMP/log" | tail -n 1 | sed 's/^[^:]*: //') $([ "$r" = 0 ] || echo "(exit $r)")")")
	[ "$r" = 0 ] || rc=1
done

pg_start "$TMP/pg" || { echo "check-pg: the PostgreSQL cluster did not start"; exit 1; }
echo "check-pg: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on $PGHOST, port $PGPORT"
export ORDERSYNC_TEST_ENGINE=pg

for u in $units; do
	echo "== tests/unit/check_$u.c (pg)"
	MUSTACHE_SPEC_DIR="${MUSTACHE_SPEC_DIR:-$TOP/../shared/mustache-spec}" \
	    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 CK_FORK=yes \
	    "build/san/check_$u" 2>&1 | tee "$TMP/log"
	r=${PIPESTATUS[0]}
	line=$(grep -E '^[0-9]+%: Checks: [0-9]+' "$TMP/log" | tail -n 1 | sed 's/^[0-9]*%: //')
	[ -n "$line" ] || line="no result line"
	skipped=$(grep -c '^skipped on PostgreSQL: ' "$TMP/log")
	[ "$skipped" = 0 ] || line="$line, skipped: $skipped"
	[ "$r" = 0 ] || line="$line (exit $r)"
	summary+=("$(printf '%-32s %s' "check_$u (unit)" "$line")")
	[ "$r" = 0 ] || rc=1
	"$PG_BIN/pg_isready" -q -t 10 || { echo "check-pg: the cluster stopped answering"; rc=1; break; }
done

if [ -n "$units" ]; then
	# Each test dropped the databases it made, failed or not.
	left=$("$PG_BIN/psql" -X -q -t -A -d postgres -c \
	    "SELECT count(*) FROM pg_database WHERE datname LIKE 'ordersync\_u\_%'")
	if [ "$left" != 0 ]; then
		echo "check-pg: the unit suites left $left databases"
		summary+=("$(printf '%-32s %s' "unit databases dropped" "no: $left left")")
		rc=1
	fi
fi

if [ "${SUITES:-}" = none ]; then
	list=
elif [ -n "${SUITES:-}" ]; then
	list=$(for s in $SUITES; do echo "tests/integration/test_${s#test_}"; done | sed 's/\(\.sh\)*$/.sh/')
else
	list=$(ls tests/integration/test_*.sh)
fi
for t in $list; do
	[ -f "$t" ] || { echo "check-pg: no $t"; rc=1; continue; }
	echo "== $t (pg)"
	bash "$t" 2>&1 | tee "$TMP/log"
	r=${PIPESTATUS[0]}
	line=$(grep -E '^test_[a-z_]+\.sh: [0-9]+ passed, [0-9]+ failed' "$TMP/log" | tail -n 1 | sed 's/^[^:]*: //')
	[ -n "$line" ] || line="no result line"
	[ "$r" = 0 ] || line="$line (exit $r)"
	summary+=("$(printf '%-32s %s' "$(basename "$t")" "$line")")
	[ "$r" = 0 ] || rc=1
	# A suite whose server died can leave connections: the cluster must
	# still answer before the next suite.
	"$PG_BIN/pg_isready" -q -t 10 || { echo "check-pg: the cluster stopped answering"; rc=1; break; }
done

echo
echo "check-pg summary (ORDERSYNC_TEST_ENGINE=pg):"
printf '  %s\n' "${summary[@]}"
[ $rc = 0 ] && echo "check-pg: all passed" || echo "check-pg: FAILED"
exit $rc
