/* fuzz_http.c — libFuzzer harness for every parser of untrusted request bytes in cgi/http.c and cgi/valid.c. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "valid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kvlist kv = { 0 };
	struct json_object *obj;
	const char *why;
	char *s, *out = NULL;
	size_t n;

	/* Exactly size bytes on the heap, so ASan sees any read past the end. */
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';

	if (http_pct_decode(s, size, 1, &out, &n) == HTTP_PARSE_OK)
		free(out);
	http_parse_urlencoded(s, size, &kv);
	kv_free(&kv);
	if (http_normalize_path(s, size, &out) == HTTP_PARSE_OK)
		free(out);
	obj = http_parse_json(s, size, &why);
	json_object_put(obj);
	/* The C-string parsers stop at the first NUL, as they would in a header. */
	http_parse_cookies(s, &kv);
	kv_free(&kv);
	(void)http_accepts_json(s);
	(void)http_media_type_is(s, "application/json");
	(void)http_etag_matches(s, "\"abc-1\"");
	(void)valid_utf8(s, 1, &n);
	(void)valid_email(s, 254);
	(void)valid_phone(s, 20);
	free(s);
	return 0;
}
