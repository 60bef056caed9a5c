#!/bin/bash
# run_nginx.sh — nginx (deploy/nginx/ordersync.conf, paths and port substituted) to a spawn-fcgi pool, then the smoke test.
. "$(dirname "$0")/lib.sh"
need nginx
deploy_setup
start_pool "$W/run/app.sock"
# Long-poll on: the pool runs with the unit's ORDERSYNC_WAIT_MAX, which the
# feed must report (smoke.sh), and the server's read timeout must let a
# request wait that long.
SMOKE_WAIT_MAX=$(unit_env ORDERSYNC_WAIT_MAX)
[ -n "$SMOKE_WAIT_MAX" ] || die "deploy/systemd/ordersync.service sets no ORDERSYNC_WAIT_MAX"
export SMOKE_WAIT_MAX

# HTTPS too, on a second port with a throw-away certificate: the app must
# see HTTPS=on from nginx (fastcgi_param HTTPS) and mark the admin cookie
# Secure (smoke.sh, SMOKE_HTTPS_URL).
listen="listen 127.0.0.1:$PORT;"
if tls_cert; then
	listen="$listen listen 127.0.0.1:$TLS_PORT ssl; ssl_certificate $W/tls.crt; ssl_certificate_key $W/tls.key;"
fi

share=$PREFIX_DIR/share/ordersync
render "$TOP/deploy/nginx/ordersync.conf" "$W/ordersync.conf" \
    "server unix:/run/ordersync/ordersync.sock;|server unix:$W/run/app.sock;" \
    "listen 80;|$listen" \
    "listen [::]:80;|" \
    "/usr/local/share/ordersync/static/|$share/static/" \
    "location /static/ {|location $BASE/static/ {" \
    "location / {|location $BASE/ {"
if [ -n "$BASE" ]; then
	render "$W/ordersync.conf" "$W/ordersync.conf.new" \
	    "#location = /shop { return 308 /shop/; }|location = $BASE { return 308 $BASE/; }"
	mv "$W/ordersync.conf.new" "$W/ordersync.conf"
fi
user=
[ "$(id -u)" = 0 ] && user="user $RUN_USER $RUN_GROUP;"
cat > "$W/nginx.conf" <<EOC
$user
daemon off;
master_process on;
worker_processes 1;
# Room for slow clients, as deploy/nginx/ordersync.conf tells nginx.conf.
worker_rlimit_nofile 16384;
pid $W/run/nginx.pid;
error_log $W/logs/error.log warn;
events { worker_connections 8192; }
http {
	include /etc/nginx/mime.types;
	default_type application/octet-stream;
	access_log $W/logs/access.log;
	client_body_temp_path $W/tmp/body;
	fastcgi_temp_path $W/tmp/fastcgi;
	proxy_temp_path $W/tmp/proxy;
	scgi_temp_path $W/tmp/scgi;
	uwsgi_temp_path $W/tmp/uwsgi;
	server_tokens off;
	include $W/ordersync.conf;
}
EOC
nginx -t -p "$W" -c "$W/nginx.conf" > "$W/logs/configtest.log" 2>&1 || {
	cat "$W/logs/configtest.log"; die "nginx refused the config"; }
spawn_bg nginx.log nginx -p "$W" -c "$W/nginx.conf"
wait_http "$URL/healthz" "$LAST_PID" || exit 1
say "$(nginx -v 2>&1 | sed 's/^nginx version: //') on $URL"
run_smoke
