#!/bin/bash
# run_lighttpd.sh — lighttpd + mod_fastcgi (deploy/lighttpd/ordersync.conf, included as is) on a loopback port, then the smoke test.
. "$(dirname "$0")/lib.sh"
need lighttpd
deploy_setup

# lighttpd starts the app itself (bin-path) after dropping to server.username.
conf=$W/lighttpd.conf
cat > "$conf" <<EOC
server.bind		= "127.0.0.1"
server.port		= $PORT
server.document-root	= "$W/empty"
server.errorlog		= "$W/logs/error.log"
server.pid-file		= "$W/run/lighttpd.pid"
server.upload-dirs	= ( "$W/tmp" )
mimetype.assign		= ( ".css" => "text/css; charset=utf-8",
			    ".js" => "text/javascript; charset=utf-8",
			    ".mjs" => "text/javascript; charset=utf-8",
			    ".svg" => "image/svg+xml", ".png" => "image/png",
			    ".ico" => "image/x-icon", ".json" => "application/json",
			    ".woff2" => "font/woff2" )
var.ordersync_base	= "$BASE"
var.ordersync_bin	= "$PREFIX_DIR/lib/ordersync/ordersync.fcgi"
var.ordersync_share	= "$PREFIX_DIR/share/ordersync"
var.ordersync_db	= "$DB"
var.ordersync_socket	= "$W/run/app.sock"
var.ordersync_procs	= 2
var.ordersync_poll_ms	= "5000"
var.ordersync_lang	= "en"
var.ordersync_shop_name	= "ordersync shop"
include "$TOP/deploy/lighttpd/ordersync.conf"
EOC
mkdir -p "$W/empty"
if [ "$(id -u)" = 0 ]; then
	printf 'server.username\t= "%s"\nserver.groupname\t= "%s"\n' "$RUN_USER" "$RUN_GROUP" >> "$conf"
fi
# HTTPS too, on a second port: the app must see HTTPS=on from lighttpd.
if [ -f /usr/lib/lighttpd/mod_openssl.so ] && tls_cert; then
	cat >> "$conf" <<EOC
server.modules += ( "mod_openssl" )
\$SERVER["socket"] == "127.0.0.1:$TLS_PORT" {
	ssl.engine	= "enable"
	ssl.pemfile	= "$W/tls.crt"
	ssl.privkey	= "$W/tls.key"
}
EOC
fi
lighttpd -tt -f "$conf" > "$W/logs/configtest.log" 2>&1 || { cat "$W/logs/configtest.log"; die "lighttpd refused the config"; }

# Long-poll on: the config hands the app lighttpd's ORDERSYNC_WAIT_MAX, if
# any, else the app's default, 25; the feed must report it (smoke.sh) and
# lighttpd must let a request wait that long.
export SMOKE_WAIT_MAX=${ORDERSYNC_WAIT_MAX:-25}
spawn_bg lighttpd.log lighttpd -D -f "$conf"
wait_http "$URL/healthz" "$LAST_PID" || exit 1
say "lighttpd $(lighttpd -v 2>&1 | head -n1 | cut -d' ' -f1) on $URL"
run_smoke
