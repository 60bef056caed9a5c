#!/bin/bash
# run_apache_fcgid.sh — Apache httpd (event MPM) + mod_fcgid with deploy/apache/ordersync-fcgid.conf included as is, then the smoke test.
. "$(dirname "$0")/lib.sh"
[ -f /usr/lib/apache2/modules/mod_fcgid.so ] || die "mod_fcgid is not installed (make deps-deploy)"
deploy_setup

conf=$W/httpd.conf
apache_base "$conf" event alias rewrite expires headers fcgid
mkdir -p "$W/run/fcgid"
[ "$(id -u)" = 0 ] && chown "$RUN_USER:$RUN_GROUP" "$W/run/fcgid"
{
	echo "FcgidIPCDir \"$W/run/fcgid\""
	echo "FcgidProcessTableFile \"$W/run/fcgid_shm\""
	echo "Define ORDERSYNC_PREFIX \"$PREFIX_DIR\""
	echo "Define ORDERSYNC_DB \"$DB\""
	if [ -n "$BASE" ]; then
		echo "Define ORDERSYNC_MOUNT \"$BASE/\""
		echo "Define ORDERSYNC_BASE_URL \"$BASE\""
	fi
} >> "$conf"

# Long-poll off: ordersync-fcgid.conf gives the app ORDERSYNC_WAIT_MAX=0
# (one request per process); the feed must say 0 and never hold (smoke.sh).
export SMOKE_WAIT_MAX=0
apache_start "$conf" "$TOP/deploy/apache/ordersync-fcgid.conf"
run_smoke
