/* valid.h — input validation against tables of fields, as kcgi does: handlers read only validated values. */
#ifndef ORDERSYNC_VALID_H
#define ORDERSYNC_VALID_H

#include <stdint.h>

#include <json-c/json.h>

#include "http.h"

#define VALID_MAX_FIELDS 16

enum valid_kind {
	VALID_TEXT,	/* one line of UTF-8, no control characters */
	VALID_LINES,	/* UTF-8 text; newlines and tabs allowed */
	VALID_EMAIL,	/* a sane address: local@domain.tld, <= max bytes */
	VALID_PHONE,	/* digits, spaces and + ( ) - */
	VALID_INT,	/* decimal integer in [min, max] */
	VALID_TOKEN,	/* lowercase hex, min..max characters, taken as sent */
	VALID_CURSOR,	/* ASCII digits, any length, taken as sent; past INT64_MAX held there */
	VALID_SECRET	/* a password: UTF-8 taken as it is (never trimmed), min..max bytes */
};

/*
 * One accepted field. For text kinds min/max bound the length in characters
 * (UTF-8 code points); for VALID_INT they bound the value. error_key names the
 * locale text shown beside the field when it is wrong ("checkout.errors.email").
 */
struct valid_field {
	const char	*name;
	enum valid_kind	 kind;
	int		 required;
	long		 min, max;
	const char	*error_key;
};

/*
 * The outcome, indexed like the table. text[i] is the trimmed value (owned;
 * "" when absent), num[i] the integer for VALID_INT, error[i] the table's
 * error_key when field i is wrong (else NULL). nerrors counts them.
 */
struct valid_result {
	char		*text[VALID_MAX_FIELDS];
	int64_t		 num[VALID_MAX_FIELDS];
	const char	*error[VALID_MAX_FIELDS];
	int		 present[VALID_MAX_FIELDS];
	int		 nerrors;
};

/*
 * Checks a form (or query) against the table of n fields (n <= 16). Returns
 * the number of wrong fields (0: all valid). Always fills res; release it
 * with valid_result_free().
 */
int	valid_form(const struct valid_field *tbl, size_t n, const struct kvlist *form,
	    struct valid_result *res);
/* The same for a JSON object's members (strings, or numbers for VALID_INT). */
int	valid_json(const struct valid_field *tbl, size_t n, struct json_object *obj,
	    struct valid_result *res);
/*
 * The request's input against the table: its JSON object body when it has
 * one (rq->json), else its form. As valid_form().
 */
int	valid_request(const struct valid_field *tbl, size_t n,
	    const struct http_request *rq, struct valid_result *res);
void	valid_result_free(struct valid_result *res);

/* Pure validators: 1 when valid, 0 when not. */
int	valid_utf8(const char *s, int multiline, size_t *nchars);
int	valid_email(const char *s, size_t max);
int	valid_phone(const char *s, size_t max);
int	valid_int(const char *s, long min, long max, long *out);
int	valid_hex_token(const char *s, size_t min, size_t max);
/*
 * A cursor: one or more ASCII digits and nothing else (no sign, space or
 * empty string). A value past INT64_MAX is held at INT64_MAX, never wrapped.
 * Returns 1 and sets *out when valid.
 */
int	valid_cursor(const char *s, int64_t *out);

#endif
