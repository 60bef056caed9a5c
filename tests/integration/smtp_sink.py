# smtp_sink.py — the SMTP server of test_mail.sh: aiosmtpd's Mailbox handler
# (each message into a Maildir, with X-MailFrom and X-RcptTo), except that a
# recipient whose address starts with "reject" is refused with a 550, as a
# relay refuses an unknown user. Run as
#     PYTHONPATH=tests/integration python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c smtp_sink.Sink MAILDIR
from aiosmtpd.handlers import Mailbox


class Sink(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject"):
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"
