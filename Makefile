# Two commands for a newcomer on Debian: `make run` and `make test`.
# Both install the system packages they need when they are missing.

PACKAGES := libcurl4-openssl-dev libxml2-dev libsqlite3-dev zlib1g-dev pkg-config
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CONFORMANCE ?= ../shared/conformance
# The conformance bar: overall and per category, in percent.
CONFORMANCE_MIN_TOTAL ?= 95
CONFORMANCE_MIN_CATEGORY ?= 90

.PHONY: run test deps build release unit-tests conformance bench clean

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

## The whole test suite: unit and integration tests, then the parser conformance run.
test: unit-tests conformance

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
	  --total $(CONFORMANCE_MIN_TOTAL) --category $(CONFORMANCE_MIN_CATEGORY)

clean:
	rm -rf .build
