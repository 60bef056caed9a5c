/* image.c — product photos: uploaded bytes into two stripped WebP renditions (libvips). */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vips/vips.h>

#include "image.h"
#include "util.h"

/* The loaders an upload may use (libvips class names): JPEG, PNG, WebP, nothing else. */
static const char *const allowed_loaders[] = {
	"VipsForeignLoadJpegBuffer",
	"VipsForeignLoadPngBuffer",
	"VipsForeignLoadWebpBuffer",
};

/* GLogFunc: libvips' warnings ("error in tile ...") say nothing the refusal does not. */
static void
quiet(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer arg)
{
	(void)domain;
	(void)level;
	(void)msg;
	(void)arg;
}

int
image_init(const char *argv0)
{
	if (VIPS_INIT(argv0 != NULL ? argv0 : "ordersync") != 0)
		return -1;
	/*
	 * No operation cache (it would keep references to a request's buffer
	 * and grow the process), and one vips worker thread per operation: a
	 * process's request threads already run side by side.
	 */
	vips_cache_set_max(0);
	vips_cache_set_max_mem(0);
	vips_cache_set_max_files(0);
	vips_concurrency_set(1);
	g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING, quiet, NULL);
	return 0;
}

void
image_shutdown(void)
{
	if (vips_get_argv0() != NULL)	/* set by vips_init(): it was started */
		vips_shutdown();
}

void
image_out_clear(struct image_out *o)
{
	if (o == NULL)
		return;
	g_free(o->data);
	memset(o, 0, sizeof *o);
}

static int
loader_allowed(const char *loader)
{
	size_t i;

	for (i = 0; loader != NULL && i < NELEM(allowed_loaders); i++)
		if (strcmp(loader, allowed_loaders[i]) == 0)
			return 1;
	return 0;
}

/*
 * Reads the header only (libvips decodes pixels when they are asked for,
 * and nothing here asks): the type by content and the size, so that a
 * decompression bomb is refused before its pixels cost anything.
 */
static enum image_status
check_header(const void *data, size_t len, const char **why)
{
	const char *loader = vips_foreign_find_load_buffer(data, len);
	VipsImage *im;
	long long pixels;

	if (!loader_allowed(loader)) {
		*why = "The file is not a JPEG, PNG or WebP image.";
		return IMAGE_UNSUPPORTED;
	}
	im = vips_image_new_from_buffer(data, len, "", "access", VIPS_ACCESS_SEQUENTIAL,
	    "fail_on", VIPS_FAIL_ON_ERROR, NULL);
	if (im == NULL) {
		*why = "The image cannot be read.";
		return IMAGE_UNREADABLE;
	}
	pixels = (long long)vips_image_get_width(im) * vips_image_get_height(im);
	g_object_unref(im);
	if (pixels > IMAGE_MAX_PIXELS) {
		*why = "The image has more than 40 megapixels.";
		return IMAGE_TOO_LARGE;
	}
	return IMAGE_OK;
}

static uint32_t
rd_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void
wr_le32(unsigned char *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = v >> 24;
}

/*
 * Keeps only the picture of a still WebP file (RIFF, "WebP Container
 * Specification"): the VP8X header with its ICC, EXIF and XMP flags cleared,
 * ALPH, VP8 and VP8L; every other chunk goes. libvips 8.14's webpsave
 * writes an EXIF chunk whatever "strip" says (libvips issue 3340), so the
 * metadata rule is kept here, on the bytes. Compacts d in place and sets
 * *len; -1 when d is not a well-formed WebP file.
 */
static int
webp_strip(unsigned char *d, size_t *len)
{
	size_t in = 12, out = 12, sz, n = *len;

	if (n < 12 || memcmp(d, "RIFF", 4) != 0 || memcmp(d + 8, "WEBP", 4) != 0)
		return -1;
	while (in + 8 <= n) {
		sz = rd_le32(d + in + 4);
		if (sz > n - in - 8)
			return -1;
		sz += sz & 1;		/* chunks are padded to an even size */
		if (in + 8 + sz > n)
			sz = n - in - 8;
		if (memcmp(d + in, "VP8X", 4) == 0 || memcmp(d + in, "ALPH", 4) == 0 ||
		    memcmp(d + in, "VP8 ", 4) == 0 || memcmp(d + in, "VP8L", 4) == 0) {
			memmove(d + out, d + in, 8 + sz);
			if (memcmp(d + out, "VP8X", 4) == 0 && sz >= 1)
				d[out + 8] &= (unsigned char)~(0x20 | 0x08 | 0x04);
			out += 8 + sz;
		}
		in += 8 + sz;
	}
	wr_le32(d + 4, (uint32_t)(out - 8));
	*len = out;
	return 0;
}

/*
 * One rendition at most width wide: shrink-on-load where the format has it,
 * the EXIF orientation applied (vips_thumbnail auto-rotates), never
 * upscaled, then WebP with every piece of metadata stripped. Decoding is
 * strict (fail_on=error): a truncated file fails here. 0, or -1.
 */
static int
rendition(const void *data, size_t len, int width, struct image_out *o)
{
	VipsImage *thumb = NULL;
	void *buf = NULL;
	size_t n = 0;
	int rc = -1;

	if (vips_thumbnail_buffer((void *)data, len, &thumb, width,
	    "height", IMAGE_MAX_SIDE, "size", VIPS_SIZE_DOWN,
	    "option_string", "fail_on=error", NULL) != 0)
		goto out;
	if (vips_webpsave_buffer(thumb, &buf, &n, "Q", 82, "strip", TRUE, NULL) != 0 ||
	    webp_strip(buf, &n) != 0)
		goto out;
	o->data = buf;
	o->len = n;
	o->width = vips_image_get_width(thumb);
	o->height = vips_image_get_height(thumb);
	buf = NULL;
	rc = 0;
out:
	g_free(buf);
	if (thumb != NULL)
		g_object_unref(thumb);
	return rc;
}

/* Set once by start_once, read after pthread_once: no lock needed. */
static pthread_once_t started = PTHREAD_ONCE_INIT;
static int start_rc;

static void
start_once(void)
{
	start_rc = image_init(NULL);
}

enum image_status
image_renditions(const void *data, size_t len, struct image_out out[IMAGE__NOUT],
    const char **why)
{
	static const int widths[IMAGE__NOUT] = {
		[IMAGE_THUMB] = IMAGE_THUMB_WIDTH, [IMAGE_LARGE] = IMAGE_LARGE_WIDTH
	};
	enum image_status st;
	int i;

	memset(out, 0, IMAGE__NOUT * sizeof *out);
	/* Started at the first photo, once per process (request threads race here). */
	pthread_once(&started, start_once);
	if (start_rc != 0) {
		*why = "The image library failed to start.";
		return IMAGE_UNREADABLE;
	}
	if (len == 0) {
		*why = "The file is empty.";
		return IMAGE_EMPTY;
	}
	if ((st = check_header(data, len, why)) != IMAGE_OK) {
		vips_error_clear();
		return st;
	}
	for (i = 0; i < IMAGE__NOUT; i++)
		if (rendition(data, len, widths[i], &out[i]) != 0) {
			for (i = 0; i < IMAGE__NOUT; i++)
				image_out_clear(&out[i]);
			vips_error_clear();
			*why = "The image cannot be read: it is damaged or incomplete.";
			return IMAGE_UNREADABLE;
		}
	return IMAGE_OK;
}
