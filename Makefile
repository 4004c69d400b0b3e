# Two commands for a newcomer on Debian: `make run` and `make test`.
# Both install the system packages they need when they are missing.

PACKAGES := libcurl4-openssl-dev libxml2-dev libsqlite3-dev zlib1g-dev pkg-config openssl
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CONFORMANCE ?= ../shared/conformance
# The conformance bar: overall and per category, in percent.
CONFORMANCE_MIN_TOTAL ?= 98
CONFORMANCE_MIN_CATEGORY ?= 95
CONFORMANCE_MIN_JUDGED ?= 780

FUZZ_SECONDS ?= 60
FUZZER_LIB = $(shell find $$(dirname $$(dirname $$(command -v swift)))/lib/clang -name 'libclang_rt.fuzzer_no_main-x86_64.a' 2>/dev/null | head -n 1)

.PHONY: run test deps build release unit-tests conformance asan fuzz bench clean

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
test: unit-tests conformance asan fuzz

unit-tests: deps
	swift test

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

## Benchmarks beside peers, in a release build (not part of `make test`):
## the parser beside xmllint, then tidingsd --once against nginx.
bench: deps
	@command -v xmllint >/dev/null || $(SUDO) apt-get install -y -qq libxml2-utils
	@test -x /usr/sbin/nginx || $(SUDO) apt-get install -y -qq nginx-light
	swift build -c release --product tidings-bench
	swift build -c release --product tidingsd
	.build/release/tidings-bench parse
	.build/release/tidings-bench poll

clean:
	rm -rf .build .build-asan .build-fuzz
