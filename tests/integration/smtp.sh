# smtp.sh — the SMTP sink the mail suites share (bash; sourced after lib.sh):
# python3-aiosmtpd on 127.0.0.1:$SPORT (the suite picks SPORT) writing each
# message to the Maildir $MD (smtp_sink.py adds X-RcptTo), and the helpers
# that read it. The suite stops the sink in its EXIT trap (smtp_stop).

PY=/usr/bin/python3
$PY -c 'import aiosmtpd' 2>/dev/null || { echo "python3-aiosmtpd is missing (make deps)"; exit 1; }
MD=$WORK/maildir
SMTP_PID=
WAIT_MAIL_TENTHS=${WAIT_MAIL_TENTHS:-50}

# smtp_start [DELAY]: the sink on $SPORT (storing each message DELAY s after
# its data), until it accepts connections.
smtp_start() {
	SMTP_SINK_DELAY=${1:-0} PYTHONPATH=$TOP/tests/integration setsid $PY -m aiosmtpd -n \
	    -l "127.0.0.1:$SPORT" -c smtp_sink.Sink "$MD" 2>>"$WORK/smtp.log" &
	SMTP_PID=$!
	for _ in $(seq 50); do
		(exec 3<>"/dev/tcp/127.0.0.1/$SPORT") 2>/dev/null && return 0
		sleep 0.1
	done
	echo "the SMTP sink did not start"; cat "$WORK/smtp.log"; exit 1
}
smtp_stop() {
	[ -n "$SMTP_PID" ] && kill "$SMTP_PID" 2>/dev/null && wait "$SMTP_PID" 2>/dev/null
	SMTP_PID=
}
nmail() { ls "$MD/new" 2>/dev/null | wc -l; }
# wait_mail N: until the Maildir holds N messages (WAIT_MAIL_TENTHS tenths
# of a second at most); 0 if it does.
wait_mail() {
	for _ in $(seq "$WAIT_MAIL_TENTHS"); do [ "$(nmail)" -ge "$1" ] && return 0; sleep 0.1; done
	return 1
}
# last_mail: the newest message's file.
last_mail() { ls -t "$MD/new"/* | head -n 1; }
# mail_to ADDR: the message files sent to ADDR (the sink's X-RcptTo).
mail_to() { grep -l "^X-RcptTo: $1\$" "$MD/new"/* 2>/dev/null; }
# show FILE: the message decoded (mail_show.py): headers, then each part.
show() { $PY "$TOP/tests/integration/mail_show.py" "$1"; }
