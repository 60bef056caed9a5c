#!/bin/bash
# test_mail.sh — mail through a real SMTP server (python3-aiosmtpd on a
# loopback port, writing a Maildir): /admin/forgot (same answer for any
# address, the mail after the answer, its headers, parts, language and
# link), throttling, invitations, header injection, the server down (the
# answer stays fast, the row waits with its error, `ordersyncctl tick`
# delivers it once), two ticks at once, and sendmail through msmtp.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/smtp.sh"
trap 'smtp_stop; cleanup' EXIT
# forgot EMAIL [curl args]: the form, then its POST, as a browser does.
forgot() {
	local email=$1
	shift
	req GET /admin/forgot -c "$WORK/fg.jar" -b "$WORK/fg.jar" "$@"
	req POST /admin/forgot -b "$WORK/fg.jar" --data-urlencode "csrf=$(csrf_page)" \
	    --data-urlencode "email=$email" "$@"
}
ms() { date +%s%3N; }

SPORT=$(free_port)
smtp_start
export ORDERSYNC_MAIL=smtp://127.0.0.1:$SPORT
export ORDERSYNC_MAIL_FROM=shop@example.test
export ORDERSYNC_PUBLIC_URL=https://shop.example.test
export ORDERSYNC_SHOP_NAME='Café Été'
start_app
PW=$ORDERSYNC_ADMIN_PASSWORD
printf 'staff-password-1\n' | "$CTL_BIN" --db "$DB" user add staff@example.com --role staff >/dev/null
printf 'gone-password-11\n' | "$CTL_BIN" --db "$DB" user add gone@example.com --role staff >/dev/null
"$CTL_BIN" --db "$DB" user disable gone@example.com >/dev/null

# ---- the pages ----
login_form "$WORK/x.jar"
expect_body_has 'href="/admin/forgot"' "the sign-in page links to /admin/forgot"
req GET /admin/forgot
expect_status 200 "the forgot form"
expect_body_has 'name="email"' "… asks for the email"
req POST /admin/forgot --data-urlencode email=admin@example.com
expect_status 403 "a post without the form's token: 403"
req POST /admin/forgot -H 'Origin: https://evil.example' --data-urlencode email=admin@example.com
expect_status 403 "a post from another site: 403"
[ "$(nmail)" = 0 ] && ok "… and no mail" || nok "… and no mail"

# ---- a known address: the answer, then the mail ----
t0=$(ms)
forgot admin@example.com -H 'Accept-Language: fr'
t_known=$(( $(ms) - t0 ))
expect_status 200 "forgot for an existing account: 200"
expect_body_has 'Si un compte existe pour cette adresse' "… the same-for-all answer, in French"
cp "$BODY" "$WORK/known.html"
if wait_mail 1; then ok "a message arrives"; else nok "a message arrives"; fi
F=$(last_mail)
show "$F" > "$WORK/m1"
grep -q '^X-RcptTo: admin@example.com$' "$F" && ok "… to the account's address" || nok "… to the account's address"
grep -q '^raw-from: =?[Uu][Tt][Ff]-8?[bBqQ]?.*?= <shop@example.test>$' "$WORK/m1" &&
    ok "From: the shop's name RFC 2047-encoded, ORDERSYNC_MAIL_FROM" || nok "From encoded" "$(grep raw-from "$WORK/m1")"
grep -q '^from: Café Été <shop@example.test>$' "$WORK/m1" && ok "… decodes to Café Été" || nok "… decodes" "$(grep '^from' "$WORK/m1")"
grep -q '^to: admin@example.com$' "$WORK/m1" && ok "To: the account" || nok "To" "$(grep '^to' "$WORK/m1")"
grep -q '^raw-subject: .*=?[Uu][Tt][Ff]-8?[BbQq]?' "$WORK/m1" && ok "Subject: UTF-8 encoded words" || nok "Subject encoded" "$(grep raw-subject "$WORK/m1")"
grep -q '^subject: Choisissez un nouveau mot de passe pour Café Été$' "$WORK/m1" &&
    ok "… in French, decoded right" || nok "… French subject" "$(grep '^subject' "$WORK/m1")"
grep -qE '^date: .*[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}' "$WORK/m1" && ok "a Date" || nok "a Date"
grep -qE '^message-id: <[^ ]+@example\.test>$' "$WORK/m1" && ok "a Message-ID on the sender's domain" || nok "Message-ID" "$(grep '^message-id' "$WORK/m1")"
grep -q '^type: multipart/alternative$' "$WORK/m1" && ok "multipart/alternative" || nok "multipart/alternative"
grep -q '^part: text/plain utf-8' "$WORK/m1" && grep -q '^part: text/html utf-8' "$WORK/m1" &&
    ok "a text and an HTML part, UTF-8" || nok "both parts" "$(grep '^part' "$WORK/m1")"
grep -q '^plain: Bonjour,$' "$WORK/m1" && grep -q "^plain: Le lien ne sert qu'une fois" "$WORK/m1" &&
    ok "the text is French (the asker's language)" || nok "French text"
LINK=$(sed -n 's|^plain: https://shop.example.test\(/admin/password/[0-9a-f]\{64\}\)$|\1|p' "$WORK/m1")
[ -n "$LINK" ] && ok "the link is absolute, from ORDERSYNC_PUBLIC_URL" || nok "absolute link" "$(grep plain "$WORK/m1")"
grep -q "^html: .*href=\"https://shop.example.test$LINK\"" "$WORK/m1" && ok "… and in the HTML part" || nok "link in HTML"
[ "$(sql "SELECT count(*) FROM outbox WHERE done_at IS NOT NULL AND attempts = 1 AND payload = ''")" = 1 ] &&
    ok "the outbox row is done, its payload (the link) emptied" || nok "outbox row done" "$(sql 'SELECT * FROM outbox')"
grep -q "${LINK##*/}" "$WORK/srv/error.log" && nok "no token in the log" || ok "no token in the log"
grep -q 'admin@example.com' "$WORK/srv/error.log" && nok "no full email in the log" || ok "no full email in the log"

# The link sets a password once; sessions of the account still work until then.
req GET "$LINK"
expect_status 200 "the mailed link opens the form"
req POST "$LINK" --data-urlencode 'password=walnut harbour lantern'
expect_status 303 "… and sets a password"
req POST "$LINK" --data-urlencode 'password=walnut harbour lantern 2'
expect_status 404 "… once"
admin_login "$WORK/a.jar" admin@example.com 'walnut harbour lantern'
expect_status 303 "the new password signs in"
PW='walnut harbour lantern'

# ---- unknown and disabled addresses: the same answer, no mail ----
n=$(nmail); rows=$(sql "SELECT count(*) FROM outbox")
t0=$(ms)
forgot nobody@example.com -H 'Accept-Language: fr'
t_unknown=$(( $(ms) - t0 ))
expect_status 200 "forgot for an unknown address: 200"
cmp -s "$BODY" "$WORK/known.html" && ok "… byte for byte the known address's page" || nok "same page" "$(diff "$BODY" "$WORK/known.html" | head -5)"
forgot gone@example.com -H 'Accept-Language: fr'
cmp -s "$BODY" "$WORK/known.html" && ok "a disabled account: the same page" || nok "disabled: same page"
sleep 1
[ "$(nmail)" = "$n" ] && ok "… and no mail for either" || nok "no mail for unknown/disabled"
[ "$(sql "SELECT count(*) FROM outbox")" = "$rows" ] && ok "… no outbox row" || nok "no outbox row"
[ "$(sql "SELECT count(*) FROM password_tokens t JOIN users u ON u.id = t.user_id WHERE u.email = 'gone@example.com'")" = 0 ] &&
    ok "… and no link for the disabled account" || nok "no link for disabled"
echo "     (timing: known $t_known ms, unknown $t_unknown ms, through curl)"

# ---- bad input ----
forgot $'x@example.com\r\nBcc: evil@example.com'
expect_status 422 "an email with CR/LF: 422"
forgot 'not-an-address'
expect_status 422 "not an address: 422"

# ---- throttling per address ----
for i in 1 2 3 4 5 6; do forgot hammer@example.com; done
expect_status 429 "the same address hammered: 429"
expect_header '^Retry-After: [0-9]+' "… with Retry-After"
expect_body_has 'Too many requests for this address' "… saying so"
forgot other@example.com
expect_status 200 "another address is not throttled"

# ---- invitations are mailed (and still shown once) ----
signin "$WORK/adm.jar" admin@example.com "$PW"
n=$(nmail)
req POST /admin/staff/new -b "$WORK/adm.jar" -H "X-CSRF-Token: $(cat "$WORK/adm.jar.csrf")" \
    -H 'Accept: application/json' --data-urlencode email=invited@example.com \
    --data-urlencode role=staff --data-urlencode store=default
expect_status 201 "invite: 201"
expect_jget 'b.mailed' true "… says it was mailed"
ILINK=$(jget 'b.link')
wait_mail $((n + 1)) && ok "the invitation arrives" || nok "the invitation arrives"
F=$(mail_to invited@example.com)
show "$F" > "$WORK/m2"
grep -q "^plain: https://shop.example.test$ILINK\$" "$WORK/m2" && ok "… with the link the admin saw" || nok "invite link" "$ILINK"
grep -q '^subject: Your account for the back office of Café Été$' "$WORK/m2" && ok "… in the admin's language (en)" || nok "invite subject" "$(grep '^subject' "$WORK/m2")"
# A reset from the staff pages is mailed too, in French when the admin reads French.
n=$(nmail)
SID=$(sql "SELECT id FROM users WHERE email = 'invited@example.com'")
req POST "/admin/staff/$SID/reset" -b "$WORK/adm.jar" -H "X-CSRF-Token: $(cat "$WORK/adm.jar.csrf")" \
    -H 'Accept: application/json' -H 'Accept-Language: fr' -d ''
expect_status 200 "a reset from the staff pages: 200"
expect_jget 'b.mailed' true "… says it was mailed"
RLINK=$(jget 'b.link')
wait_mail $((n + 1)) && ok "the reset mail arrives" || nok "the reset mail arrives"
show "$(ls -t $(mail_to invited@example.com) | head -n 1)" > "$WORK/m4"
grep -q "^plain: https://shop.example.test$RLINK\$" "$WORK/m4" && grep -q '^plain: Bonjour,$' "$WORK/m4" &&
    ok "… with the new link, in French" || nok "reset mail" "$(grep -E '^(plain|subject)' "$WORK/m4" | head -3)"
req POST /admin/staff/new -b "$WORK/adm.jar" -H "X-CSRF-Token: $(cat "$WORK/adm.jar.csrf")" \
    -H 'Accept: application/json' --data-urlencode $'email=a@example.com\r\nBcc: evil@example.com' \
    --data-urlencode role=staff
expect_status 422 "an invitation to an address with CR/LF: 422"
grep -l 'evil@example.com' "$MD/new"/* >/dev/null 2>&1 && nok "no message ever names evil@" || ok "no message ever names evil@"

# ---- a recipient the server refuses (550): retried, then given up, visibly ----
req POST /admin/staff/new -b "$WORK/adm.jar" -H "X-CSRF-Token: $(cat "$WORK/adm.jar.csrf")" \
    -H 'Accept: application/json' --data-urlencode email=reject-me@example.com \
    --data-urlencode role=staff --data-urlencode store=default
expect_status 201 "an invitation to an address the relay refuses: 201"
sleep 1
REJ="target = 'reject-me@example.com'"
[ "$(sql "SELECT attempts, CAST(failed_at IS NULL AS INTEGER), CAST(last_error LIKE '%550%' AS INTEGER), CAST(next_attempt_at - created_at BETWEEN 55 AND 70 AS INTEGER) FROM outbox WHERE $REJ")" = "1|1|1|1" ] &&
    ok "… a 5xx: attempt 1 failed, the 550 kept, retried in about a minute" ||
    nok "5xx retried" "$(sql "SELECT attempts, failed_at, last_error, next_attempt_at - created_at FROM outbox WHERE $REJ")"
sql "UPDATE outbox SET next_attempt_at = 0 WHERE $REJ"
out=$("$CTL_BIN" --db "$DB" tick)
[ "$out" = "tick: 0 sent, 1 to retry, 0 failed" ] && ok "… the tick retries it" || nok "tick retries a 5xx" "$out"
[ "$(sql "SELECT attempts, CAST(next_attempt_at - $(date +%s) BETWEEN 250 AND 310 AS INTEGER) FROM outbox WHERE $REJ")" = "2|1" ] &&
    ok "… then waits about 5 minutes" || nok "second backoff" "$(sql "SELECT attempts, next_attempt_at - $(date +%s) FROM outbox WHERE $REJ")"
sql "UPDATE outbox SET next_attempt_at = 0, attempts = max_attempts - 1 WHERE $REJ"
out=$("$CTL_BIN" --db "$DB" tick)
[ "$out" = "tick: 0 sent, 0 to retry, 1 failed" ] && ok "… and gives up at the last attempt" || nok "given up" "$out"
[ "$(sql "SELECT CAST(attempts = max_attempts AS INTEGER), CAST(failed_at IS NOT NULL AS INTEGER), CAST(done_at IS NULL AS INTEGER), CAST(last_error LIKE '%550%' AS INTEGER), payload FROM outbox WHERE $REJ")" = "1|1|1|1|" ] &&
    ok "… failed, the last error visible, the payload emptied" || nok "failed row" "$(sql "SELECT attempts, failed_at, last_error FROM outbox WHERE $REJ")"
out=$("$CTL_BIN" --db "$DB" tick)
[ "$out" = "tick: 0 sent, 0 to retry, 0 failed" ] && ok "… never tried again" || nok "no retry after giving up" "$out"

# ---- the SMTP server down: a fast answer, the row waits, the tick delivers once ----
smtp_stop
t0=$(ms)
forgot staff@example.com
t_down=$(( $(ms) - t0 ))
expect_status 200 "forgot with the SMTP server down: 200"
[ "$t_down" -lt 1500 ] && ok "… answered in $t_down ms" || nok "… answered fast" "$t_down ms"
sleep 1
ROW=$(sql "SELECT id FROM outbox WHERE target = 'staff@example.com'")
[ "$(sql "SELECT attempts, CAST(last_error IS NOT NULL AND last_error != '' AS INTEGER), CAST(done_at IS NULL AS INTEGER), CAST(failed_at IS NULL AS INTEGER), CAST(next_attempt_at > created_at AS INTEGER) FROM outbox WHERE id = $ROW")" = "1|1|1|1|1" ] &&
    ok "the row waits: 1 attempt, its error kept, due again later" || nok "row waits" "$(sql "SELECT * FROM outbox WHERE id = $ROW")"
echo "     (last_error: $(sql "SELECT last_error FROM outbox WHERE id = $ROW"))"
out=$("$CTL_BIN" --db "$DB" tick)
[ "$out" = "tick: 0 sent, 0 to retry, 0 failed" ] && ok "a tick before it is due sends nothing" || nok "tick before due" "$out"
smtp_start
sql "UPDATE outbox SET next_attempt_at = 0 WHERE id = $ROW"
n=$(nmail)
out=$("$CTL_BIN" --db "$DB" tick)
[ "$out" = "tick: 1 sent, 0 to retry, 0 failed" ] && ok "the tick delivers it once the server is back" || nok "tick delivers" "$out"
out=$("$CTL_BIN" --db "$DB" tick)
[ "$out" = "tick: 0 sent, 0 to retry, 0 failed" ] && ok "… and the next tick does not send it again" || nok "second tick" "$out"
[ "$(mail_to staff@example.com | wc -l)" = 1 ] && ok "exactly one message to staff@" || nok "exactly one" "$(mail_to staff@example.com | wc -l)"

# ---- a sender that died holding a row (kill -9): the row waits for its claim to run out ----
sql "UPDATE outbox SET done_at = NULL, payload = 'Subject: claimed' || $(sql_chr 10) || $(sql_chr 10) || 'x', attempts = 0,
    next_attempt_at = 0, claimed_until = $(date +%s) + 60 WHERE id = $ROW"
out=$("$CTL_BIN" --db "$DB" tick)
[ "$out" = "tick: 0 sent, 0 to retry, 0 failed" ] && ok "a row claimed by another sender is left alone" || nok "live claim respected" "$out"
sql "UPDATE outbox SET claimed_until = $(date +%s) - 1 WHERE id = $ROW"
out=$("$CTL_BIN" --db "$DB" tick)
[ "$out" = "tick: 1 sent, 0 to retry, 0 failed" ] && ok "… and sent once its claim has run out (a crashed sender)" || nok "expired claim taken" "$out"
[ "$(sql "SELECT CAST(done_at IS NOT NULL AS INTEGER), CAST(claimed_until IS NULL AS INTEGER) FROM outbox WHERE id = $ROW")" = "1|1" ] &&
    ok "… done, claim released" || nok "done after expired claim"

# ---- two ticks at once never send a row twice ----
smtp_stop
for i in 1 2 3 4 5 6; do
	req POST /admin/staff/new -b "$WORK/adm.jar" -H "X-CSRF-Token: $(cat "$WORK/adm.jar.csrf")" \
	    -H 'Accept: application/json' --data-urlencode "email=pair$i@example.com" \
	    --data-urlencode role=seller --data-urlencode store=default
done
sleep 0.5
smtp_start
sql "UPDATE outbox SET next_attempt_at = 0 WHERE done_at IS NULL"
n=$(nmail)
"$CTL_BIN" --db "$DB" tick > "$WORK/t1" & p1=$!
"$CTL_BIN" --db "$DB" tick > "$WORK/t2" & p2=$!
wait $p1 $p2
wait_mail $((n + 6))
sleep 0.5
dups=0
for i in 1 2 3 4 5 6; do [ "$(mail_to "pair$i@example.com" | wc -l)" = 1 ] || dups=$((dups + 1)); done
[ "$dups" = 0 ] && ok "two ticks at once: each of 6 mails sent exactly once" || nok "two ticks: duplicates or losses" "$dups wrong; $(cat "$WORK/t1" "$WORK/t2")"
[ "$(sql "SELECT count(*) FROM outbox WHERE done_at IS NULL AND failed_at IS NULL")" = 0 ] && ok "… every row done" || nok "every row done"

# ---- sendmail: Debian's msmtp as the program, to the same sink ----
if command -v msmtp >/dev/null; then
	cat > "$WORK/msmtprc" <<EOC
defaults
auth off
tls off
account default
host 127.0.0.1
port $SPORT
from shop@example.test
EOC
	chmod 600 "$WORK/msmtprc"
	printf '#!/bin/sh\nexec msmtp -C %s "$@"\n' "$WORK/msmtprc" > "$WORK/sendmail"
	chmod +x "$WORK/sendmail"
	sql "INSERT INTO users (email, password_hash, role, created_at) VALUES ('viasendmail@example.com', '!', 'staff', 0)"
	n=$(nmail)
	# The tick, configured for sendmail, delivers a row queued by the app.
	smtp_stop
	forgot viasendmail@example.com -H 'Accept-Language: fr'
	sleep 0.5
	smtp_start
	sql "UPDATE outbox SET next_attempt_at = 0 WHERE done_at IS NULL"
	out=$(ORDERSYNC_MAIL="sendmail:$WORK/sendmail" "$CTL_BIN" --db "$DB" tick)
	[ "$out" = "tick: 1 sent, 0 to retry, 0 failed" ] && ok "sendmail (msmtp): the tick hands it over" || nok "sendmail tick" "$out"
	if wait_mail $((n + 1)); then
		show "$(mail_to viasendmail@example.com)" > "$WORK/m3"
		grep -q '^subject: Choisissez un nouveau mot de passe pour Café Été$' "$WORK/m3" &&
		    grep -q '^part: text/html' "$WORK/m3" && ok "… and it arrives whole" || nok "sendmail message" "$(head "$WORK/m3")"
	else
		nok "sendmail: the message arrives"
	fi
	out=$(ORDERSYNC_MAIL="sendmail:/nonexistent/sendmail" "$CTL_BIN" --db "$DB" tick)
	[ "$out" = "tick: 0 sent, 0 to retry, 0 failed" ] && ok "nothing left to send" || nok "nothing left" "$out"
else
	nok "msmtp is not installed (make deps)"
fi

# ---- an SMTP server that accepts and never answers: the answer is not held up ----
smtp_stop
$PY -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)' "$SPORT" &
HANG_PID=$!
sleep 0.3
printf 'slow-password-11\n' | "$CTL_BIN" --db "$DB" user add slow@example.com --role staff >/dev/null
t0=$(ms)
forgot slow@example.com
t_hang=$(( $(ms) - t0 ))
expect_status 200 "forgot with an SMTP server that hangs: 200"
[ "$t_hang" -lt 1500 ] && ok "… answered in $t_hang ms (the send waits after the answer)" || nok "… answered fast" "$t_hang ms"
sleep 5
kill "$HANG_PID" 2>/dev/null; wait "$HANG_PID" 2>/dev/null
[ "$(sql "SELECT attempts, CAST(last_error LIKE '%imeout%' OR last_error LIKE '%timed out%' AS INTEGER) FROM outbox WHERE target = 'slow@example.com'")" = "1|1" ] &&
    ok "… the app gave up after its bound, the error kept" || nok "hang: bounded" "$(sql "SELECT attempts, last_error FROM outbox WHERE target = 'slow@example.com'")"

# ---- mail off: no promise, no link ----
kill -TERM -- "-$SERVER_PGID" 2>/dev/null
sleep 0.5
unset ORDERSYNC_MAIL ORDERSYNC_MAIL_FROM ORDERSYNC_PUBLIC_URL
start_app
rows=$(sql "SELECT count(*) FROM outbox"); links=$(sql "SELECT count(*) FROM password_tokens")
req GET /admin/forgot
expect_status 200 "mail off: the forgot page"
expect_body_has 'Ask an administrator to reset your password' "… says to ask an admin"
expect_body_lacks 'name="email"' "… and offers no form"
req POST /admin/forgot -H 'Content-Type: application/json' -H 'Accept: application/json' \
    -d '{"email": "staff@example.com"}'
expect_status 200 "mail off: a forgot request still answers 200"
expect_jget 'b.mail' false "… says mail is off"
signin "$WORK/adm2.jar" admin@example.com "$PW"
req POST /admin/staff/new -b "$WORK/adm2.jar" -H "X-CSRF-Token: $(cat "$WORK/adm2.jar.csrf")" \
    -H 'Accept: application/json' --data-urlencode email=offline@example.com --data-urlencode role=staff
expect_status 201 "mail off: an invitation still works"
expect_jget 'b.mailed' false "… not mailed"
[ "$(sql "SELECT count(*) FROM outbox")" = "$rows" ] && ok "mail off: nothing queued" || nok "mail off: nothing queued"
[ "$(sql "SELECT count(*) FROM password_tokens")" = "$((links + 1))" ] && ok "… and the forgot request made no link" || nok "mail off: no link"
finish
