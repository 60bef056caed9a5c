/* fuzz_multipart.c — libFuzzer harness for multipart/form-data bodies (cgi/multipart.c over GMime) and file names. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "multipart.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	multipart_init();
	return 0;
}

/*
 * The input's first line (up to the first '\n', at most 200 bytes) is the
 * Content-Type's parameters after "multipart/form-data; " so the fuzzer
 * can find boundaries; the rest is the body. Every accepted file must come
 * back with its length and a NUL after it, its name a base name.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size < 200 ? size : 200);
	size_t plen = nl != NULL ? (size_t)(nl - data) : 0, blen, i;
	struct kvlist form = { 0 };
	struct http_files files = { 0 };
	const char *why = NULL;
	char *ct, *body, *name;

	ct = malloc(plen + 32);
	memcpy(ct, "multipart/form-data; ", 21);
	memcpy(ct + 21, data, plen);
	ct[21 + plen] = '\0';
	blen = nl != NULL ? size - plen - 1 : size;
	/* Exactly blen bytes on the heap, so ASan sees any read past the end. */
	body = malloc(blen ? blen : 1);
	memcpy(body, nl != NULL ? nl + 1 : data, blen);
	if (strlen(ct) == 21 + plen &&
	    multipart_parse(ct, body, blen, &form, &files, &why) == 0) {
		for (i = 0; i < files.n; i++) {
			if (files.v[i].data[files.v[i].len] != '\0' ||
			    strchr(files.v[i].filename, '/') != NULL ||
			    strchr(files.v[i].filename, '\\') != NULL ||
			    strlen(files.v[i].filename) > MULTIPART_FILENAME_MAX)
				abort();
		}
	} else if (why == NULL && strlen(ct) == 21 + plen)
		abort();
	kv_free(&form);
	http_files_free(&files);
	/* The file-name reducer on the raw bytes, as a C string. */
	name = malloc(size + 1);
	memcpy(name, data, size);
	name[size] = '\0';
	free(multipart_filename(name));
	free(name);
	free(body);
	free(ct);
	return 0;
}
