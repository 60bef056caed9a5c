/* mail.c — builds mail messages with GMime: UTF-8, RFC 2047 headers, a text and an HTML alternative. */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <gmime/gmime.h>

#include "mail.h"
#include "util.h"

void
mail_init(void)
{
	g_mime_init();		/* counted: multipart_init() may have started it too */
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void
mail_shutdown(void)
{
	curl_global_cleanup();
	g_mime_shutdown();
}

int
mail_address_ok(const char *s)
{
	const char *at, *p;

	if (s == NULL || (at = strchr(s, '@')) == NULL || at == s || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL || strlen(s) > 254)
		return 0;
	for (p = s; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f ||
		    strchr("\"<>(),;:\\[]", *p) != NULL)
			return 0;
	return 1;
}

/*
 * A header value with every control character (CR, LF, TAB, DEL…) made a
 * space and cut to 200 bytes on a UTF-8 boundary: it stays one header line
 * whatever it held (RFC 5322 §2.2: no CR or LF inside a field body).
 * Caller frees.
 */
static char *
header_value(const char *s)
{
	size_t n = strlen(s ? s : ""), i;
	char *v;

	if (n > 200) {
		n = 200;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	v = xstrndup(s ? s : "", n);
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			v[i] = ' ';
	return v;
}

/*
 * A text part of subtype ("plain" or "html") holding text as UTF-8, 7-bit
 * safe. Not g_mime_text_part_set_text(): it would pick ISO-8859-1 when the
 * text fits, and the messages are UTF-8 throughout.
 */
static GMimeObject *
text_part(const char *subtype, const char *text)
{
	GMimeTextPart *tp = g_mime_text_part_new_with_subtype(subtype);
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(text, strlen(text));
	GMimeDataWrapper *dw = g_mime_data_wrapper_new_with_stream(stream,
	    GMIME_CONTENT_ENCODING_DEFAULT);

	g_mime_part_set_content(GMIME_PART(tp), dw);
	g_object_unref(dw);
	g_object_unref(stream);
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(tp), "charset", "utf-8");
	g_mime_part_set_content_encoding(GMIME_PART(tp),
	    g_mime_part_get_best_content_encoding(GMIME_PART(tp),
	    GMIME_ENCODING_CONSTRAINT_7BIT));
	return GMIME_OBJECT(tp);
}

/* The body: text alone, or text and HTML as multipart/alternative (RFC 2046 §5.1.4). */
static GMimeObject *
body_of(const struct mail_message *m)
{
	GMimeMultipart *alt;
	GMimeObject *part;

	if (m->html == NULL)
		return text_part("plain", m->text);
	alt = g_mime_multipart_new_with_subtype("alternative");
	part = text_part("plain", m->text);
	g_mime_multipart_add(alt, part);
	g_object_unref(part);
	part = text_part("html", m->html);
	g_mime_multipart_add(alt, part);
	g_object_unref(part);
	return GMIME_OBJECT(alt);
}

/* Adds the mailbox name <addr> as a header of type (a name RFC 2047-encoded as UTF-8). */
static void
add_mailbox(GMimeMessage *msg, GMimeAddressType type, const char *name, const char *addr)
{
	char *n = header_value(name);
	InternetAddress *ia = internet_address_mailbox_new(n, addr);

	internet_address_set_charset(ia, "utf-8");
	internet_address_list_add(g_mime_message_get_addresses(msg, type), ia);
	g_object_unref(ia);
	free(n);
}

char *
mail_build(const struct mail_message *m, int64_t now)
{
	GMimeFormatOptions *fmt;
	GMimeMessage *msg;
	GMimeObject *body;
	GDateTime *date;
	char *subject, *id, *out = NULL, *text;

	if (!mail_address_ok(m->from) || !mail_address_ok(m->to) || m->text == NULL ||
	    m->subject == NULL)
		return NULL;
	msg = g_mime_message_new(TRUE);
	add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM, m->from_name, m->from);
	add_mailbox(msg, GMIME_ADDRESS_TYPE_TO, m->to_name, m->to);
	subject = header_value(m->subject);
	g_mime_message_set_subject(msg, subject, "utf-8");
	free(subject);
	date = g_date_time_new_from_unix_utc(now);
	g_mime_message_set_date(msg, date);
	g_date_time_unref(date);
	if (m->message_id != NULL && *m->message_id != '\0') {
		id = header_value(m->message_id);
		g_mime_message_set_message_id(msg, id);
		free(id);
	} else {
		id = g_mime_utils_generate_message_id(strchr(m->from, '@') + 1);
		g_mime_message_set_message_id(msg, id);
		g_free(id);
	}
	body = body_of(m);
	g_mime_message_set_mime_part(msg, body);
	g_object_unref(body);
	fmt = g_mime_format_options_new();
	g_mime_format_options_set_newline_format(fmt, GMIME_NEWLINE_FORMAT_UNIX);
	text = g_mime_object_to_string(GMIME_OBJECT(msg), fmt);
	if (text != NULL)
		out = xstrdup(text);
	g_free(text);
	g_mime_format_options_free(fmt);
	g_object_unref(msg);
	return out;
}
