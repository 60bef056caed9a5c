#!/bin/bash
# run_apache_proxy_fcgi.sh — Apache httpd (event MPM) + mod_proxy_fcgi (deploy/apache/ordersync-proxy-fcgi.conf, included as is) to a spawn-fcgi pool, then the smoke test.
. "$(dirname "$0")/lib.sh"
[ -f /usr/lib/apache2/modules/mod_proxy_fcgi.so ] || die "mod_proxy_fcgi is missing (make deps-deploy)"
deploy_setup
start_pool "$W/run/app.sock"
# Long-poll on: the pool runs with the unit's ORDERSYNC_WAIT_MAX, which the
# feed must report (smoke.sh), and the server's read timeout must let a
# request wait that long.
SMOKE_WAIT_MAX=$(unit_env ORDERSYNC_WAIT_MAX)
[ -n "$SMOKE_WAIT_MAX" ] || die "deploy/systemd/ordersync.service sets no ORDERSYNC_WAIT_MAX"
export SMOKE_WAIT_MAX

conf=$W/httpd.conf
apache_base "$conf" event alias expires headers proxy proxy_fcgi
{
	echo "Define ORDERSYNC_PREFIX \"$PREFIX_DIR\""
	echo "Define ORDERSYNC_SOCKET \"$W/run/app.sock\""
	if [ -n "$BASE" ]; then
		echo "Define ORDERSYNC_MOUNT \"$BASE/\""
		echo "Define ORDERSYNC_BASE_URL \"$BASE\""
	fi
} >> "$conf"

apache_start "$conf" "$TOP/deploy/apache/ordersync-proxy-fcgi.conf"
run_smoke
