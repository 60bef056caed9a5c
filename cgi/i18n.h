/* i18n.h — the UI's words (templates/locales/LANG.json), language choice, prices and dates. */
#ifndef ORDERSYNC_I18N_H
#define ORDERSYNC_I18N_H

#include <stdarg.h>
#include <stdint.h>
#include <time.h>

#include <json-c/json.h>

#include "util.h"

#define I18N_MAX_LANGS 4

/* The loaded locale tables, one per language of cfg_languages. Each serving thread loads its own (app.h, "Threads"): json-c's reference counts are not atomic. */
struct i18n {
	struct json_object	*table[I18N_MAX_LANGS];
	const char		*lang[I18N_MAX_LANGS];	/* static names */
	size_t			 n;
};

/*
 * Loads DIR/locales/LANG.json for every language. Returns -1 and says why in
 * err when a file is missing or malformed, or when a language lacks a key the
 * first one ("en") has: French is complete, not a stub. Free with i18n_free().
 */
int	i18n_load(struct i18n *in, const char *templates_dir, struct buf *err);
void	i18n_free(struct i18n *in);

/*
 * Picks the language for an Accept-Language header (RFC 9110 §12.5.4,
 * q-values honoured): the known language with the highest q, else fallback.
 * Returns a static string.
 */
const char *i18n_pick(const struct i18n *in, const char *accept_language,
	    const char *fallback);
/* The whole table for lang (borrowed), or the first language's. */
struct json_object *i18n_table(const struct i18n *in, const char *lang);
/* One text by dotted key ("cart.place_order"); the key itself when missing. */
const char *i18n_text(const struct i18n *in, const char *lang, const char *key);

/*
 * Formats cents in currency for lang: "€89.99", "€1,234.50" in en;
 * "89,99 €", "1 234,50 €" in fr (narrow no-break space). Unknown currencies
 * print their code ("CHF 12.00" / "12,00 CHF").
 */
void	i18n_price(char *out, size_t outsz, int64_t cents, const char *currency,
	    const char *lang);
/* A local date and time for lang: "21 Nov 2026, 17:03" / "21/11/2026 17:03". */
void	i18n_datetime(char *out, size_t outsz, time_t t, const char *lang);
/* Local time only: "17:03". */
void	i18n_time(char *out, size_t outsz, time_t t);

/*
 * Fills the "{name}" placeholders of a locale text: the variadic arguments
 * are name, value pairs ending with NULL (a NULL value fills ""). Unknown
 * placeholders stay as they are. Returns a new string; the caller frees it.
 * The result is plain text: templates escape it like any other value.
 */
char	*i18n_fill(const char *text, ...) __attribute__((sentinel));
/* i18n_fill() with the pairs in ap. */
char	*i18n_vfill(const char *text, va_list ap);

#endif
