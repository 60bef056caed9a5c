/* check_webhook.c — webhooks (cgi/webhook.h): the signature against vectors computed apart (Python's hmac), the address table, the URL policy, the body, the secret. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "db_admin.h"
#include "unit.h"
#include "util.h"
#include "webhook.h"

#ifndef NELEM
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#endif

/*
 * Each expected v1 was computed outside this code, with Python:
 * hmac.new(key, b"<t>." + body, hashlib.sha256).hexdigest()
 */
static const struct {
	const char	*key, *body;
	int64_t		 t;
	const char	*v1;
} sig_cases[] = {
	{ "Jefe", "what do ya want for nothing?", 1700000000,
	  "1cdd0650c8be1cb0974b1788d458b1e781206cfef59b85faafc582d2e182c57e" },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "{\"delivery\":7,\"type\":\"ping\"}", 42,
	  "86a09d335fb97a1e243ce0d5d0a74521fda4feaf3b0b8a34d0a11b9d1e873098" },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "", 42,
	  "7656340c0f1611ce5e0db67e6ffa7513636e7196d46e3521e0d11ca80e4fb6e5" },
};

START_TEST(test_sign)
{
	char sig[WEBHOOK_SIG_MAX], want[WEBHOOK_SIG_MAX];

	ck_assert_int_ge(sodium_init(), 0);
	webhook_sign(sig_cases[_i].key, sig_cases[_i].t, sig_cases[_i].body,
	    strlen(sig_cases[_i].body), sig);
	snprintf(want, sizeof want, "t=%lld,v1=%s", (long long)sig_cases[_i].t,
	    sig_cases[_i].v1);
	ck_assert_str_eq(sig, want);
}
END_TEST

/* A changed byte of the body or the time changes the signature. */
START_TEST(test_sign_binds)
{
	char a[WEBHOOK_SIG_MAX], b[WEBHOOK_SIG_MAX], c[WEBHOOK_SIG_MAX];

	ck_assert_int_ge(sodium_init(), 0);
	webhook_sign("k", 1, "{\"a\":1}", 7, a);
	webhook_sign("k", 1, "{\"a\":2}", 7, b);
	webhook_sign("k", 2, "{\"a\":1}", 7, c);
	ck_assert_str_ne(strchr(a, 'v'), strchr(b, 'v'));
	ck_assert_str_ne(strchr(a, 'v'), strchr(c, 'v'));
}
END_TEST

static const struct {
	const char	*ip;
	int		 blocked;
} addr_cases[] = {
	{ "127.0.0.1", 1 }, { "127.255.255.254", 1 }, { "0.0.0.0", 1 }, { "0.1.2.3", 1 },
	{ "10.0.0.1", 1 }, { "10.255.255.255", 1 }, { "172.16.0.1", 1 }, { "172.31.255.255", 1 },
	{ "172.15.255.255", 0 }, { "172.32.0.0", 0 }, { "192.168.1.1", 1 }, { "192.169.0.1", 0 },
	{ "169.254.169.254", 1 }, { "169.253.0.1", 0 }, { "100.64.0.1", 1 },
	{ "100.127.255.255", 1 }, { "100.63.255.255", 0 }, { "100.128.0.0", 0 },
	{ "192.0.0.8", 1 }, { "198.18.0.1", 1 }, { "198.19.255.255", 1 }, { "198.20.0.0", 0 },
	{ "224.0.0.1", 1 }, { "239.255.255.250", 1 }, { "240.0.0.1", 1 },
	{ "255.255.255.255", 1 }, { "8.8.8.8", 0 }, { "93.184.216.34", 0 }, { "1.1.1.1", 0 },
	{ "::", 1 }, { "::1", 1 }, { "fc00::1", 1 }, { "fd12:3456::1", 1 }, { "fe80::1", 1 },
	{ "febf::1", 1 }, { "fec0::1", 1 }, { "ff02::1", 1 }, { "2001:4860:4860::8888", 0 },
	{ "2606:4700:4700::1111", 0 },
	/* IPv6 forms that carry an IPv4 address: judged by that address. */
	{ "::ffff:127.0.0.1", 1 }, { "::ffff:10.1.2.3", 1 }, { "::ffff:169.254.169.254", 1 },
	{ "::ffff:8.8.8.8", 0 }, { "::127.0.0.1", 1 }, { "64:ff9b::10.0.0.1", 1 },
	{ "64:ff9b::8.8.8.8", 0 }, { "2002:7f00:1::", 1 }, { "2002:0808:0808::", 0 },
};

START_TEST(test_addresses)
{
	ck_assert_msg(webhook_ip_blocked(addr_cases[_i].ip) == addr_cases[_i].blocked,
	    "%s: want blocked=%d", addr_cases[_i].ip, addr_cases[_i].blocked);
}
END_TEST

START_TEST(test_not_an_address)
{
	ck_assert_int_eq(webhook_ip_blocked("example.com"), -1);
	ck_assert_int_eq(webhook_ip_blocked(""), -1);
}
END_TEST

static const struct {
	const char		*url;
	int			 allow_private;
	enum webhook_url	 want;
} url_cases[] = {
	{ "http://127.0.0.1/", 0, WEBHOOK_URL_PRIVATE },
	{ "http://[::1]/", 0, WEBHOOK_URL_PRIVATE },
	{ "http://10.0.0.1/", 0, WEBHOOK_URL_PRIVATE },
	{ "http://169.254.169.254/latest/meta-data/", 0, WEBHOOK_URL_PRIVATE },
	{ "http://localhost/", 0, WEBHOOK_URL_PRIVATE },
	{ "http://[::ffff:127.0.0.1]:8080/", 0, WEBHOOK_URL_PRIVATE },
	{ "http://2130706433/", 0, WEBHOOK_URL_PRIVATE },
	{ "HTTP://127.0.0.1/", 0, WEBHOOK_URL_PRIVATE },
	{ "http://127.0.0.1:8080/hook", 1, WEBHOOK_URL_OK },
	{ "http://[::1]:9/x", 1, WEBHOOK_URL_OK },
	{ "http://localhost/", 1, WEBHOOK_URL_OK },
	{ "https://93.184.216.34/hook", 0, WEBHOOK_URL_OK },
	{ "file:///etc/passwd", 1, WEBHOOK_URL_SCHEME },
	{ "gopher://x/", 1, WEBHOOK_URL_SCHEME },
	{ "ftp://example.com/", 1, WEBHOOK_URL_SCHEME },
	{ "dict://127.0.0.1:11211/", 1, WEBHOOK_URL_SCHEME },
	{ "http://user:pw@93.184.216.34/", 1, WEBHOOK_URL_SYNTAX },
	{ "http://user@93.184.216.34/", 1, WEBHOOK_URL_SYNTAX },
	{ "http://exa mple.com/", 1, WEBHOOK_URL_SYNTAX },
	{ "http://93.184.216.34/\n", 1, WEBHOOK_URL_SYNTAX },
	{ "not a url", 1, WEBHOOK_URL_SYNTAX },
	{ "", 1, WEBHOOK_URL_SYNTAX },
	{ "http://93.184.216.34:0/", 1, WEBHOOK_URL_SYNTAX },
	{ "http://name.invalid/", 1, WEBHOOK_URL_UNRESOLVED },
};

START_TEST(test_urls)
{
	ck_assert_msg(webhook_url_check(url_cases[_i].url, url_cases[_i].allow_private, NULL) ==
	    url_cases[_i].want, "%s: want %d", url_cases[_i].url, url_cases[_i].want);
}
END_TEST

START_TEST(test_url_long)
{
	char url[WEBHOOK_URL_MAX + 40];

	snprintf(url, sizeof url, "https://93.184.216.34/");
	memset(url + strlen(url), 'a', WEBHOOK_URL_MAX - strlen(url));
	url[WEBHOOK_URL_MAX] = '\0';
	ck_assert_int_eq(webhook_url_check(url, 0, NULL), WEBHOOK_URL_OK);
	strcat(url, "a");
	ck_assert_int_eq(webhook_url_check(url, 0, NULL), WEBHOOK_URL_SYNTAX);
}
END_TEST

/* The target a checked URL leaves: host without brackets, the port, what to pin. */
START_TEST(test_target)
{
	struct webhook_target t;
	size_t i;
	int loop = 0;

	ck_assert_int_eq(webhook_url_check("http://[::1]:8443/x", 1, &t), WEBHOOK_URL_OK);
	ck_assert_str_eq(t.host, "::1");
	ck_assert_int_eq(t.port, 8443);
	ck_assert(t.literal);
	ck_assert_int_eq(webhook_url_check("https://93.184.216.34/", 0, &t), WEBHOOK_URL_OK);
	ck_assert_int_eq(t.port, 443);
	ck_assert_int_eq(webhook_url_check("http://localhost/", 1, &t), WEBHOOK_URL_OK);
	ck_assert(!t.literal);
	ck_assert_int_eq(t.port, 80);
	ck_assert_uint_ge(t.naddrs, 1);
	for (i = 0; i < t.naddrs; i++)
		loop += strcmp(t.addrs[i], "127.0.0.1") == 0 || strcmp(t.addrs[i], "::1") == 0;
	ck_assert_int_ge(loop, 1);
}
END_TEST

START_TEST(test_body)
{
	struct db_admin_event ev = { 12, "order_created", 1700000000,
	    (char *)"{\"order\":{\"number\":\"CMD-1\"}}" };
	struct buf b;

	buf_init(&b);
	webhook_body(&b, 5, "ping", "default", 1700000001, NULL);
	ck_assert_str_eq(buf_str(&b), "{\"delivery\":5,\"type\":\"ping\",\"store\":\"default\","
	    "\"created_at\":1700000001,\"event\":null}");
	buf_reset(&b);
	webhook_body(&b, 6, "order_created", "b\"x", 1700000002, &ev);
	ck_assert_str_eq(buf_str(&b), "{\"delivery\":6,\"type\":\"order_created\","
	    "\"store\":\"b\\\"x\",\"created_at\":1700000002,\"event\":{\"id\":12,"
	    "\"type\":\"order_created\",\"at\":\"2023-11-14T22:13:20Z\","
	    "\"order\":{\"number\":\"CMD-1\"}}}");
	buf_free(&b);
}
END_TEST

START_TEST(test_secret)
{
	char a[WEBHOOK_SECRET_LEN + 1], b[WEBHOOK_SECRET_LEN + 1];
	size_t i;

	ck_assert_int_ge(sodium_init(), 0);
	webhook_secret_new(a);
	webhook_secret_new(b);
	ck_assert_uint_eq(strlen(a), 64);
	for (i = 0; a[i] != '\0'; i++)
		ck_assert(strchr("0123456789abcdef", a[i]) != NULL);
	ck_assert_str_ne(a, b);
}
END_TEST

START_TEST(test_error_keys)
{
	ck_assert_ptr_null(webhook_url_error_key(WEBHOOK_URL_OK));
	ck_assert_str_eq(webhook_url_error_key(WEBHOOK_URL_PRIVATE),
	    "notifications.errors.url_private");
	ck_assert_str_eq(webhook_url_error_key(WEBHOOK_URL_SCHEME),
	    "notifications.errors.url_scheme");
}
END_TEST

static Suite *
webhook_suite(void)
{
	Suite *s = suite_create("webhook");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_sign, 0, NELEM(sig_cases));
	tcase_add_test(tc, test_sign_binds);
	tcase_add_loop_test(tc, test_addresses, 0, NELEM(addr_cases));
	tcase_add_test(tc, test_not_an_address);
	tcase_add_loop_test(tc, test_urls, 0, NELEM(url_cases));
	tcase_add_test(tc, test_url_long);
	tcase_add_test(tc, test_target);
	tcase_add_test(tc, test_body);
	tcase_add_test(tc, test_secret);
	tcase_add_test(tc, test_error_keys);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(webhook_suite)
