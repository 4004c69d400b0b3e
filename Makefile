# Two commands for a newcomer on Debian: `make run` and `make test`.
# Both install the system packages they need when they are missing.

PACKAGES := libcurl4-openssl-dev libssl-dev libxml2-dev libsqlite3-dev libpq-dev zlib1g-dev pkg-config openssl man-db systemd
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CONFORMANCE ?= ../shared/conformance
# The conformance bar: overall and per category, in percent.
CONFORMANCE_MIN_TOTAL ?= 98
CONFORMANCE_MIN_CATEGORY ?= 95
CONFORMANCE_MIN_JUDGED ?= 780

FUZZ_SECONDS ?= 60
FUZZER_LIB = $(shell find $$(dirname $$(dirname $$(command -v swift)))/lib/clang -name 'libclang_rt.fuzzer_no_main-x86_64.a' 2>/dev/null | head -n 1)

PREFIX ?= /usr/local
DESTDIR ?=
INSTALL_ROOT = $(DESTDIR)$(PREFIX)
SYSCONFDIR ?= /etc
MAN_DATE ?= $(shell date -u +%Y-%m-%d)

.PHONY: run test deps judges build release static unit-tests conformance asan fuzz bench clean man install uninstall \
  install-check systemd-check

deps:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	swift build

release: deps
	swift build -c release

## Build, then run the daemon in the foreground on the bundled feeds (Ctrl-C stops it).
run: build
	.build/debug/tidingsd --feeds Feeds/default.txt --state-dir ./state --output-dir ./out

## The whole test suite: unit and integration tests, the parser conformance
## run, the parser under AddressSanitizer, and a bounded fuzzing run.
test: unit-tests conformance install-check asan fuzz

unit-tests: deps judges
	swift test

## The outside judges the tests call on: headless Chromium reads
## content_html, strace shows the system calls of a durable write, and
## jsonfeed-util (PyPI) reads the merged JSON Feed, newsboat reads and
## writes the OPML files, PostgreSQL (started by the tests themselves)
## holds the state shared by several nodes, nginx answers only over HTTP/2,
## and promtool (prometheus) judges the metrics file.
judges:
	@missing=""; for p in chromium strace newsboat postgresql nginx prometheus; do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@python3 -c "import jsonfeed" 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check jsonfeed-util

conformance: release
	@if [ ! -f "$(CONFORMANCE)/check.py" ]; then \
	  if [ -n "$$CI" ]; then echo "conformance corpus missing at $(CONFORMANCE)"; exit 1; fi; \
	  echo "conformance: skipped, no corpus at $(CONFORMANCE) (set CONFORMANCE=path)"; exit 0; \
	fi; \
	python3 "$(CONFORMANCE)/check.py" --parser "$(CURDIR)/.build/release/tidings parse {file}" \
	  --json-out .build/conformance.json > .build/conformance.txt; status=$$?; \
	sed -n '/^category/,/^TOTAL/p' .build/conformance.txt; \
	[ $$status -eq 0 ] && python3 Tests/conformance_gate.py .build/conformance.txt \
	  --total $(CONFORMANCE_MIN_TOTAL) --category $(CONFORMANCE_MIN_CATEGORY) --judged $(CONFORMANCE_MIN_JUDGED)

## Parser tests (bundled samples, conformance corpus, hostile documents) under AddressSanitizer.
asan: deps
	LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/lsan.supp swift test --sanitize=address \
	  --scratch-path .build-asan --filter TidingsParsingTests

## libFuzzer on the parser for FUZZ_SECONDS, seeded with the fixtures and samples.
fuzz: deps
	swift build --product tidings-fuzz --scratch-path .build-fuzz \
	  -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp \
	  -Xswiftc -DFUZZING -Xlinker $(FUZZER_LIB) -Xlinker -lstdc++
	rm -rf .build-fuzz/corpus && mkdir -p .build-fuzz/corpus .build-fuzz/crashes
	find Tests/TidingsParsingTests/Fixtures Feeds/samples -type f ! -name "*.expected.json" ! -name "*.article.json" -exec cp {} .build-fuzz/corpus/ \;
	@.build-fuzz/debug/tidings-fuzz .build-fuzz/corpus -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	  -timeout=10 -rss_limit_mb=2048 -artifact_prefix=.build-fuzz/crashes/ -print_final_stats=1 \
	  > .build-fuzz/fuzz.log 2>&1; status=$$?; tail -n 8 .build-fuzz/fuzz.log; \
	  if [ $$status -ne 0 ]; then echo "fuzzing found a failure: see .build-fuzz/crashes"; fi; exit $$status

## Man pages for both executables, from their --help (swift-argument-parser's plugin).
man: deps
	swift package --allow-writing-to-package-directory generate-manual --date $(MAN_DATE) >/dev/null

## Install under PREFIX (default /usr/local), staged under DESTDIR if set:
## both executables, the systemd unit, sysusers and tmpfiles entries, man
## pages, shell completions, an example configuration and the documents.
## The configuration goes to SYSCONFDIR/tidings/tidings.yaml (default /etc)
## unless one is there; uninstall leaves it.
## Then: systemd-sysusers; systemd-tmpfiles --create; systemctl enable --now tidingsd
## Installed executables carry the Swift runtime inside (--static-swift-stdlib):
## the machine they run on needs Debian's libraries only, not a toolchain.
static: deps
	swift build -c release --static-swift-stdlib --scratch-path .build-static

install: static man
	install -d $(INSTALL_ROOT)/bin $(INSTALL_ROOT)/lib/systemd/system $(INSTALL_ROOT)/lib/sysusers.d \
	  $(INSTALL_ROOT)/lib/tmpfiles.d $(INSTALL_ROOT)/share/man/man1 $(INSTALL_ROOT)/share/doc/tidings \
	  $(INSTALL_ROOT)/share/bash-completion/completions $(INSTALL_ROOT)/share/zsh/site-functions \
	  $(INSTALL_ROOT)/share/fish/vendor_completions.d
	install -m 0755 .build-static/release/tidingsd .build-static/release/tidings $(INSTALL_ROOT)/bin/
	sed 's|/usr/local|$(PREFIX)|g' systemd/tidingsd.service > $(INSTALL_ROOT)/lib/systemd/system/tidingsd.service
	install -m 0644 systemd/tidings.sysusers $(INSTALL_ROOT)/lib/sysusers.d/tidings.conf
	install -m 0644 systemd/tidings.tmpfiles $(INSTALL_ROOT)/lib/tmpfiles.d/tidings.conf
	install -m 0644 .build/plugins/GenerateManual/outputs/tidingsd/tidingsd.1 \
	  .build/plugins/GenerateManual/outputs/tidings/tidings.1 $(INSTALL_ROOT)/share/man/man1/
	install -m 0644 README.md docs/article-format.md docs/article.v1.schema.json docs/journal.md \
	  docs/journal.v1.schema.json docs/durability.md docs/cluster.md systemd/tidings.example.yaml \
	  systemd/tidingsd-postgresql.conf $(INSTALL_ROOT)/share/doc/tidings/
	install -d $(DESTDIR)$(SYSCONFDIR)/tidings
	test -e $(DESTDIR)$(SYSCONFDIR)/tidings/tidings.yaml || \
	  install -m 0644 systemd/tidings.example.yaml $(DESTDIR)$(SYSCONFDIR)/tidings/tidings.yaml
	for tool in tidings tidingsd; do \
	  .build-static/release/$$tool --generate-completion-script bash > $(INSTALL_ROOT)/share/bash-completion/completions/$$tool; \
	  .build-static/release/$$tool --generate-completion-script zsh > $(INSTALL_ROOT)/share/zsh/site-functions/_$$tool; \
	  .build-static/release/$$tool --generate-completion-script fish > $(INSTALL_ROOT)/share/fish/vendor_completions.d/$$tool.fish; \
	done

INSTALLED_FILES = bin/tidingsd bin/tidings lib/systemd/system/tidingsd.service lib/sysusers.d/tidings.conf \
  lib/tmpfiles.d/tidings.conf share/man/man1/tidingsd.1 share/man/man1/tidings.1 \
  share/doc/tidings/README.md share/doc/tidings/article-format.md share/doc/tidings/article.v1.schema.json \
  share/doc/tidings/journal.md share/doc/tidings/journal.v1.schema.json share/doc/tidings/durability.md \
  share/doc/tidings/tidings.example.yaml share/doc/tidings/cluster.md share/doc/tidings/tidingsd-postgresql.conf \
  share/bash-completion/completions/tidings share/bash-completion/completions/tidingsd \
  share/zsh/site-functions/_tidings share/zsh/site-functions/_tidingsd \
  share/fish/vendor_completions.d/tidings.fish share/fish/vendor_completions.d/tidingsd.fish

uninstall:
	cd $(INSTALL_ROOT) && rm -f $(INSTALLED_FILES)
	-rmdir $(INSTALL_ROOT)/share/doc/tidings 2>/dev/null

## make install into a scratch DESTDIR, then check what landed: every file,
## the man pages rendered by man, the unit verified and rated by systemd-analyze.
install-check:
	bash Tests/install_check.sh $(INSTALLED_FILES)

## The unit as shipped under a real systemd: a Debian container booted with
## systemd-nspawn gets what make install installs, and the check does what
## the README tells an operator (see Tests/systemd_check.sh).
systemd-check: deps
	@command -v systemd-nspawn >/dev/null && command -v debootstrap >/dev/null || \
	  $(SUDO) apt-get install -y -qq systemd-container debootstrap
	bash Tests/systemd_check.sh

## Benchmarks beside peers, in a release build (not part of `make test`):
## the parser beside xmllint; tidingsd beside sfeed and newsboat over one
## nginx corpus (cold, warm, idle); a running daemon's steady state; the
## store at scale. tidingsd is the statically linked build `make install`
## ships. BENCH_FEEDS=10000 for the large run, BENCH_SOAK_SECONDS=600 for
## a ten-minute soak; results go to docs/bench/ (Markdown and SVG, dated).
## Last, a cold poll by one node on SQLite, one on PostgreSQL and three on one PostgreSQL.
## newsboat needs over ten minutes for a cold poll of 10,000 feeds alone
## (its cache grows faster than the feeds): BENCH_POLL_PEERS=sfeed leaves it out.
BENCH_FEEDS ?= 1000
BENCH_SOAK_SECONDS ?= 120
BENCH_POLL_PEERS ?= sfeed newsboat
BENCH_PEERS := libxml2-utils nginx-light sfeed newsboat curl postgresql
bench: deps
	@missing=""; for p in $(BENCH_PEERS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	swift build -c release --product tidings-bench
	swift build -c release --static-swift-stdlib --scratch-path .build-static --product tidingsd
	.build/release/tidings-bench parse
	.build/release/tidings-bench poll --feeds $(BENCH_FEEDS) --tidingsd .build-static/release/tidingsd \
	  $(foreach peer,$(BENCH_POLL_PEERS),--peers $(peer))
	.build/release/tidings-bench soak --feeds $(BENCH_FEEDS) --seconds $(BENCH_SOAK_SECONDS) --tidingsd .build-static/release/tidingsd
	.build/release/tidings-bench store
	.build/release/tidings-bench cluster --feeds $(BENCH_FEEDS) --tidingsd .build-static/release/tidingsd

clean:
	rm -rf .build .build-asan .build-fuzz .build-static .build-systemd
