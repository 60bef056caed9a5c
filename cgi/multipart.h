/* multipart.h — multipart/form-data bodies (RFC 7578) into form fields and files, parsed by GMime. */
#ifndef ORDERSYNC_MULTIPART_H
#define ORDERSYNC_MULTIPART_H

#include <stddef.h>

#include "http.h"

#define MULTIPART_FILENAME_MAX	255	/* bytes of a kept file name */

/*
 * Starts GMime for the process: call once before the first
 * multipart_parse() (main, a test, a fuzzer); multipart_shutdown() at exit.
 */
void	multipart_init(void);
void	multipart_shutdown(void);

/*
 * Parses body (len bytes) sent with the Content-Type value content_type
 * (multipart/form-data; boundary=...). Text parts (no filename) are
 * appended to form; parts with a filename (empty included: "no file
 * chosen") to files, their bytes exactly as sent and their file name
 * reduced by multipart_filename(). Returns 0, or -1 with a static English
 * reason in *why for a 400: no boundary, a malformed body, a part without a
 * form-data name, a nested multipart, more than HTTP_MAX_FIELDS parts, two
 * files for one field, a NUL or invalid UTF-8 in a text field or a name. On
 * -1, what was appended stays in form and files (the request frees them).
 */
int	multipart_parse(const char *content_type, const char *body, size_t len,
	    struct kvlist *form, struct http_files *files, const char **why /* OUT */);

/*
 * A client's file name as the app may keep it: its last path component
 * (after the last '/' or '\\'), without control characters, at most
 * MULTIPART_FILENAME_MAX bytes (cut on a UTF-8 character boundary); "" for
 * nothing left, "." or "..", or invalid UTF-8. Never a path. Caller frees.
 */
char	*multipart_filename(const char *raw);

#endif
