/* search.c — what the order list's ?q= means: a number prefix, phone digits or words, made into a query the full-text index cannot misread. No I/O. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "search.h"
#include "util.h"

/* A byte that belongs to a word: ASCII letters and digits, and any UTF-8 byte. */
static int
word_byte(unsigned char c)
{
	return isalnum(c) || c >= 0x80;
}

/* "CMD-…": the prefix, upper-cased, when q is one; NULL otherwise. */
static char *
number_prefix(const char *q)
{
	size_t i, n = strlen(q);
	char *out;

	if (n < 3 || n > 19 || strncasecmp(q, "CMD", 3) != 0)
		return NULL;
	for (i = 3; i < n; i++)
		if (!isalnum((unsigned char)q[i]) && q[i] != '-')
			return NULL;
	out = xstrdup(q);
	for (i = 0; i < n; i++)
		out[i] = (char)toupper((unsigned char)out[i]);
	return out;
}

/* The quoted digits of a phone search (*plain: the bare digits), or NULL when q is not one. */
static char *
phone_digits(const char *q, char **plain)
{
	struct buf b;
	size_t digits = 0;
	const char *p;

	for (p = q; *p; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (!strchr(" +()-.", *p))
			return NULL;
	}
	if (digits < SEARCH_PHONE_MIN)
		return NULL;
	buf_init(&b);
	buf_putc(&b, '"');
	for (p = q; *p; p++)
		if (isdigit((unsigned char)*p))
			buf_putc(&b, *p);
	buf_putc(&b, '"');
	*plain = xstrndup(b.data + 1, b.len - 2);
	return buf_detach(&b);
}

/*
 * The quoted prefix terms of q's words (*plain: the words, one space
 * between); sets *kind to SEARCH_NOTHING when none can match.
 */
static char *
word_terms(const char *q, enum search_kind *kind, char **plain)
{
	const unsigned char *p = (const unsigned char *)q, *start;
	struct buf b, w;
	size_t n, words = 0;

	buf_init(&b);
	buf_init(&w);
	while (*p && words < SEARCH_WORDS_MAX) {
		while (*p && !word_byte(*p))
			p++;
		for (start = p; word_byte(*p); p++)
			;
		if ((n = (size_t)(p - start)) == 0)
			break;
		if (n > SEARCH_WORD_MAX) {
			buf_free(&b);
			buf_free(&w);
			*kind = SEARCH_NOTHING;
			return NULL;
		}
		buf_printf(&b, "%s\"%.*s\"*", words ? " " : "", (int)n, (const char *)start);
		buf_printf(&w, "%s%.*s", words ? " " : "", (int)n, (const char *)start);
		words++;
	}
	if (words == 0) {
		buf_free(&b);
		buf_free(&w);
		*kind = SEARCH_NOTHING;
		return NULL;
	}
	*kind = SEARCH_WORDS;
	*plain = buf_detach(&w);
	return buf_detach(&b);
}

void
search_parse(const char *q, struct search_query *out)
{
	char *trimmed;
	size_t n;

	memset(out, 0, sizeof *out);
	if (q == NULL)
		return;
	while (*q == ' ')
		q++;
	n = strlen(q);
	while (n > 0 && q[n - 1] == ' ')
		n--;
	if (n == 0)
		return;
	trimmed = xstrndup(q, n);
	if ((out->text = number_prefix(trimmed)) != NULL) {
		out->kind = SEARCH_NUMBER;
		out->plain = xstrdup(out->text);
	}
	else if ((out->text = phone_digits(trimmed, &out->plain)) != NULL)
		out->kind = SEARCH_PHONE;
	else
		out->text = word_terms(trimmed, &out->kind, &out->plain);
	free(trimmed);
}

void
search_query_free(struct search_query *sq)
{
	if (sq == NULL)
		return;
	free(sq->text);
	free(sq->plain);
	memset(sq, 0, sizeof *sq);
}
