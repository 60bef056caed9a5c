/* mail.h — mail messages: built with GMime (UTF-8, RFC 2047 headers, text + HTML), sent through sendmail or SMTP (libcurl). */
#ifndef ORDERSYNC_MAIL_H
#define ORDERSYNC_MAIL_H

#include <stddef.h>
#include <stdint.h>

struct config;

/* What a message says; every string is UTF-8 and only read. */
struct mail_message {
	const char	*from;		/* the sender's address (ORDERSYNC_MAIL_FROM) */
	const char	*from_name;	/* shown beside it; NULL or "" for none */
	const char	*to;		/* the recipient's address */
	const char	*to_name;	/* NULL or "" for none */
	const char	*subject;
	const char	*text;		/* the text/plain part */
	const char	*html;		/* the text/html part; NULL: text only */
	const char	*message_id;	/* "local@domain", without < >: the same for every
					   attempt of one delivery; NULL: a new random one */
};

/* The outcome of one sending attempt. */
enum mail_status {
	MAIL_SENT,		/* handed over: the relay took it */
	MAIL_RETRY,		/* failed: down, timeout, a 4xx or 5xx reply, sendmail's exit */
	MAIL_REJECTED		/* never worth retrying: not a mail address */
};

/* Starts GMime and libcurl for this process; once, before any other mail_ call. */
void	mail_init(void);
/* Releases what mail_init() started. */
void	mail_shutdown(void);

/*
 * 1 when s can be a recipient: an address of printable ASCII without
 * spaces, quotes, angle brackets or commas, with one '@', <= 254 bytes.
 */
int	mail_address_ok(const char *s);

/*
 * Builds m as an RFC 5322 message, dated now (unix seconds, UTC): From, To
 * and Subject encoded as RFC 2047 words where they are not ASCII, a Date, a
 * Message-ID (m->message_id, else a random one on the sender's domain),
 * MIME-Version, and the text and HTML as
 * a multipart/alternative (quoted-printable or base64: 7-bit clean). Every
 * control character of a header value (CR and LF included) becomes a
 * space first, so no value can start another header. Lines end in LF.
 * Returns a new string the caller frees, or NULL when from or to is not an
 * address (mail_address_ok) or a part is missing.
 */
char	*mail_build(const struct mail_message *m, int64_t now);

/*
 * Sends msg (a built message, LF line ends) to the one recipient to, from
 * the address from, the way cfg says (ORDERSYNC_MAIL): piped to
 * "SENDMAIL -t -i -f FROM" (no shell; killed after timeout_s seconds), or
 * submitted to the smtp(s):// URL with libcurl (STARTTLS when offered on
 * smtp://, the URL's user and password as AUTH; connect and transfer each
 * bounded by timeout_s). On failure writes a one-line reason, without the
 * message or the password, to why (whysz bytes).
 */
enum mail_status mail_send(const struct config *cfg, const char *from, const char *to,
		    const char *msg, int timeout_s, char *why, size_t whysz);

#endif
