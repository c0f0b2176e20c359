#!/usr/bin/env bash
# Builds the libFuzzer targets and runs each for a given time (docs/robustness.md).
#
#   Fuzz/run.sh SECONDS [TARGET ...]     TARGET: frontmatter amounts markdown links slugger escape (default: all)
#
# Environment: FUZZ_JOBS (targets run at once, default 1), FUZZ_KNOWN_BUGS=1 (also check the
# invariants that reported, unfixed bugs break). Fails on any crash, broken invariant, timeout
# (-timeout=10), leak or out-of-memory; the input is saved in Fuzz/artifacts/, the log in
# Fuzz/.build/logs/. New inputs go to Fuzz/.build/corpus/TARGET, never to the committed seeds.
set -euo pipefail
cd "$(dirname "$0")"

seconds=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(frontmatter amounts markdown links slugger escape)
jobs=${FUZZ_JOBS:-1}

declare -A executable=([frontmatter]=FuzzFrontMatter [amounts]=FuzzAmounts [markdown]=FuzzMarkdown [links]=FuzzLinks [slugger]=FuzzSlugger [escape]=FuzzEscape)
for t in "${targets[@]}"; do
    [ -n "${executable[$t]:-}" ] || { echo "unknown fuzz target '$t' (known: ${!executable[*]})" >&2; exit 2; }
done

# Every Swift module (SiteKit, SiteMarkdown, Yams, Mustache) gets coverage and AddressSanitizer;
# so does libyaml (C). cmark-gfm and gumbo are system libraries: not instrumented, but their
# leaks and overflows into Swift memory are still seen.
mkdir -p artifacts .build/logs
# SwiftPM does not always notice that the main package's manifest changed (a new target, say);
# touching this one makes it plan the build again.
if [ ../Package.swift -nt .build/debug.yaml ]; then touch Package.swift; fi
if ! swift build --scratch-path .build \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -use-ld=lld \
    -Xcc -fsanitize=fuzzer-no-link,address >.build/logs/build.log 2>&1; then
    grep -v "Cannot export local symbol" .build/logs/build.log | grep -E "error" | head -20 >&2
    echo "the fuzz targets did not build (log: Fuzz/.build/logs/build.log)" >&2
    exit 2
fi
grep -E "Build complete" .build/logs/build.log || true

export SWIFT_BACKTRACE=enable=no   # Swift's crash handler and ASan fight over a crash
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}

run_one() {
    local t=$1 exe=${executable[$1]}
    local work=.build/corpus/$t log=.build/logs/$t.log
    mkdir -p "$work"
    if .build/debug/"$exe" "$work" "corpus/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -detect_leaks=1 -print_final_stats=1 -artifact_prefix="artifacts/$t-" >"$log" 2>&1; then
        echo "fuzz $t: ok, $(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}') runs in ${seconds} s, $(grep -oE 'cov: [0-9]+' "$log" | tail -1)"
    else
        echo "fuzz $t: FAILED (log: Fuzz/$log)"
        grep -E 'INVARIANT FAILED|ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|SUMMARY|Test unit written|Fatal error' "$log" | head -8 | sed 's/^/    /'
        # The input itself, so that a failure on a machine whose clone is gone can be replayed:
        #   echo BASE64 | base64 -d > input && Fuzz/.build/debug/<Target> input
        grep -E '^Base64: ' "$log" | head -1 | cut -c1-2000 | sed 's/^/    input /'
        return 1
    fi
}

status=0
pids=()
for t in "${targets[@]}"; do
    run_one "$t" &
    pids+=($!)
    if [ ${#pids[@]} -ge "$jobs" ]; then
        wait "${pids[0]}" || status=1
        pids=("${pids[@]:1}")
    fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
