/* mkphotos.c — writes the test photos of test_photos.sh into a directory, made with libvips at test time (no binary fixtures). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vips/vips.h>

static const char *dir;

static void
die(const char *what)
{
	fprintf(stderr, "mkphotos: %s: %s\n", what, vips_error_buffer());
	exit(1);
}

static void
put(const char *name, const void *d, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL || fwrite(d, 1, n, f) != n || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* A w×h RGB picture with some noise. */
static VipsImage *
picture(int w, int h)
{
	VipsImage *xyz, *noise, *x, *rgb, *u8;
	VipsImage *bands[3];

	if (vips_xyz(&xyz, w, h, NULL) || vips_gaussnoise(&noise, w, h, "sigma", 25.0, NULL) ||
	    vips_extract_band(xyz, &x, 0, NULL))
		die("picture");
	bands[0] = x;
	bands[1] = noise;
	bands[2] = x;
	if (vips_bandjoin(bands, &rgb, 3, NULL) || vips_cast_uchar(rgb, &u8, NULL))
		die("picture");
	g_object_unref(xyz);
	g_object_unref(noise);
	g_object_unref(x);
	g_object_unref(rgb);
	return u8;
}

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

/* EXIF: Orientation 6 and a GPS IFD with GPSLatitudeRef "N", as a phone writes them. */
static size_t
exif_block(unsigned char *e)
{
	unsigned char *t = e + 6;

	memset(e, 0, 64);
	memcpy(e, "Exif\0\0", 6);
	memcpy(t, "II*\0", 4);
	le32(t + 4, 8);
	le16(t + 8, 2);
	le16(t + 10, 0x0112);
	le16(t + 12, 3);
	le32(t + 14, 1);
	le16(t + 18, 6);
	le16(t + 22, 0x8825);
	le16(t + 24, 4);
	le32(t + 26, 1);
	le32(t + 30, 38);
	le32(t + 34, 0);
	le16(t + 38, 1);
	le16(t + 40, 0x0001);
	le16(t + 42, 2);
	le32(t + 44, 2);
	memcpy(t + 48, "N\0\0\0", 4);
	return 62;
}

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

int
main(int argc, char **argv)
{
	static const char pdf[] = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n";
	unsigned char exif[64];
	VipsImage *im;
	void *buf;
	size_t len;

	if (argc != 2 || VIPS_INIT(argv[0]))
		return 2;
	dir = argv[1];
	im = picture(1600, 1000);
	vips_image_set_blob_copy(im, VIPS_META_EXIF_NAME, exif, exif_block(exif));
	if (vips_jpegsave_buffer(im, &buf, &len, NULL))
		die("jpeg");
	put("photo.jpg", buf, len);
	put("truncated.jpg", buf, len / 2);
	g_free(buf);
	g_object_unref(im);

	im = picture(900, 600);
	if (vips_pngsave_buffer(im, &buf, &len, NULL))
		die("png");
	put("photo.png", buf, len);
	g_free(buf);
	if (vips_webpsave_buffer(im, &buf, &len, NULL))
		die("webp");
	put("photo.webp", buf, len);
	g_free(buf);
	g_object_unref(im);

	/* A PNG whose header claims 50,000 × 50,000 (2.5 gigapixels). */
	im = picture(8, 8);
	if (vips_pngsave_buffer(im, &buf, &len, NULL))
		die("bomb");
	be32((unsigned char *)buf + 16, 50000);
	be32((unsigned char *)buf + 20, 50000);
	be32((unsigned char *)buf + 29, crc32_png((unsigned char *)buf + 12, 17));
	put("bomb.png", buf, len);
	g_free(buf);
	g_object_unref(im);

	put("doc.pdf", pdf, sizeof pdf - 1);
	put("empty.jpg", "", 0);
	return 0;
}
