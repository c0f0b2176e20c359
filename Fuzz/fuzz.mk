# libFuzzer targets (docs/robustness.md). Included from the Makefile.
#   make fuzz FUZZ_SECONDS=600   each target for FUZZ_SECONDS (FUZZ_JOBS=2 runs two at once)
#   make fuzz-smoke              each target for 30 s; part of `make test`
FUZZ_SECONDS ?= 600
FUZZ_SMOKE_SECONDS ?= 30
FUZZ_JOBS ?= 1

.PHONY: fuzz fuzz-smoke

fuzz: deps
	FUZZ_JOBS=$(FUZZ_JOBS) bash Fuzz/run.sh $(FUZZ_SECONDS)

fuzz-smoke: deps
	FUZZ_JOBS=$(FUZZ_JOBS) bash Fuzz/run.sh $(FUZZ_SMOKE_SECONDS)
