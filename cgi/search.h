/* search.h — what the order list's ?q= means: a number prefix, phone digits or words, made into a query the full-text index cannot misread. No I/O. */
#ifndef ORDERSYNC_SEARCH_H
#define ORDERSYNC_SEARCH_H

#include <stddef.h>

#define SEARCH_WORDS_MAX	8	/* words of a query that count; more are ignored */
#define SEARCH_WORD_MAX		64	/* bytes of one word; a longer one matches nothing */
#define SEARCH_PHONE_MIN	4	/* digits that make a query a phone search */

enum search_kind {
	SEARCH_ALL = 0,		/* no query: every order */
	SEARCH_NOTHING,		/* a query that can match no order ("%", "***") */
	SEARCH_NUMBER,		/* text: an order number prefix, upper-cased ("CMD-2026") */
	SEARCH_PHONE,		/* text: a quoted trigram phrase of the digits ("\"0612\"") */
	SEARCH_WORDS		/* text: one quoted prefix term per word ("\"elo\"* \"dup\"*") */
};

/*
 * A parsed ?q=. text is owned (NULL for SEARCH_ALL and SEARCH_NOTHING);
 * for SEARCH_PHONE and SEARCH_WORDS it is an FTS5 expression made only of
 * double-quoted terms holding letters and digits, so nothing the user types
 * (quotes, "*", "NEAR(", "OR", "%", "_") is ever read as query syntax.
 */
struct search_query {
	enum search_kind	 kind;
	char			*text;
	char			*plain;	/* SEARCH_PHONE: the digits; SEARCH_WORDS: the words,
					   one space between; SEARCH_NUMBER: text again; else
					   NULL. PostgreSQL's search (db_orders.c) reads this
					   rather than text. */
};

/*
 * Reads q (UTF-8, may be NULL or empty): "CMD-…" (any case) is a number
 * prefix; only digits and " +()-." with at least SEARCH_PHONE_MIN digits is
 * a phone search; anything else is words — runs of letters and digits
 * (bytes >= 0x80 count as letters), each a prefix of a word of the name or
 * email. Never fails; release with search_query_free().
 */
void	search_parse(const char *q, struct search_query *out /* OUT */);
void	search_query_free(struct search_query *sq);

#endif
