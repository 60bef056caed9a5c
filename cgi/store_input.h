/* store_input.h — what a store's settings form, a new store's form and `ordersyncctl store` must be: their tables and rules, shared by the web and the CLI. */
#ifndef ORDERSYNC_STORE_INPUT_H
#define ORDERSYNC_STORE_INPUT_H

#include "http.h"
#include "store.h"
#include "valid.h"

/* The settings' fields (DESIGN.md "Form fields and answers"), in table order. */
enum store_input_field {
	STORE_IN_NAME, STORE_IN_CONTACT_EMAIL, STORE_IN_PHONE, STORE_IN_ADDRESS,
	STORE_IN_HOURS, STORE_IN_FULFILMENT, STORE_IN_VAT_NOTE, STORE_IN_LEGAL,
	STORE_IN_CURRENCY, STORE_IN_LANGUAGE, STORE_IN_TIMEZONE, STORE_IN_ALERT_EMAILS,
	STORE_IN_ESCALATE_MINUTES, STORE_IN_ESCALATE_EMAILS, STORE_IN_SLUG, STORE_IN__MAX
};
/* The settings' table: names, kinds, limits (store.h) and error keys. */
extern const struct valid_field store_input_settings[STORE_IN__MAX];

/* A new store's fields: slug, name, and the store whose settings it copies. */
enum store_input_new_field { STORE_NEW_SLUG, STORE_NEW_NAME, STORE_NEW_FROM, STORE_NEW__MAX };
extern const struct valid_field store_input_new[STORE_NEW__MAX];

/* The settings field named name, or -1. */
int	store_input_field(const char *name);
/*
 * given[i] = 1 when the request names settings field i at all (a form's
 * "x=" or a JSON member), even empty.
 */
void	store_input_given(const struct http_request *rq, int given[STORE_IN__MAX]);
/* The same for a form (or the CLI's one KEY=VALUE). */
void	store_input_given_form(const struct kvlist *form, int given[STORE_IN__MAX]);
/*
 * Applies the settings fields v holds (checked against store_input_settings)
 * and given[] names to s, with the rules the table cannot say: a currency of
 * three capitals, a known language and time zone, lists of addresses,
 * fulfilment's names, a slug's shape (the default store's stays "default").
 * An empty name, currency, language or time zone gives the setting back to
 * the environment (own_* 0). A field not given keeps its value. Wrong
 * fields get their error key on v; returns v->nerrors (s is then partly
 * changed: the caller must not save it). s's strings are its own (store_free).
 */
int	store_input_apply(struct valid_result *v, const int given[STORE_IN__MAX],
	    struct store *s);
/* Adds error key to field i of v (counted once). */
void	store_input_error(struct valid_result *v, int i, const char *key);
/*
 * The new-store rules the table cannot say: the slug's shape (an error on
 * v). Returns v->nerrors.
 */
int	store_input_new_check(struct valid_result *v);

#endif
