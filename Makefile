# ordersync — build, run, test. GNU make.
#
#   make deps     install the missing Debian packages (apt-get; sudo when not root)
#   make          build cgi/ordersync.fcgi and cgi/ordersyncctl
#   make run      serve shop + admin on 127.0.0.1:$(PORT) behind lighttpd
#   make check    unit tests (Check, ASan+UBSan), integration tests, manlint
#   make check-tsan the unit tests under ThreadSanitizer
#   make check-pg the integration suites against a throw-away PostgreSQL 15 (SUITES="shop feed")
#   make manlint  lint man/ordersyncctl.1 (mandoc) and check it covers every command
#   make fuzz     build the libFuzzer harnesses (clang)
#   make install  PREFIX=/usr/local DESTDIR=

PORT		?= 8080
PREFIX		?= /usr/local
DESTDIR		?=
CC		?= cc
SHARED		?= $(abspath ../shared)

ORDERSYNC_DB		?= var/ordersync.db
ORDERSYNC_ADMIN_EMAIL	?= admin@example.com
export ORDERSYNC_DB ORDERSYNC_ADMIN_EMAIL

PKGS		:= fcgi sqlite3 json-c libsodium gmime-3.0 vips libcurl libpq
DEPS_DEBIAN	:= libfcgi-dev libfcgi-bin spawn-fcgi libsqlite3-dev sqlite3 \
		   libjson-c-dev libsodium-dev libgmime-3.0-dev libvips-dev \
		   check pkg-config lighttpd curl \
		   clang libclang-rt-14-dev nodejs mandoc libcsv-dev \
		   libcurl4-openssl-dev python3-aiosmtpd msmtp libpq-dev
WARN		:= -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes -Werror
OPT		?= -O2 -g
PKG_CFLAGS	 = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libcsv ships no pkg-config file: linked by name.
PKG_LIBS	 = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv
CHECK_CFLAGS	 = $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS	 = $(shell pkg-config --libs check 2>/dev/null)
ALL_CFLAGS	 = -std=c11 -D_GNU_SOURCE $(WARN) $(OPT) $(PKG_CFLAGS) $(CFLAGS)
SAN		:= -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# Tests and fuzzers find cgi/'s headers with -iquote (#include "..." only):
# cgi/csv.h must not hide libcsv's <csv.h>.
# Every cgi/*.c except the two entry points (main.c, ctl*.c) is library code
# shared by the app, the CLI, the unit tests and the fuzzers.
APP_MAIN	:= cgi/main.c
CTL_SRC		:= $(wildcard cgi/ctl*.c)
CORE_SRC	:= $(filter-out $(APP_MAIN) $(CTL_SRC),$(wildcard cgi/*.c))
HDRS		:= $(wildcard cgi/*.h)

# schema.sql is compiled into the programs (build/schema_sql.c), so an
# installed binary never depends on finding it at run time.
CORE_OBJ	:= $(CORE_SRC:cgi/%.c=build/%.o) build/schema_sql.o build/schema_pg_sql.o
SAN_CORE_OBJ	:= $(CORE_SRC:cgi/%.c=build/san/%.o) build/san/schema_sql.o build/san/schema_pg_sql.o
UNIT_SRC	:= $(wildcard tests/unit/check_*.c)
UNIT_BIN	:= $(UNIT_SRC:tests/unit/%.c=build/san/%)
FUZZ_SRC	:= $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN	:= $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)

.PHONY: all deps run check unit jsunit integration manlint fuzz install clean
.DELETE_ON_ERROR:

all: cgi/ordersync.fcgi cgi/ordersyncctl

deps:
	@missing=""; for p in $(DEPS_DEBIAN) $(EXTRA_DEPS); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "deps: installing$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get -o DPkg::Lock::Timeout=300 \
			install -y -qq --no-install-recommends $$missing; \
	fi

build build/san build/fuzz:
	@mkdir -p $@

build/%.o: cgi/%.c $(HDRS) | build
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

build/san/%.o: cgi/%.c $(HDRS) | build/san
	$(CC) $(ALL_CFLAGS) $(SAN) -O1 -c -o $@ $<

build/schema_sql.c: schema.sql | build
	@{ echo '/* generated from schema.sql by the Makefile; do not edit */'; \
	   echo 'extern const char db_schema_sql[];'; \
	   echo 'const char db_schema_sql[] ='; \
	   sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' schema.sql; \
	   echo ';'; } > $@

build/schema_pg_sql.c: schema-pg.sql | build
	@{ echo '/* generated from schema-pg.sql by the Makefile; do not edit */'; \
	   echo 'extern const char db_schema_pg_sql[];'; \
	   echo 'const char db_schema_pg_sql[] ='; \
	   sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' schema-pg.sql; \
	   echo ';'; } > $@

build/schema_pg_sql.o: build/schema_pg_sql.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

build/san/schema_pg_sql.o: build/schema_pg_sql.c | build/san
	$(CC) $(ALL_CFLAGS) $(SAN) -c -o $@ $<

build/schema_sql.o: build/schema_sql.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

build/san/schema_sql.o: build/schema_sql.c | build/san
	$(CC) $(ALL_CFLAGS) $(SAN) -c -o $@ $<

cgi/ordersync.fcgi: $(APP_MAIN) $(CORE_OBJ) $(HDRS)
	$(CC) $(ALL_CFLAGS) -o $@ $(APP_MAIN) $(CORE_OBJ) $(PKG_LIBS) $(LDFLAGS)

cgi/ordersyncctl: $(CTL_SRC) $(CORE_OBJ) $(HDRS)
	$(CC) $(ALL_CFLAGS) -o $@ $(CTL_SRC) $(CORE_OBJ) $(PKG_LIBS) $(LDFLAGS)

# Sanitizer builds of both programs, used by the integration tests.
build/san/ordersync.fcgi: $(APP_MAIN) $(SAN_CORE_OBJ) $(HDRS) | build/san
	$(CC) $(ALL_CFLAGS) $(SAN) -O1 -o $@ $(APP_MAIN) $(SAN_CORE_OBJ) $(PKG_LIBS) $(LDFLAGS)

build/san/ordersyncctl: $(CTL_SRC) $(SAN_CORE_OBJ) $(HDRS) | build/san
	$(CC) $(ALL_CFLAGS) $(SAN) -O1 -o $@ $(CTL_SRC) $(SAN_CORE_OBJ) $(PKG_LIBS) $(LDFLAGS)

build/san/check_%: tests/unit/check_%.c $(wildcard tests/unit/*.h) $(SAN_CORE_OBJ) $(HDRS) | build/san
	$(CC) $(ALL_CFLAGS) $(SAN) -O1 $(CHECK_CFLAGS) -iquote cgi -o $@ $< $(SAN_CORE_OBJ) $(PKG_LIBS) $(CHECK_LIBS) $(LDFLAGS)

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(CORE_SRC) build/schema_sql.c build/schema_pg_sql.c $(HDRS) | build/fuzz
	clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		$(PKG_CFLAGS) -iquote cgi -o $@ $< $(CORE_SRC) build/schema_sql.c build/schema_pg_sql.c $(PKG_LIBS)

# Beside lighttpd, `ordersyncctl tick` every minute escalates unattended
# orders and delivers the mail and webhooks the app could not send right
# after an answer (the loop ends with make run).
run: deps
	@$(MAKE) --no-print-directory all
	@if [ -z "$$ORDERSYNC_MAIL" ]; then \
		echo "mail:  off. To send mail: ORDERSYNC_MAIL=sendmail (or smtp://host:port)" \
		    "ORDERSYNC_PUBLIC_URL=http://127.0.0.1:$(PORT) make run"; \
	else echo "mail:  $$(echo "$$ORDERSYNC_MAIL" | sed 's|//[^/@]*@|//***@|'), tick every minute"; fi
	@(while sleep 60; do ./cgi/ordersyncctl --db "$(ORDERSYNC_DB)" tick >/dev/null; done) & \
	tick=$$!; trap 'kill $$tick 2>/dev/null' EXIT INT TERM; \
	sh deploy/lighttpd/serve.sh --foreground --port "$(PORT)" --db "$(ORDERSYNC_DB)"

# ASAN_OPTIONS: leak detection on; abort so a failure is loud in the test log.
check: deps
	@$(MAKE) --no-print-directory unit jsunit integration manlint

unit: $(UNIT_BIN)
	@rc=0; for t in $(UNIT_BIN); do \
		MUSTACHE_SPEC_DIR="$(SHARED)/mustache-spec" \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 CK_FORK=yes \
		$$t || rc=1; done; exit $$rc

# ThreadSanitizer (issue 17: the app serves with threads): the same unit
# suites built with -fsanitize=thread instead of ASan+UBSan (the two cannot
# be combined) into build/tsan/, and run with halt_on_error: any report
# fails the suite; Check's time limits are 4 times longer (TSan is slow).
# tests/unit/tsan.supp names the libraries whose own threads TSan cannot
# follow (libvips's, on GLib's futex locks), never our code, with the
# reason. Check's fork mode stays: each test is forked from the runner,
# which starts no thread, so no child is forked from a threaded process.
# gcc's runtime (libtsan2) comes with gcc.
TSAN		:= -fsanitize=thread -fno-omit-frame-pointer
TSAN_CORE_OBJ	:= $(CORE_SRC:cgi/%.c=build/tsan/%.o) build/tsan/schema_sql.o build/tsan/schema_pg_sql.o
TSAN_UNIT_BIN	:= $(UNIT_SRC:tests/unit/%.c=build/tsan/%)
TSAN_RUN_OPTS	:= halt_on_error=1 exitcode=66 second_deadlock_stack=1 \
		   suppressions=$(CURDIR)/tests/unit/tsan.supp

# Kept between runs (pattern-rule objects would be deleted as intermediates).
.SECONDARY: $(TSAN_CORE_OBJ)

build/tsan:
	@mkdir -p $@

build/tsan/%.o: cgi/%.c $(HDRS) | build/tsan
	$(CC) $(ALL_CFLAGS) $(TSAN) -O1 -c -o $@ $<

build/tsan/schema_sql.o: build/schema_sql.c | build/tsan
	$(CC) $(ALL_CFLAGS) $(TSAN) -c -o $@ $<

build/tsan/schema_pg_sql.o: build/schema_pg_sql.c | build/tsan
	$(CC) $(ALL_CFLAGS) $(TSAN) -c -o $@ $<

build/tsan/check_%: tests/unit/check_%.c $(wildcard tests/unit/*.h) $(TSAN_CORE_OBJ) $(HDRS) | build/tsan
	$(CC) $(ALL_CFLAGS) $(TSAN) -O1 $(CHECK_CFLAGS) -iquote cgi -o $@ $< $(TSAN_CORE_OBJ) $(PKG_LIBS) $(CHECK_LIBS) $(LDFLAGS)

# make check-tsan [TSAN_UNIT="serve util"]: all the unit suites, or those named.
check-tsan: deps
	@$(MAKE) --no-print-directory $(if $(TSAN_UNIT),$(TSAN_UNIT:%=build/tsan/check_%),$(TSAN_UNIT_BIN))
	@rc=0; for t in $(if $(TSAN_UNIT),$(TSAN_UNIT:%=build/tsan/check_%),$(TSAN_UNIT_BIN)); do \
		MUSTACHE_SPEC_DIR="$(SHARED)/mustache-spec" \
		TSAN_OPTIONS="$(TSAN_RUN_OPTS)" CK_FORK=yes CK_TIMEOUT_MULTIPLIER=4 \
		$$t || { echo "check-tsan: $$t failed"; rc=1; }; done; exit $$rc

.PHONY: check-tsan

# The browser code's pure logic, with Node's built-in test runner.
jsunit:
	@if ls tests/js/*.test.mjs >/dev/null 2>&1; then node --test tests/js/; fi

integration: all build/san/ordersync.fcgi build/san/ordersyncctl
	@rc=0; for t in tests/integration/test_*.sh; do \
		echo "== $$t"; bash $$t || rc=1; done; exit $$rc

# The man page: mandoc's lint (warnings and worse fail; style notes such as
# an outdated mandoc.db do not), and every command that `ordersyncctl
# --help` lists has its own entry (".It Cm COMMAND") in the page.
MAN1		:= man/ordersyncctl.1
manlint: cgi/ordersyncctl
	@command -v mandoc >/dev/null || { echo "manlint: mandoc is not installed (make deps)"; exit 1; }
	@mandoc -T lint -W warning $(MAN1) || { echo "manlint: $(MAN1) has warnings"; exit 1; }
	@n=0; bad=""; \
	cmds=$$(./cgi/ordersyncctl --help | awk '/^  [a-z]/ { \
		split(substr($$0, 3, 29), w, " "); c = ""; \
		for (i = 1; (i in w) && w[i] ~ /^[a-z][a-z-]*$$/; i++) c = c (c == "" ? "" : " ") w[i]; \
		if (c != "") print c }' | tr ' ' '_'); \
	for c in $$cmds; do n=$$((n + 1)); c=$$(echo "$$c" | tr '_' ' '); \
		grep -q "^\.It Cm $$c\( \|$$\)" $(MAN1) || bad="$$bad '$$c'"; done; \
	if [ $$n -lt 7 ] || [ -n "$$bad" ]; then \
		echo "manlint: $(MAN1) lacks commands:$$bad ($$n found in --help)"; exit 1; fi; \
	echo "manlint: $(MAN1) is clean and documents all $$n commands"

fuzz: deps $(FUZZ_BIN)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/ordersync \
		$(DESTDIR)$(PREFIX)/share/ordersync/templates/locales \
		$(DESTDIR)$(PREFIX)/share/ordersync/static
	install -m 0755 cgi/ordersync.fcgi $(DESTDIR)$(PREFIX)/lib/ordersync/ordersync.fcgi
	install -m 0755 cgi/ordersyncctl $(DESTDIR)$(PREFIX)/bin/ordersyncctl
	install -m 0644 schema.sql $(DESTDIR)$(PREFIX)/share/ordersync/schema.sql
	install -m 0644 templates/*.mustache $(DESTDIR)$(PREFIX)/share/ordersync/templates/
	install -m 0644 templates/locales/*.json $(DESTDIR)$(PREFIX)/share/ordersync/templates/locales/
	cp -R static/. $(DESTDIR)$(PREFIX)/share/ordersync/static/
	install -d $(DESTDIR)$(PREFIX)/share/ordersync/deploy/apache \
		$(DESTDIR)$(PREFIX)/share/ordersync/deploy/lighttpd \
		$(DESTDIR)$(PREFIX)/share/ordersync/deploy/nginx \
		$(DESTDIR)$(PREFIX)/share/ordersync/deploy/systemd
	install -m 0644 deploy/apache/*.conf deploy/apache/htaccess.example \
		$(DESTDIR)$(PREFIX)/share/ordersync/deploy/apache/
	install -m 0644 deploy/lighttpd/ordersync.conf $(DESTDIR)$(PREFIX)/share/ordersync/deploy/lighttpd/
	install -m 0644 deploy/nginx/ordersync.conf $(DESTDIR)$(PREFIX)/share/ordersync/deploy/nginx/
	install -m 0644 deploy/systemd/ordersync.socket deploy/systemd/ordersync.service \
		deploy/systemd/ordersync-tick.service deploy/systemd/ordersync-tick.timer \
		$(DESTDIR)$(PREFIX)/share/ordersync/deploy/systemd/
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/doc/ordersync
	install -m 0644 $(MAN1) $(DESTDIR)$(PREFIX)/share/man/man1/ordersyncctl.1
	install -m 0644 README.md $(DESTDIR)$(PREFIX)/share/doc/ordersync/README.md

clean:
	rm -rf build cgi/ordersync.fcgi cgi/ordersyncctl

# ---- deployment: each web server setup of deploy/, tested for real ----
# deps-deploy installs the servers the deploy tests drive. apt must not
# start them as system services (they would take port 80, and nginx's
# install fails when Apache already has it): unless the machine already
# has a policy-rc.d, one that forbids starting services is in place for
# the install only. The tests start their own servers on loopback ports.
DEPS_DEPLOY	:= apache2 libapache2-mod-fcgid libapache2-mod-qos nginx spawn-fcgi \
		   lighttpd lighttpd-mod-openssl curl jq openssl python3
deps-deploy: deps
	@missing=""; for p in $(DEPS_DEPLOY); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "deps-deploy: installing$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		prc=/usr/sbin/policy-rc.d; own=0; \
		if [ ! -e $$prc ]; then \
			printf '#!/bin/sh\nexit 101\n' | $$SUDO tee $$prc >/dev/null && \
			$$SUDO chmod 0755 $$prc && own=1; fi; \
		$$SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get -o DPkg::Lock::Timeout=300 \
			install -y -qq --no-install-recommends $$missing; \
		rc=$$?; [ $$own = 1 ] && $$SUDO rm -f $$prc; exit $$rc; \
	fi

# make check-deploy [DEPLOY="nginx prefix"]: the optimized build behind
# lighttpd, Apache (mod_fcgid, mod_proxy_fcgi, mod_cgi) and nginx, plus the
# /shop prefix and the systemd units; prints a table and "N passed, M failed".
check-deploy: deps-deploy
	@$(MAKE) --no-print-directory all
	@bash tests/deploy/run_all.sh $(DEPLOY)

.PHONY: deps-deploy check-deploy

# ---- end-to-end: the stories in a real browser (tests/e2e/) ----
# deps-e2e installs Debian's Chromium (and a font set for readable
# screenshots) and the pinned playwright-core (npm ci, never a downloaded
# browser). make e2e serves the optimized build behind lighttpd on a free port
# with a fresh database, runs the six stories and prints "N passed, M failed".
DEPS_E2E	:= chromium fonts-liberation
E2E_PW		:= tests/e2e/node_modules/playwright-core/package.json
deps-e2e: deps
	@missing=""; for p in $(DEPS_E2E); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
		echo "deps-e2e: installing$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get -o DPkg::Lock::Timeout=300 \
			install -y -qq --no-install-recommends $$missing || exit 1; \
	fi; \
	want=$$(node -p "require('./tests/e2e/package.json').dependencies['playwright-core']"); \
	have=$$(node -p "try { require('./$(E2E_PW)').version } catch { '' }"); \
	if [ "$$want" != "$$have" ]; then \
		echo "deps-e2e: npm ci (playwright-core $$want)"; \
		cd tests/e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error; \
	fi

e2e: deps-e2e
	@$(MAKE) --no-print-directory all
	@node tests/e2e/run.mjs

.PHONY: deps-e2e e2e

# ---- benchmarks: wrk against the app behind lighttpd, beside two ceilings ----
# bench/run.sh builds the app with -O2 -DNDEBUG (no sanitizers) into
# build/bench/, runs the scenarios of bench/README.md on 127.0.0.1 and writes
# bench/results/latest.md. It reports and never fails on a missed target; it
# is not part of check or .ci/run. QUICK=1: a short development run; LEAK=0:
# skip the 2-minute leak run; ROUNDS, DURATION, BIG, PROCS: see bench/run.sh.
# deps-bench: wrk, and nginx with Debian's Nchan module (the long-poll peer
# the alert-latency scenario measures beside ordersync). As in deps-deploy,
# apt must not start nginx as a system service: a policy-rc.d forbids it for
# the install unless the machine already has one.
DEPS_BENCH	:= wrk nginx libnginx-mod-nchan
deps-bench: deps
	@missing=""; for p in $(DEPS_BENCH); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "deps-bench: installing$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		prc=/usr/sbin/policy-rc.d; own=0; \
		if [ ! -e $$prc ]; then \
			printf '#!/bin/sh\nexit 101\n' | $$SUDO tee $$prc >/dev/null && \
			$$SUDO chmod 0755 $$prc && own=1; fi; \
		$$SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get -o DPkg::Lock::Timeout=300 \
			install -y -qq --no-install-recommends $$missing; \
		rc=$$?; [ $$own = 1 ] && $$SUDO rm -f $$prc; exit $$rc; \
	fi

# deps-pg: the PostgreSQL column (scenarios 1, 2 and 4 on a throw-away cluster).
bench: deps-bench deps-pg build/schema_sql.c build/schema_pg_sql.c
	@CC="$(CC)" BENCH_CFLAGS="-std=c11 -D_GNU_SOURCE $(WARN) -O2 -DNDEBUG $(PKG_CFLAGS) $(CFLAGS)" \
		BENCH_LIBS="$(PKG_LIBS) $(LDFLAGS)" bash bench/run.sh

.PHONY: deps-bench bench

# ---- PostgreSQL (issue 16, groundwork): the second storage engine ----
# deps-pg installs PostgreSQL 15 (server, client, contrib: unaccent and
# pg_trgm), libpq's headers and haproxy. Like deps-deploy, apt must not start
# them as system services (Debian's postgresql-15 would create and start a
# cluster on port 5432): unless the machine already has a policy-rc.d, one
# that forbids starting services is in place for the install only. The tests
# make their own throw-away clusters (tests/pg/pg.sh). libpq is not part of
# the main build yet.
DEPS_PG		:= postgresql-15 postgresql-client-15 libpq-dev haproxy
deps-pg:
	@missing=""; for p in $(DEPS_PG); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v sqlite3 >/dev/null || missing="$$missing sqlite3"; \
	if [ -n "$$missing" ]; then \
		echo "deps-pg: installing$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		prc=/usr/sbin/policy-rc.d; own=0; \
		if [ ! -e $$prc ]; then \
			printf '#!/bin/sh\nexit 101\n' | $$SUDO tee $$prc >/dev/null && \
			$$SUDO chmod 0755 $$prc && own=1; fi; \
		$$SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get -o DPkg::Lock::Timeout=300 \
			install -y -qq --no-install-recommends $$missing; \
		rc=$$?; [ $$own = 1 ] && $$SUDO rm -f $$prc; exit $$rc; \
	fi

# make check-pg-schema: schema-pg.sql's migrations on a throw-away
# PostgreSQL 15 cluster, applied by two sessions at once under the advisory
# lock, then compared with the schema SQLite's migrations build (tables,
# columns, NOT NULL, unique constraints, indexes). Not part of check.
check-pg-schema: deps-pg
	@$(MAKE) --no-print-directory cgi/ordersyncctl
	@bash tests/pg/test_schema_pg.sh

# make check-pg-migrate: ordersyncctl migrate-to on a shop built through the
# app (tests/pg/test_migrate_to.sh): counts, ids, the epoch, the feed, the
# photo and a new order checked on the app started on PostgreSQL; refusals
# and a rollback. Not part of check.
check-pg-migrate: deps-pg
	@$(MAKE) --no-print-directory build/san/ordersync.fcgi build/san/ordersyncctl
	@bash tests/pg/test_migrate_to.sh

# make check-pg [SUITES="shop feed"|none] [UNIT="db feed"|none] [UNIT_ONLY=1]:
# the Check unit suites that open a database (tests/unit/unit_db.h: a fresh
# database per test) and every integration suite against
# PostgreSQL, assertions unchanged: tests/pg/check_pg.sh checks that no suite
# reaches the database but through lib.sh's engine switch, tries the switch
# on a real cluster (tests/pg/test_harness_pg.sh), then starts ONE throw-away
# PostgreSQL 15 cluster (stopped by PID even on failure) and runs the suites
# with ORDERSYNC_TEST_ENGINE=pg, each on its own fresh database; a summary
# line per suite; fails when any does. .ci/run runs it after make check.
check-pg: deps-pg all build/san/ordersync.fcgi build/san/ordersyncctl
	@bash tests/pg/check_pg.sh

.PHONY: deps-pg check-pg-schema check-pg check-pg-migrate

# make check-scale: two app hosts (lighttpd + the release ordersync.fcgi)
# behind haproxy on one throw-away PostgreSQL 15 cluster: the checkout race
# through the balancer, the feed read across hosts under load, the feed's
# commit-order proof (a naive writer skips an event, the feed lock does not),
# an app host killed and PostgreSQL restarted mid-load (tests/scale/).
# PostgreSQL is also crashed (immediate stop) mid-load. About 40 s;
# bounded: the script stops itself after 300 s, timeout after 330 s.
check-scale: deps-pg
	@$(MAKE) --no-print-directory cgi/ordersync.fcgi cgi/ordersyncctl
	@timeout -k 10 330 bash tests/scale/test_scale.sh

.PHONY: check-scale
