/* image.h — product photos: uploaded bytes into two stripped WebP renditions (libvips). Knows nothing of HTTP or the db. */
#ifndef ORDERSYNC_IMAGE_H
#define ORDERSYNC_IMAGE_H

#include <stddef.h>

#define IMAGE_MAX_PIXELS	40000000LL	/* 40 megapixels: more is refused unread */
#define IMAGE_THUMB_WIDTH	480		/* out[IMAGE_THUMB] */
#define IMAGE_LARGE_WIDTH	1200		/* out[IMAGE_LARGE] */
#define IMAGE_MAX_SIDE		16383		/* WebP's largest side */

enum { IMAGE_THUMB = 0, IMAGE_LARGE = 1, IMAGE__NOUT };

enum image_status {
	IMAGE_OK = 0,
	IMAGE_EMPTY,		/* zero bytes */
	IMAGE_UNSUPPORTED,	/* not JPEG, PNG or WebP by its content */
	IMAGE_TOO_LARGE,	/* over IMAGE_MAX_PIXELS, by its header */
	IMAGE_UNREADABLE	/* the header or the pixels do not decode (truncated, corrupt) */
};

/* One WebP rendition; data owned, released by image_out_clear(). */
struct image_out {
	unsigned char	*data;
	size_t		 len;
	int		 width, height;
};

/*
 * Starts libvips for the process: no operation cache (a request's buffer is
 * never held after it), one worker thread. image_renditions() calls it, so a
 * process that never sees a photo (a CGI request, the CLI) never pays for
 * libvips; calling it again is cheap. Returns 0, or -1 when libvips fails to
 * start. image_shutdown() at exit (a no-op when it never started).
 */
int	image_init(const char *argv0 /* NULL: "ordersync" */);
void	image_shutdown(void);

/*
 * Makes the renditions of an uploaded photo of len bytes: accepts JPEG, PNG
 * and WebP by content (never by name), refuses more than IMAGE_MAX_PIXELS
 * from the header before any pixel is decoded, decodes strictly (a
 * truncated file fails), turns the picture upright by its EXIF orientation,
 * drops every piece of metadata (EXIF, XMP, ICC, GPS) and writes WebP about
 * IMAGE_THUMB_WIDTH and IMAGE_LARGE_WIDTH wide, aspect kept, never
 * upscaled. Returns IMAGE_OK with out[IMAGE_THUMB] and out[IMAGE_LARGE]
 * filled (the caller releases both with image_out_clear()), or another
 * status with out zeroed and an English reason (static) in *why.
 */
enum image_status image_renditions(const void *data, size_t len,
		    struct image_out out[IMAGE__NOUT] /* OUT */, const char **why /* OUT */);
/* Frees o's bytes and zeroes it; a zeroed o is a no-op. */
void	image_out_clear(struct image_out *o);

#endif
