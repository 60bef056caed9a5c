/* store_input.c — what a store's settings form, a new store's form and `ordersyncctl store` must be: their tables and rules, shared by the web and the CLI. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "config.h"
#include "store_input.h"
#include "util.h"

const struct valid_field store_input_settings[STORE_IN__MAX] = {
	[STORE_IN_NAME] =	   { "name", VALID_TEXT, 0, 0, STORE_NAME_MAX, "settings.errors.name" },
	[STORE_IN_CONTACT_EMAIL] = { "contact_email", VALID_EMAIL, 0, 0, STORE_EMAIL_MAX,
				     "settings.errors.contact_email" },
	[STORE_IN_PHONE] =	   { "phone", VALID_PHONE, 0, 0, STORE_PHONE_MAX,
				     "settings.errors.phone" },
	[STORE_IN_ADDRESS] =	   { "address", VALID_LINES, 0, 0, STORE_ADDRESS_MAX,
				     "settings.errors.address" },
	[STORE_IN_HOURS] =	   { "hours", VALID_LINES, 0, 0, STORE_HOURS_MAX,
				     "settings.errors.hours" },
	[STORE_IN_FULFILMENT] =	   { "fulfilment", VALID_TEXT, 0, 0, 8, "settings.errors.fulfilment" },
	[STORE_IN_VAT_NOTE] =	   { "vat_note", VALID_TEXT, 0, 0, STORE_VAT_MAX,
				     "settings.errors.vat_note" },
	[STORE_IN_LEGAL] =	   { "legal", VALID_LINES, 0, 0, STORE_LEGAL_MAX,
				     "settings.errors.legal" },
	[STORE_IN_CURRENCY] =	   { "currency", VALID_TEXT, 0, 0, 3, "settings.errors.currency" },
	[STORE_IN_LANGUAGE] =	   { "language", VALID_TEXT, 0, 0, 2, "settings.errors.language" },
	[STORE_IN_TIMEZONE] =	   { "timezone", VALID_TEXT, 0, 0, STORE_TZ_MAX,
				     "settings.errors.timezone" },
	[STORE_IN_ALERT_EMAILS] =  { "alert_emails", VALID_TEXT, 0, 0, STORE_EMAILS_MAX,
				     "settings.errors.emails" },
	[STORE_IN_ESCALATE_MINUTES] = { "escalate_minutes", VALID_INT, 0, 0, STORE_ESCALATE_MAX,
				     "settings.errors.escalate_minutes" },
	[STORE_IN_ESCALATE_EMAILS] = { "escalate_emails", VALID_TEXT, 0, 0, STORE_EMAILS_MAX,
				     "settings.errors.emails" },
	[STORE_IN_SLUG] =	   { "slug", VALID_TEXT, 0, 0, STORE_SLUG_MAX, "settings.errors.slug" },
};

const struct valid_field store_input_new[STORE_NEW__MAX] = {
	[STORE_NEW_SLUG] = { "slug", VALID_TEXT, 1, 1, STORE_SLUG_MAX, "settings.errors.slug" },
	[STORE_NEW_NAME] = { "name", VALID_TEXT, 1, 1, STORE_NAME_MAX, "settings.errors.name" },
	[STORE_NEW_FROM] = { "from", VALID_TEXT, 0, 0, STORE_SLUG_MAX, "stores.errors.from" },
};

int
store_input_field(const char *name)
{
	int i;

	for (i = 0; i < STORE_IN__MAX; i++)
		if (strcmp(name, store_input_settings[i].name) == 0)
			return i;
	return -1;
}

void
store_input_given_form(const struct kvlist *form, int given[STORE_IN__MAX])
{
	int i;

	for (i = 0; i < STORE_IN__MAX; i++)
		given[i] = kv_get(form, store_input_settings[i].name) != NULL;
}

void
store_input_given(const struct http_request *rq, int given[STORE_IN__MAX])
{
	int i;

	if (rq->json == NULL) {
		store_input_given_form(&rq->form, given);
		return;
	}
	for (i = 0; i < STORE_IN__MAX; i++)
		given[i] = json_object_object_get_ex(rq->json, store_input_settings[i].name, NULL);
}

void
store_input_error(struct valid_result *v, int i, const char *key)
{
	if (v->error[i] == NULL)
		v->nerrors++;
	v->error[i] = key;
}

/* Replaces *dst (owned) by a copy of src. */
static void
set_text(char **dst, const char *src)
{
	free(*dst);
	*dst = xstrdup(src);
}

/* The checks beyond the table for field i's text t; 1 when it is right. */
static int
rule_ok(int i, const char *t, const struct store *s)
{
	enum store_fulfilment f;

	switch (i) {
	case STORE_IN_FULFILMENT:
		return store_fulfilment_parse(t, &f) == 0;
	case STORE_IN_CURRENCY:
		return *t == '\0' || cfg_currency_ok(t);
	case STORE_IN_LANGUAGE:
		return *t == '\0' || cfg_language_known(t);
	case STORE_IN_TIMEZONE:
		return *t == '\0' || cfg_tz_known(t);
	case STORE_IN_ALERT_EMAILS:
	case STORE_IN_ESCALATE_EMAILS:
		return store_emails_ok(t);
	case STORE_IN_SLUG:
		/* The default store is served at "/" under the slug "default", always. */
		return store_slug_ok(t) && (s->id != STORE_DEFAULT_ID || strcmp(t, "default") == 0);
	default:
		return 1;
	}
}

/* Writes the checked text t of field i into s. */
static void
put(int i, const char *t, const struct valid_result *v, struct store *s)
{
	enum store_fulfilment f;

	switch (i) {
	case STORE_IN_NAME:
		if ((s->own_name = *t != '\0'))
			set_text(&s->name, t);
		break;
	case STORE_IN_CONTACT_EMAIL:	set_text(&s->contact_email, t); break;
	case STORE_IN_PHONE:		set_text(&s->phone, t); break;
	case STORE_IN_ADDRESS:		set_text(&s->address, t); break;
	case STORE_IN_HOURS:		set_text(&s->hours, t); break;
	case STORE_IN_VAT_NOTE:		set_text(&s->vat_note, t); break;
	case STORE_IN_LEGAL:		set_text(&s->legal, t); break;
	case STORE_IN_ALERT_EMAILS:	set_text(&s->alert_emails, t); break;
	case STORE_IN_ESCALATE_EMAILS:	set_text(&s->escalate_emails, t); break;
	case STORE_IN_FULFILMENT:
		if (store_fulfilment_parse(t, &f) == 0)
			s->fulfilment = f;
		break;
	case STORE_IN_CURRENCY:
		if ((s->own_currency = *t != '\0'))
			memcpy(s->currency, t, sizeof s->currency);
		break;
	case STORE_IN_LANGUAGE:
		if ((s->own_lang = *t != '\0'))
			memcpy(s->lang, t, sizeof s->lang);
		break;
	case STORE_IN_TIMEZONE:
		if ((s->own_tz = *t != '\0'))
			set_text(&s->tz, t);
		break;
	case STORE_IN_ESCALATE_MINUTES:
		s->escalate_minutes = v->present[i] ? (int)v->num[i] : 0;
		break;
	case STORE_IN_SLUG:
		snprintf(s->slug, sizeof s->slug, "%s", t);
		break;
	}
}

int
store_input_apply(struct valid_result *v, const int given[STORE_IN__MAX], struct store *s)
{
	int i;

	for (i = 0; i < STORE_IN__MAX; i++) {
		if (!given[i] || v->error[i] != NULL)
			continue;
		if (!rule_ok(i, v->text[i], s))
			store_input_error(v, i, i == STORE_IN_SLUG && s->id == STORE_DEFAULT_ID &&
			    store_slug_ok(v->text[i]) ? "settings.errors.slug_default" :
			    store_input_settings[i].error_key);
		else
			put(i, v->text[i], v, s);
	}
	return v->nerrors;
}

int
store_input_new_check(struct valid_result *v)
{
	if (v->error[STORE_NEW_SLUG] == NULL && !store_slug_ok(v->text[STORE_NEW_SLUG]))
		store_input_error(v, STORE_NEW_SLUG, "settings.errors.slug");
	return v->nerrors;
}
