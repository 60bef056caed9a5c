#!/bin/bash
# run_all.sh — every deploy setup in turn (real servers on loopback ports), then a table: setup × result, and "N passed, M failed".
#
# usage: run_all.sh [NAME...]     NAME: lighttpd apache-fcgid apache-proxy-fcgi
#                                 nginx apache-cgi apache-cgid prefix systemd
#                                 (default: all)
# Environment: DEPLOY_PREFIX_ALL=1 also runs every server setup under /shop;
# SMOKE_STRICT=0 lets a smoke check be skipped when the app lacks its route
# (default 1: every route is built, so a missing one is a failure);
# DEPLOY_SLOW=0 skips the slow-client check (slow_clients.sh) each server
# setup runs after its smoke test;
# DEPLOY_RUN_TIMEOUT (seconds per setup, default 300); DEPLOY_VERBOSE=1
# prints every runner's output, not only the failing ones'.
# Exits non-zero when any setup failed. A setup whose smoke test skipped
# checks (a route not built yet) passes, marked "pass*", with the count.

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
LIMIT=${DEPLOY_RUN_TIMEOUT:-300}
LOGDIR=$(mktemp -d /tmp/ordersync-deploy-logs.XXXXXX)
trap 'rm -rf "$LOGDIR"' EXIT

# name | label | runner | DEPLOY_BASE
SETUPS=(
	"lighttpd|lighttpd + mod_fastcgi|run_lighttpd.sh|"
	"apache-fcgid|Apache (event) + mod_fcgid|run_apache_fcgid.sh|"
	"apache-proxy-fcgi|Apache (event) + mod_proxy_fcgi -> spawn-fcgi|run_apache_proxy_fcgi.sh|"
	"nginx|nginx -> spawn-fcgi|run_nginx.sh|"
	"apache-cgi|Apache (prefork) + mod_cgi, .htaccess|run_apache_cgi.sh|"
	"apache-cgid|Apache (event) + mod_cgid, .htaccess|DEPLOY_CGI=cgid run_apache_cgi.sh|"
	"prefix|/shop prefix: Apache + mod_proxy_fcgi|run_apache_proxy_fcgi.sh|/shop"
	"systemd|systemd units (systemd-analyze)|run_systemd_verify.sh|"
)
if [ "${DEPLOY_PREFIX_ALL:-0}" = 1 ]; then
	SETUPS+=(
		"prefix-lighttpd|/shop prefix: lighttpd + mod_fastcgi|run_lighttpd.sh|/shop"
		"prefix-apache-fcgid|/shop prefix: Apache + mod_fcgid|run_apache_fcgid.sh|/shop"
		"prefix-nginx|/shop prefix: nginx -> spawn-fcgi|run_nginx.sh|/shop"
		"prefix-apache-cgi|/shop prefix: Apache + mod_cgi, .htaccess|run_apache_cgi.sh|/shop"
		"prefix-apache-cgid|/shop prefix: Apache + mod_cgid, .htaccess|DEPLOY_CGI=cgid run_apache_cgi.sh|/shop"
	)
fi

wanted() {
	local n
	[ $# -le 1 ] && return 0
	for n in "${@:2}"; do [ "$n" = "$1" ] && return 0; done
	return 1
}

rows=() passed=0 failed=0 i=0
for s in "${SETUPS[@]}"; do
	IFS='|' read -r name label runner base <<< "$s"
	if [ $# -gt 0 ] && ! wanted "$name" "$@"; then
		continue
	fi
	i=$((i + 1))
	log=$LOGDIR/$i-$name.log
	echo "== $label"
	start=$(date +%s)
	# "VAR=value run_x.sh": the runner with that variable set.
	envs=(DEPLOY_BASE="$base" SMOKE_STRICT="${SMOKE_STRICT:-1}")
	while [[ $runner == *=*" "* ]]; do
		envs+=("${runner%% *}")
		runner=${runner#* }
	done
	env "${envs[@]}" timeout -k 10 "$LIMIT" bash "$HERE/$runner" > "$log" 2>&1
	rc=$?
	# A port taken between our check and the server's bind: once more.
	if [ $rc != 0 ] && grep -qi 'address already in use' "$log"; then
		echo "   (a port was taken meanwhile; again)"
		env "${envs[@]}" timeout -k 10 "$LIMIT" bash "$HERE/$runner" > "$log" 2>&1
		rc=$?
	fi
	secs=$(( $(date +%s) - start ))
	summary=$(grep -E '^smoke: [0-9]+ passed' "$log" | tail -n 1)
	np=$(printf '%s' "$summary" | awk '{print $2}')
	nf=$(printf '%s' "$summary" | awk '{print $4}')
	ns=$(printf '%s' "$summary" | awk '{print $6}')
	# The slow-client check's own line counts with the smoke test's.
	slow=$(grep -E '^slow-clients: [0-9]+ passed' "$log" | tail -n 1)
	if [ -n "$slow" ]; then
		np=$(( ${np:-0} + $(printf '%s' "$slow" | awk '{print $2}') ))
		nf=$(( ${nf:-0} + $(printf '%s' "$slow" | awk '{print $4}') ))
	fi
	checks="${np:-0} ok, ${nf:-0} failed"
	if [ "${ns:-0}" -gt 0 ] 2>/dev/null; then checks="$checks, $ns skipped"; fi
	if [ $rc = 0 ]; then
		result=pass
		[ "${ns:-0}" -gt 0 ] 2>/dev/null && result="pass*"
		passed=$((passed + 1))
	elif [ $rc = 77 ]; then
		result=skip
		checks=$(grep -m1 SKIP "$log" | sed 's/.*SKIP: //')
	else
		result=FAIL
		[ $rc = 124 ] && checks="timed out after $LIMIT s"
		failed=$((failed + 1))
	fi
	if [ "$result" = FAIL ] || [ "${DEPLOY_VERBOSE:-0}" = 1 ]; then
		sed 's/^/   | /' "$log"
	else
		grep -E '^(FAIL|SKIP) ' "$log" | sed 's/^/   | /'
	fi
	rows+=("$(printf '%-48s %-6s %4ss  %s' "$label" "$result" "$secs" "$checks")")
done

echo
printf '%-48s %-6s %5s  %s\n' "setup" "result" "time" "checks"
printf '%-48s %-6s %5s  %s\n' "-----" "------" "----" "------"
for r in "${rows[@]}"; do echo "$r"; done
echo
echo "check-deploy: $passed passed, $failed failed"
[ $failed -eq 0 ] && [ $passed -gt 0 ]
