# mail_show.py FILE — prints what test_mail.sh checks of one received message
# (Debian's python3 email package): the raw and decoded headers, the MIME
# structure and both parts, decoded, one "key: value" a line.
import email
import email.policy
import sys

raw = open(sys.argv[1], "rb").read()
old = email.message_from_bytes(raw)                     # raw header values
msg = email.message_from_bytes(raw, policy=email.policy.default)
for h in ("From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Bcc", "Cc"):
    print("raw-%s: %s" % (h.lower(), (old.get(h) or "").replace("\n", "\\n")))
    print("%s: %s" % (h.lower(), str(msg.get(h) or "").replace("\n", "\\n")))
print("type: %s" % msg.get_content_type())
print("headers: %d" % len(old.keys()))
for part in msg.walk():
    if part.get_content_maintype() == "multipart":
        continue
    body = part.get_content()
    print("part: %s %s %s" % (part.get_content_type(), part.get_content_charset(),
                              part.get("Content-Transfer-Encoding")))
    for line in body.splitlines():
        print("%s: %s" % (part.get_content_subtype(), line))
