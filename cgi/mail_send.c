/* mail_send.c — hands a built message over: piped to sendmail -t -i (fork/exec, no shell) or submitted over SMTP with libcurl. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "config.h"
#include "mail.h"
#include "util.h"

/* The message being uploaded to libcurl, CRLF line ends (RFC 5321 §2.3.8). */
struct upload {
	struct buf	data;
	size_t		off;
};

/* CURLOPT_READFUNCTION: the next bytes of the message. */
static size_t
read_upload(char *p, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nmemb;

	if (n > u->data.len - u->off)
		n = u->data.len - u->off;
	memcpy(p, u->data.data + u->off, n);
	u->off += n;
	return n;
}

/* msg with each LF made CRLF, into out. */
static void
to_crlf(const char *msg, struct buf *out)
{
	for (; *msg; msg++) {
		if (*msg == '\n' && (out->len == 0 || out->data[out->len - 1] != '\r'))
			buf_append(out, "\r", 1);
		buf_append(out, msg, 1);
	}
}

/*
 * SMTP through libcurl. Every failure is retried, a 5xx reply included
 * (a relay's "mailbox unavailable" is often a passing state, and issue 15
 * wants a refusal retried, then given up, visibly): the outbox's
 * max_attempts bounds it.
 */
static enum mail_status
send_smtp(const struct config *cfg, const char *from, const char *to, const char *msg,
    int timeout_s, char *why, size_t whysz)
{
	struct curl_slist *rcpt = NULL;
	struct upload up = { .off = 0 };
	char addr[300];
	long code = 0;
	CURLcode rc;
	CURL *c;

	if ((c = curl_easy_init()) == NULL) {
		snprintf(why, whysz, "libcurl could not start");
		return MAIL_RETRY;
	}
	buf_init(&up.data);
	to_crlf(msg, &up.data);
	snprintf(addr, sizeof addr, "<%s>", to);
	rcpt = curl_slist_append(rcpt, addr);
	snprintf(addr, sizeof addr, "<%s>", from);
	curl_easy_setopt(c, CURLOPT_URL, cfg->mail_url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, addr);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_upload);
	curl_easy_setopt(c, CURLOPT_READDATA, &up);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)up.data.len);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)timeout_s);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)timeout_s * 2);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(c);
	curl_slist_free_all(rcpt);
	buf_free(&up.data);
	if (rc == CURLE_OK)
		return MAIL_SENT;
	snprintf(why, whysz, "smtp: %s (reply %ld)", curl_easy_strerror(rc), code);
	return MAIL_RETRY;
}

/* Writes all of p to fd; -1 on error (EPIPE: the program left early). */
static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Waits for pid at most timeout_s seconds, then kills it; its wait status, -1 if killed. */
static int
wait_bounded(pid_t pid, int timeout_s)
{
	struct timespec nap = { 0, 20 * 1000 * 1000 };
	int status, i;

	for (i = 0; i < timeout_s * 50; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		nanosleep(&nap, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/*
 * "SENDMAIL -t -i -f FROM" with msg on its standard input: exit 0 is sent;
 * any other end (an exit code of sysexits.h, a timeout, a failure to
 * start) is retried, as for SMTP, until the row's attempts run out.
 */
static enum mail_status
send_sendmail(const struct config *cfg, const char *from, const char *msg, int timeout_s,
    char *why, size_t whysz)
{
	char *argv[] = { cfg->sendmail, "-t", "-i", "-f", (char *)from, NULL };
	int fds[2], status, wrote;
	pid_t pid;

	if (pipe(fds) != 0) {
		snprintf(why, whysz, "sendmail: pipe: %s", strerror(errno));
		return MAIL_RETRY;
	}
	if ((pid = fork()) < 0) {
		snprintf(why, whysz, "sendmail: fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return MAIL_RETRY;
	}
	if (pid == 0) {
		/* The child: stdin from the pipe, stdout to stderr (the log), no shell. */
		dup2(fds[0], STDIN_FILENO);
		dup2(STDERR_FILENO, STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		signal(SIGPIPE, SIG_DFL);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[0]);
	wrote = write_all(fds[1], msg, strlen(msg));
	close(fds[1]);
	status = wait_bounded(pid, timeout_s);
	if (status == -1) {
		snprintf(why, whysz, "sendmail: no answer in %d s, stopped", timeout_s);
		return MAIL_RETRY;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && wrote == 0)
		return MAIL_SENT;
	if (WIFEXITED(status)) {
		snprintf(why, whysz, "sendmail: %s exited with %d", cfg->sendmail,
		    WEXITSTATUS(status));
		return MAIL_RETRY;
	}
	snprintf(why, whysz, "sendmail: killed by signal %d", WTERMSIG(status));
	return MAIL_RETRY;
}

enum mail_status
mail_send(const struct config *cfg, const char *from, const char *to, const char *msg,
    int timeout_s, char *why, size_t whysz)
{
	why[0] = '\0';
	if (!mail_address_ok(from) || !mail_address_ok(to)) {
		snprintf(why, whysz, "not a mail address");
		return MAIL_REJECTED;
	}
	switch (cfg->mail) {
	case CFG_MAIL_SMTP:
		return send_smtp(cfg, from, to, msg, timeout_s, why, whysz);
	case CFG_MAIL_SENDMAIL:
		return send_sendmail(cfg, from, msg, timeout_s, why, whysz);
	default:
		snprintf(why, whysz, "mail is off (ORDERSYNC_MAIL is not set)");
		return MAIL_RETRY;
	}
}
