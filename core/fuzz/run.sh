#!/usr/bin/env bash
# Runs each fuzz target for FUZZ_SECONDS (default 300) seconds, one after another, seeded from
# core/fuzz/corpus/<target>/seed-*, and prints per target: runs, exec/s, crashes.
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz --locked`).
# Usage: core/fuzz/run.sh [target...]   (default: all three)
set -uo pipefail

cd "$(dirname "$0")/../.."
seconds="${FUZZ_SECONDS:-300}"
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(request client_command jsonrpc_line)
logs="core/fuzz/target/logs"
mkdir -p "$logs"

summary=()
failed=0
for t in "${targets[@]}"; do
    log="$logs/$t.log"
    mkdir -p "core/fuzz/artifacts/$t"
    before=$(find "core/fuzz/artifacts/$t" -type f | wc -l)
    echo "== $t: ${seconds}s (log: $log)"
    features=()
    [ "$t" = jsonrpc_line ] && features=(--features t3rs)
    cargo +nightly fuzz run "$t" --fuzz-dir core/fuzz "${features[@]}" -- \
        -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1
    rc=$?
    after=$(find "core/fuzz/artifacts/$t" -type f | wc -l)
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    crashes=$((after - before))
    [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ] && crashes="? (exit $rc, see log)"
    line=$(printf '%-16s runs=%-12s exec/s=%-8s crashes=%s' "$t" "${runs:-?}" "${eps:-?}" "$crashes")
    echo "$line"
    summary+=("$line")
    if [ "$rc" -ne 0 ]; then
        failed=1
        grep -E 'panicked at|^==[0-9]+==ERROR|Test unit written to' "$log" | head -5
    fi
done

echo "== summary (${seconds}s each)"
printf '%s\n' "${summary[@]}"
exit "$failed"
