/* check_image.c — photo renditions: types by content, the 40 MP limit before decoding, strict decoding, rotation, no metadata. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>
#include <vips/vips.h>

#include "image.h"
#include "unit.h"
#include "util.h"

static void
setup(void)
{
	ck_assert_int_eq(image_init("check_image"), 0);
}

static void
teardown(void)
{
}

/* A w×h RGB test picture (a gradient with noise, so encoders have work) saved as suffix (".jpg"). */
static void *
make_image(int w, int h, const char *suffix, size_t *len, VipsImage **keep)
{
	VipsImage *xyz = NULL, *noise = NULL, *sum = NULL, *rgb = NULL, *u8 = NULL;
	void *buf = NULL;

	ck_assert_int_eq(vips_xyz(&xyz, w, h, NULL), 0);
	ck_assert_int_eq(vips_gaussnoise(&noise, w, h, "sigma", 20.0, NULL), 0);
	ck_assert_int_eq(vips_extract_band(xyz, &sum, 0, NULL), 0);
	{
		VipsImage *bands[3] = { sum, noise, sum };

		ck_assert_int_eq(vips_bandjoin(bands, &rgb, 3, NULL), 0);
	}
	ck_assert_int_eq(vips_cast_uchar(rgb, &u8, NULL), 0);
	if (keep != NULL) {
		*keep = u8;	/* the caller sets metadata and saves */
		u8 = NULL;
	} else
		ck_assert_int_eq(vips_image_write_to_buffer(u8, suffix, &buf, len, NULL), 0);
	g_object_unref(xyz);
	g_object_unref(noise);
	g_object_unref(sum);
	g_object_unref(rgb);
	if (u8 != NULL)
		g_object_unref(u8);
	return buf;
}

/* Little-endian TIFF helpers for the hand-made EXIF block below. */
static void
le16(unsigned char *p, unsigned v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
}

static void
le32(unsigned char *p, unsigned v)
{
	le16(p, v & 0xffff);
	le16(p + 2, v >> 16);
}

/*
 * An EXIF block ("Exif\0\0" + TIFF) with Orientation 6 (turn 90° clockwise
 * to view) and a GPS IFD holding GPSLatitudeRef "N": what a phone writes.
 */
static size_t
make_exif(unsigned char *e)
{
	unsigned char *t = e + 6;

	memset(e, 0, 64);
	memcpy(e, "Exif\0\0", 6);
	memcpy(t, "II*\0", 4);
	le32(t + 4, 8);			/* IFD0 at 8 */
	le16(t + 8, 2);			/* 2 entries */
	le16(t + 10, 0x0112);		/* Orientation, SHORT, 1, 6 */
	le16(t + 12, 3);
	le32(t + 14, 1);
	le16(t + 18, 6);
	le16(t + 22, 0x8825);		/* GPSInfo, LONG, 1, offset 38 */
	le16(t + 24, 4);
	le32(t + 26, 1);
	le32(t + 30, 38);
	le32(t + 34, 0);		/* no IFD1 */
	le16(t + 38, 1);		/* GPS IFD: 1 entry */
	le16(t + 40, 0x0001);		/* GPSLatitudeRef, ASCII, 2, "N" */
	le16(t + 42, 2);
	le32(t + 44, 2);
	memcpy(t + 48, "N\0\0\0", 4);
	le32(t + 52, 0);
	return 6 + 56;
}

/* 1 when a RIFF/WebP file has a chunk of type fourcc at its top level. */
static int
webp_has_chunk(const unsigned char *d, size_t len, const char *fourcc)
{
	size_t off = 12, sz;

	ck_assert_uint_ge(len, 12);
	ck_assert(memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0);
	while (off + 8 <= len) {
		if (memcmp(d + off, fourcc, 4) == 0)
			return 1;
		sz = d[off + 4] | d[off + 5] << 8 | d[off + 6] << 16 | (size_t)d[off + 7] << 24;
		off += 8 + sz + (sz & 1);
	}
	return 0;
}

static void
assert_clean(const struct image_out *o)
{
	ck_assert_ptr_nonnull(o->data);
	ck_assert(!webp_has_chunk(o->data, o->len, "EXIF"));
	ck_assert(!webp_has_chunk(o->data, o->len, "XMP "));
	ck_assert(!webp_has_chunk(o->data, o->len, "ICCP"));
	ck_assert(memmem(o->data, o->len, "Exif", 4) == NULL);
}

START_TEST(test_jpeg_exif_rotated_and_stripped)
{
	unsigned char exif[64];
	struct image_out out[IMAGE__NOUT];
	const char *why = NULL;
	VipsImage *im, *back;
	void *jpg;
	size_t len, elen = make_exif(exif);

	make_image(600, 400, NULL, NULL, &im);
	vips_image_set_blob_copy(im, VIPS_META_EXIF_NAME, exif, elen);
	ck_assert_int_eq(vips_jpegsave_buffer(im, &jpg, &len, NULL), 0);
	g_object_unref(im);
	/* The input really carries the orientation and the GPS tag. */
	back = vips_image_new_from_buffer(jpg, len, "", NULL);
	ck_assert_ptr_nonnull(back);
	ck_assert_int_eq(vips_image_get_orientation(back), 6);
	ck_assert(vips_image_get_typeof(back, "exif-ifd3-GPSLatitudeRef") != 0);
	g_object_unref(back);

	ck_assert_int_eq(image_renditions(jpg, len, out, &why), IMAGE_OK);
	/* Upright: 600×400 turned a quarter is 400 wide, 600 high. */
	ck_assert_int_eq(out[IMAGE_LARGE].width, 400);
	ck_assert_int_eq(out[IMAGE_LARGE].height, 600);
	ck_assert_int_eq(out[IMAGE_THUMB].width, 400);
	assert_clean(&out[IMAGE_THUMB]);
	assert_clean(&out[IMAGE_LARGE]);
	/* The rendition decodes as WebP, with no orientation left to apply. */
	back = vips_image_new_from_buffer(out[IMAGE_LARGE].data, out[IMAGE_LARGE].len, "", NULL);
	ck_assert_ptr_nonnull(back);
	ck_assert_str_eq(vips_foreign_find_load_buffer(out[IMAGE_LARGE].data,
	    out[IMAGE_LARGE].len), "VipsForeignLoadWebpBuffer");
	ck_assert(vips_image_get_typeof(back, VIPS_META_EXIF_NAME) == 0);
	g_object_unref(back);
	image_out_clear(&out[0]);
	image_out_clear(&out[1]);
	g_free(jpg);
}
END_TEST

START_TEST(test_png_two_widths)
{
	struct image_out out[IMAGE__NOUT];
	const char *why = NULL;
	size_t len;
	void *png = make_image(2000, 1000, ".png", &len, NULL);

	ck_assert_int_eq(image_renditions(png, len, out, &why), IMAGE_OK);
	ck_assert_int_eq(out[IMAGE_THUMB].width, 480);
	ck_assert_int_eq(out[IMAGE_THUMB].height, 240);
	ck_assert_int_eq(out[IMAGE_LARGE].width, 1200);
	ck_assert_int_eq(out[IMAGE_LARGE].height, 600);
	assert_clean(&out[IMAGE_THUMB]);
	image_out_clear(&out[0]);
	image_out_clear(&out[1]);
	g_free(png);
}
END_TEST

START_TEST(test_webp_never_upscaled)
{
	struct image_out out[IMAGE__NOUT];
	const char *why = NULL;
	size_t len;
	void *webp = make_image(100, 50, ".webp", &len, NULL);

	ck_assert_int_eq(image_renditions(webp, len, out, &why), IMAGE_OK);
	ck_assert_int_eq(out[IMAGE_THUMB].width, 100);
	ck_assert_int_eq(out[IMAGE_LARGE].width, 100);
	ck_assert_int_eq(out[IMAGE_LARGE].height, 50);
	image_out_clear(&out[0]);
	image_out_clear(&out[1]);
	g_free(webp);
}
END_TEST

/* Refused inputs: status, and out left empty. */
static void
assert_refused(const void *d, size_t len, enum image_status want)
{
	struct image_out out[IMAGE__NOUT];
	const char *why = NULL;

	ck_assert_int_eq(image_renditions(d, len, out, &why), want);
	ck_assert_ptr_nonnull(why);
	ck_assert_ptr_null(out[0].data);
	ck_assert_ptr_null(out[1].data);
}

START_TEST(test_refused_types)
{
	static const char pdf[] = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n";
	static const char text[] = "this is a text file renamed photo.jpg\n";
	static const unsigned char gif[] = "GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00"
	    "\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00"
	    "\x02\x02\x44\x01\x00;";

	assert_refused("", 0, IMAGE_EMPTY);
	assert_refused(pdf, sizeof pdf - 1, IMAGE_UNSUPPORTED);
	assert_refused(text, sizeof text - 1, IMAGE_UNSUPPORTED);
	assert_refused(gif, sizeof gif - 1, IMAGE_UNSUPPORTED);
}
END_TEST

START_TEST(test_truncated_jpeg)
{
	size_t len;
	void *jpg = make_image(1000, 800, ".jpg", &len, NULL);

	assert_refused(jpg, len / 2, IMAGE_UNREADABLE);
	assert_refused(jpg, 200, IMAGE_UNREADABLE);
	g_free(jpg);
}
END_TEST

/* CRC-32 (ISO 3309, as PNG uses) of n bytes. */
static uint32_t
crc32_png(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	int k;

	while (n--) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
	}
	return c ^ 0xffffffffu;
}

static void
be32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

START_TEST(test_decompression_bomb)
{
	size_t len;
	unsigned char *png = make_image(8, 8, ".png", &len, NULL);
	struct timespec t0, t1;
	double secs;

	/* IHDR: bytes 12..15 "IHDR", width 16, height 20, CRC over type+data at 29. */
	ck_assert(memcmp(png + 12, "IHDR", 4) == 0);
	be32(png + 16, 50000);
	be32(png + 20, 50000);
	be32(png + 29, crc32_png(png + 12, 17));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_refused(png, len, IMAGE_TOO_LARGE);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	ck_assert_msg(secs < 1.0, "the bomb took %.2f s", secs);
	/* Just under the limit by the header is not refused for its size. */
	be32(png + 16, 8000);
	be32(png + 20, 5000);
	be32(png + 29, crc32_png(png + 12, 17));
	{
		struct image_out out[IMAGE__NOUT];
		const char *why = NULL;

		ck_assert_int_ne(image_renditions(png, len, out, &why), IMAGE_TOO_LARGE);
		image_out_clear(&out[0]);
		image_out_clear(&out[1]);
	}
	g_free(png);
}
END_TEST

static Suite *
image_suite(void)
{
	Suite *s = suite_create("image");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_jpeg_exif_rotated_and_stripped);
	tcase_add_test(tc, test_png_two_widths);
	tcase_add_test(tc, test_webp_never_upscaled);
	tcase_add_test(tc, test_refused_types);
	tcase_add_test(tc, test_truncated_jpeg);
	tcase_add_test(tc, test_decompression_bomb);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(image_suite)
