#!/bin/bash
# run_systemd_verify.sh — deploy/systemd units checked by systemd-analyze (verify, and the hardening exposure), paths set to an installed tree.
#
# No systemd runs here, so the socket activation itself is not exercised:
# the nginx and Apache proxy runners start the same binary the same way
# (listening socket on fd 0) through spawn-fcgi, with the units' Environment.
. "$(dirname "$0")/lib.sh"
command -v systemd-analyze >/dev/null || { say "SKIP: systemd-analyze is not installed"; exit 77; }
W=$(mktemp -d /tmp/ordersync-deploy.XXXXXX) || die "mktemp"
mkdir -p "$W/logs" "$W/units" "$W/bin"
# ExecStart must name an executable that exists.
cp "$TOP/cgi/ordersync.fcgi" "$W/bin/ordersync.fcgi" 2>/dev/null || die "build cgi/ordersync.fcgi first (make)"
cp "$TOP/deploy/systemd/ordersync.socket" "$W/units/"
render "$TOP/deploy/systemd/ordersync.service" "$W/units/ordersync.service" \
    "ExecStart=/usr/local/lib/ordersync/ordersync.fcgi|ExecStart=$W/bin/ordersync.fcgi"
cp "$TOP/cgi/ordersyncctl" "$W/bin/ordersyncctl" 2>/dev/null || die "build cgi/ordersyncctl first (make)"
cp "$TOP/deploy/systemd/ordersync-tick.timer" "$W/units/"
render "$TOP/deploy/systemd/ordersync-tick.service" "$W/units/ordersync-tick.service" \
    "ExecStart=/usr/local/bin/ordersyncctl|ExecStart=$W/bin/ordersyncctl"

# Documentation=man:ordersyncctl(1): verify runs man(1) on it, so the page
# is put where man finds it, as `make install` does under PREFIX.
mkdir -p "$W/man/man1"
cp "$TOP/man/ordersyncctl.1" "$W/man/man1/"

rc=0 P=0 F=0 S=0
MANPATH="$W/man:" systemd-analyze verify "$W/units/ordersync.socket" "$W/units/ordersync.service" \
    "$W/units/ordersync-tick.timer" "$W/units/ordersync-tick.service" \
    > "$W/logs/verify.log" 2>&1 || rc=1
if [ $rc = 0 ] && [ ! -s "$W/logs/verify.log" ]; then
	echo "ok   - systemd-analyze verify: no warnings"
	P=$((P + 1))
else
	echo "FAIL - systemd-analyze verify"
	sed 's/^/       /' "$W/logs/verify.log"
	rc=1 F=$((F + 1))
fi

# Exposure: 0 is fully locked down, 10 is nothing at all; "OK" is below 3.
if systemd-analyze security --help 2>/dev/null | grep -q -- '--offline'; then
	exposure=$(systemd-analyze security --offline=yes --no-pager "$W/units/ordersync.service" 2>/dev/null |
	    grep -o 'Overall exposure level for ordersync.service: [0-9.]*' | awk '{print $NF}')
	if [ -n "$exposure" ] && awk "BEGIN { exit !($exposure <= 2.0) }"; then
		echo "ok   - systemd-analyze security: exposure $exposure (at most 2.0)"
		P=$((P + 1))
	else
		echo "FAIL - systemd-analyze security: exposure ${exposure:-unknown}, want at most 2.0"
		rc=1 F=$((F + 1))
	fi
else
	echo "SKIP - systemd-analyze security --offline (systemd too old)"
	S=$((S + 1))
fi
echo "smoke: $P passed, $F failed, $S skipped"
exit $rc
