# smtp_sink.py — the SMTP server of test_mail.sh and test_order_mail.sh:
# aiosmtpd's Mailbox handler (each message into a Maildir, with X-MailFrom
# and X-RcptTo), except that a recipient whose address starts with "reject"
# is refused with a 550, as a relay refuses an unknown user, and that with
# SMTP_SINK_DELAY=SECONDS in the environment the server waits that long
# after the message's data before it stores and accepts it (a slow relay).
# Run as
#     PYTHONPATH=tests/integration python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c smtp_sink.Sink MAILDIR
import asyncio
import os

from aiosmtpd.handlers import Mailbox


class Sink(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject"):
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        delay = float(os.environ.get("SMTP_SINK_DELAY", "0") or 0)
        if delay > 0:
            await asyncio.sleep(delay)
        return await super().handle_DATA(server, session, envelope)
