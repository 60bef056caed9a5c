/* mustache.h — our mustache engine: templates parsed once, rendered against json-c data. */
#ifndef ORDERSYNC_MUSTACHE_H
#define ORDERSYNC_MUSTACHE_H

#include <stddef.h>

#include <json-c/json.h>

#include "util.h"

/*
 * What is implemented (https://github.com/mustache/spec, the JSON files we
 * pin in tests): the whole core spec (interpolation, sections, inverted
 * sections, comments, set delimiters, partials, standalone-line rules) and the
 * optional modules ~inheritance ({{<parent}}, {{$block}}) and ~dynamic-names
 * ({{>*name}}, {{<*name}}). Lambdas are not: json-c data cannot hold code.
 *
 * Data model (json-c):
 *  - falsy: a missing name, null, false, an empty array, "" and the numbers
 *    0 and 0.0 (the spec's "!!data" rule). Everything else is truthy,
 *    including an empty object.
 *  - interpolation: strings as they are; integers in decimal; doubles in the
 *    shortest form that reads back to the same value (1.5, 2, 1e+21);
 *    true/false; null and missing names print nothing; arrays and objects
 *    print as compact JSON text.
 *  - {{x}} escapes & < > " ' (as &amp; &lt; &gt; &quot; &#39;) and writes a
 *    NUL byte inside a string as U+FFFD, which is what an HTML parser would
 *    turn it into; {{{x}}} and {{&x}} copy the bytes, NULs included.
 *  - a name is looked up as the spec says: its first dotted part up the
 *    context stack, the other parts only inside that result.
 *
 * Errors are reported, never rendered: unclosed tags, unclosed or mismatched
 * sections, bad delimiter changes, names with spaces, nesting deeper than
 * MUS_MAX_DEPTH, partial/parent/block expansion deeper than MUS_MAX_DEPTH,
 * output or work beyond the cache's limits, and (in strict mode) a partial
 * or parent that cannot be loaded.
 */

/* Deepest nesting of sections in one template, and of partial, parent and
 * block expansions in one rendering. */
#define MUS_MAX_DEPTH		32
#define MUS_DEFAULT_MAX_OUTPUT	((size_t)8 << 20)	/* bytes per render */
#define MUS_DEFAULT_MAX_STEPS	((size_t)1 << 25)	/* nodes visited per render */

enum mus_status {
	MUS_OK = 0,
	MUS_ERR_SYNTAX,		/* the template (or a partial) does not parse */
	MUS_ERR_NOT_FOUND,	/* template, or in strict mode partial/parent, not found */
	MUS_ERR_DEPTH,		/* nesting or expansion deeper than MUS_MAX_DEPTH */
	MUS_ERR_OUTPUT,		/* the page would exceed the output limit */
	MUS_ERR_STEPS,		/* rendering would exceed the work limit */
};

/*
 * Where and why a call failed. name is the template the error is in (for a
 * partial, the partial's name), line and col count from 1 (col in bytes);
 * both are 0 when the error has no position (a missing top-level template).
 * Names and messages longer than the arrays are truncated.
 */
struct mus_error {
	char	name[128];
	int	line, col;
	char	msg[256];
};

/*
 * Loads the source text of the template called name. Returns a malloc'd
 * buffer (the engine frees it with free()) and its length in *len (OUT), or
 * NULL when there is no such template. The text may hold any bytes; it need
 * not be NUL-terminated.
 */
typedef char *(*mus_loader_fn)(void *arg, const char *name, size_t *len);

/*
 * A mus_loader_fn reading DIR/NAME.mustache, where arg is the directory
 * (a const char *; the caller keeps it alive as long as the cache). Names
 * that are empty, longer than 200 bytes, start with '.', or contain '/',
 * "..", a backslash or a control character are refused (NULL, errno EINVAL),
 * so a name taken from data can never reach outside the directory. Returns
 * NULL with errno set when the file cannot be read.
 */
char	*mus_dir_loader(void *arg, const char *name, size_t *len);

/*
 * A per-process cache of parsed templates. Each template is loaded through
 * loader and parsed once, the first time it is rendered, checked or named by
 * a partial or parent tag, and kept until mus_cache_free(). Templates that
 * fail to load or parse are not cached. A new cache is strict, with limits
 * MUS_DEFAULT_MAX_OUTPUT and MUS_DEFAULT_MAX_STEPS. Never fails (aborts on
 * out of memory, like xmalloc). The caller frees it with mus_cache_free().
 */
struct mus_cache *mus_cache_new(mus_loader_fn loader, void *arg);

/*
 * As mus_cache_new(mus_dir_loader, dir), except that the cache keeps its own
 * copy of dir. The caller frees the cache with mus_cache_free().
 */
struct mus_cache *mus_cache_new_dir(const char *dir);

/* Frees the cache and every template in it. NULL is a no-op. */
void	 mus_cache_free(struct mus_cache *cache);

/*
 * Strict mode (on by default, the app's setting): a partial or parent that
 * the loader cannot find is an error (MUS_ERR_NOT_FOUND). Off, it renders as
 * the empty string, as the spec says; the spec tests run that way. A dynamic
 * name ({{>*x}}) whose data is missing renders nothing in both modes.
 */
void	 mus_cache_set_strict(struct mus_cache *cache, int strict);

/*
 * Sets the limits of each later render: max_output bytes written, and
 * max_steps template nodes visited (a section repeated over a list counts
 * its nodes once per item, so this bounds the work of a hostile template
 * that produces little output). 0 restores a limit's default.
 */
void	 mus_cache_set_limits(struct mus_cache *cache, size_t max_output,
	    size_t max_steps);

/*
 * Renders the template called name (loading and parsing it and the partials
 * it uses as needed) against the data ctx (any json-c value; NULL is JSON
 * null; ctx is read, not kept: only json-c's own cache of an array's or
 * object's JSON text may be filled) and appends the text to out.
 * Returns MUS_OK, or an enum mus_status with *err filled (err may be NULL).
 * On error out is restored to what it held before the call: nothing of the
 * page is left in it.
 */
int	 mus_render(struct mus_cache *cache, const char *name,
	    struct json_object *ctx, struct buf *out, struct mus_error *err);

/*
 * As mus_render(), for the template given as text (len bytes, any bytes),
 * parsed for this call only and freed before returning; name is used in
 * error messages. Partials and parents are loaded through, and cached in,
 * cache.
 */
int	 mus_render_text(struct mus_cache *cache, const char *name,
	    const char *text, size_t len, struct json_object *ctx,
	    struct buf *out, struct mus_error *err);

/*
 * Loads and parses the template called name and every template it names
 * statically in partial and parent tags, transitively (dynamic names depend
 * on data and are not followed), caching them. Meant for start-up: refuse to
 * start when this fails. Returns MUS_OK, or the status of the first failure
 * with *err naming the broken template (err may be NULL). In strict mode a
 * partial or parent that cannot be loaded is MUS_ERR_NOT_FOUND, located at
 * the tag that names it.
 */
int	 mus_check(struct mus_cache *cache, const char *name,
	    struct mus_error *err);

/* A short English description of a status, e.g. "syntax error". */
const char *mus_strerror(int status);

#endif
