#!/bin/bash
# run_apache_cgi.sh — Apache httpd (prefork MPM) + mod_cgi, shared-hosting style: deploy/apache/htaccess.example as .htaccess, then the smoke test.
# DEPLOY_CGI=cgid: the event MPM with mod_cgid instead (what Debian's
# `a2enmod cgi` picks under a threaded MPM).
. "$(dirname "$0")/lib.sh"
deploy_setup

# The shared-hosting layout of htaccess.example: the binary as
# ordersync.cgi and a copy of static/ in the shop's web directory, the
# templates and the database outside the web root.
conf=$W/httpd.conf
if [ "${DEPLOY_CGI:-cgi}" = cgid ]; then
	apache_base "$conf" event alias cgid rewrite env expires headers dir
else
	apache_base "$conf" prefork alias cgi rewrite env expires headers dir
fi
shopdir=$W/htdocs$BASE
mkdir -p "$shopdir"
install -m 0755 "$PREFIX_DIR/lib/ordersync/ordersync.fcgi" "$shopdir/ordersync.cgi"
cp -R "$PREFIX_DIR/share/ordersync/static" "$shopdir/static"
render "$TOP/deploy/apache/htaccess.example" "$shopdir/.htaccess" \
    "SetEnv ORDERSYNC_BASE_URL /shop|SetEnv ORDERSYNC_BASE_URL \"$BASE\"" \
    "/home/USER/ordersync/data/ordersync.db|$DB" \
    "/home/USER/ordersync/templates|$PREFIX_DIR/share/ordersync/templates"
chmod -R go+rX "$W/htdocs"
cat >> "$conf" <<EOC
<Directory "$W/htdocs">
	Require all granted
	AllowOverride All
	Options FollowSymLinks
</Directory>
EOC

# Long-poll off: plain CGI, one process per request (.htaccess says 0, and
# the app forces it); the feed must say 0 and never hold (smoke.sh).
export SMOKE_WAIT_MAX=0
apache_start "$conf"
run_smoke
