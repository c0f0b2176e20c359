# clinic-site: the two commands are `make site` and `make test`.
SWIFT ?= swift
RELEASE_BIN = .build/release/clinic-site

.PHONY: site test deps release check unit-test readability-test browser-test screenshots bench clean load-test

## make site: install what is missing, build the clinic site into output/
site: release
	$(RELEASE_BIN) build

## make test: install what is missing, run every test (Swift tests, the readability grades against
## textstat, the browser audit, serving under load, then each fuzz target for 30 s); it stops at the
## first part that fails.
test: unit-test readability-test browser-test load-test fuzz-smoke

deps:
	@bash scripts/install-deps.sh

release: deps
	$(SWIFT) build -c release --product clinic-site

check: release
	$(RELEASE_BIN) check

unit-test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## The readability rule's Flesch-Kincaid grades against Python's textstat, on 50+ paragraphs (within 1 grade).
readability-test: release
	bash scripts/readability-compare.sh $(RELEASE_BIN)

## The built site as browsers see it: Nu HTML checker, axe-core at phone and desktop widths.
browser-test: release
	rm -rf .build/browser-site
	$(RELEASE_BIN) build --output .build/browser-site
	bash Tests/Browser/install-deps.sh
	Tests/Browser/run-audit .build/browser-site

screenshots: release
	rm -rf .build/browser-site
	$(RELEASE_BIN) build --output .build/browser-site
	bash Tests/Browser/install-deps.sh
	Tests/Browser/run-audit .build/browser-site --screenshots screenshots

bench: release
	python3 scripts/bench.py

## Serving under load: wrk, 64 connections for 10 s on loopback, with rebuilds during the run.
load-test: release
	bash scripts/load-test.sh $(RELEASE_BIN)

clean:
	rm -rf .build .build-* screenshots

# Fuzzing (docs/robustness.md): `make fuzz FUZZ_SECONDS=600`, `make fuzz-smoke` (30 s a target).
include Fuzz/fuzz.mk
