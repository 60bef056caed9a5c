/* fuzz_mustache.c — libFuzzer harness: the input is a template, rendered against fixed data and partials. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "mustache.h"
#include "util.h"

/*
 * The data and partials are the same as FUZZ_DATA and FUZZ_PARTIALS in
 * tests/unit/check_mustache.c, where the inputs kept in
 * tests/fuzz/regressions/ are replayed. "self" includes itself; "fuzz" is
 * the input itself, so it can include itself too.
 */
static const char data_json[] =
    "{\"s\": \"<&>\", \"n\": 1.5, \"t\": true, \"f\": false,"
    "\"l\": [1, \"two\", {\"s\": \"in\"}, [3]], \"o\": {\"a\": {\"b\": \"ab\"}},"
    "\"self\": \"self\", \"p\": \"part\"}";
static const char partials_json[] =
    "{\"part\": \"[{{s}}|{{#l}}{{.}}{{/l}}]\\n\","
    "\"self\": \"{{#l}}({{>self}}){{/l}}\", \"lay\": \"<{{$b}}d{{/b}}>\"}";

struct input {
	struct json_object	*partials;
	const uint8_t		*bytes;
	size_t			 len;
};

static char *
loader(void *arg, const char *name, size_t *len)
{
	const struct input *in = arg;
	struct json_object *v;

	if (strcmp(name, "fuzz") == 0) {
		*len = in->len;
		return xstrndup((const char *)in->bytes, in->len);
	}
	if (!json_object_object_get_ex(in->partials, name, &v))
		return NULL;
	*len = (size_t)json_object_get_string_len(v);
	return xstrndup(json_object_get_string(v), *len);
}

/* Checks what every call promises, whatever the input. */
static void
check(int rc, const struct buf *out, const struct mus_error *err)
{
	if (rc == MUS_OK) {
		if (out->len > (size_t)1 << 16)
			abort();		/* past the output limit */
		return;
	}
	if (out->len != 0)
		abort();			/* a partial page was left */
	if (err->line < 0 || err->col < 0 || memchr(err->msg, '\0',
	    sizeof err->msg) == NULL || err->msg[0] == '\0')
		abort();			/* no usable error */
}

int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t len);

int
LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t len)
{
	struct input in = { NULL, bytes, len };
	struct json_object *ctx = json_tokener_parse(data_json);
	struct mus_cache *cache;
	struct mus_error err;
	struct buf out;
	int rc;

	in.partials = json_tokener_parse(partials_json);
	cache = mus_cache_new(loader, &in);
	mus_cache_set_limits(cache, (size_t)1 << 16, (size_t)1 << 16);
	buf_init(&out);

	/* As the spec tests run: missing partials render as "". */
	mus_cache_set_strict(cache, 0);
	rc = mus_render_text(cache, "input", (const char *)bytes, len, ctx, &out,
	    &err);
	check(rc, &out, &err);

	/* As the app runs: strict, cached, checked at start-up. */
	mus_cache_set_strict(cache, 1);
	buf_reset(&out);
	rc = mus_check(cache, "fuzz", &err);
	if (rc == MUS_OK || rc == MUS_ERR_NOT_FOUND) {
		rc = mus_render(cache, "fuzz", ctx, &out, &err);
		check(rc, &out, &err);
	}

	buf_free(&out);
	mus_cache_free(cache);
	json_object_put(in.partials);
	json_object_put(ctx);
	return 0;
}
