#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang in build/fuzz and runs them
# on their seed corpora (fuzz/corpus/<target>), each in its own working
# corpus under build/fuzz/corpus (the seeds in the repo stay as they are).
#   scripts/fuzz.sh --smoke             every target for 20 s (what CI runs)
#   scripts/fuzz.sh --runs N [TARGET..] a campaign: N executions per target
#   scripts/fuzz.sh --seconds S [TARGET..]
# A crash, leak or timeout (an input taking over 1 s) stops the target, keeps
# the input in build/fuzz/artifacts/ and makes the script fail. The figures
# of each run (executions, coverage, corpus) go to build/fuzz/logs/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/build/fuzz"
all_targets=(instance_json_fuzz instance_xml_fuzz gzip_fuzz replication_batch_fuzz
             basp_message_fuzz http_request_fuzz)
mode=seconds
amount=20
usage() {
  echo "usage: $0 --smoke | --runs N [TARGET...] | --seconds S [TARGET...]" >&2
  exit 2
}
case "${1:-}" in
  --smoke) shift ;;
  --runs) mode=runs; amount=${2:-}; shift; shift || true ;;
  --seconds) amount=${2:-}; shift; shift || true ;;
  *) usage ;;
esac
[[ "$amount" =~ ^[1-9][0-9]*$ ]] || usage
for t in "$@"; do
  [[ " ${all_targets[*]} " == *" $t "* ]] || { echo "fuzz: no target $t" >&2; usage; }
done
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

if ! command -v clang++ >/dev/null 2>&1; then
  echo "fuzz: clang++ missing (scripts/setup.sh --with-tests installs it)" >&2
  exit 1
fi
jobs=${EUREKA_BUILD_JOBS:-$(nproc)}
CXX=clang++ cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DEUREKA_FUZZ=ON -DEUREKA_BUILD_TESTS=OFF >/dev/null
ninja -C "$dir" -j "$jobs" "${targets[@]}"

mkdir -p "$dir/artifacts" "$dir/logs"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export ASAN_OPTIONS="detect_leaks=1"
failed=()
for t in "${targets[@]}"; do
  seeds="$root/fuzz/corpus/${t%_fuzz}"
  work="$dir/corpus/${t%_fuzz}"
  mkdir -p "$work"
  limit=(-max_total_time="$amount")
  [ "$mode" = runs ] && limit=(-runs="$amount")
  log="$dir/logs/$t.log"
  extra=()
  # Entropic scheduling's per-feature bookkeeping took 60 % of this target's
  # time once its corpus had grown (3,000 executions/s against 25,000 without).
  [ "$t" = basp_message_fuzz ] && extra=(-entropic=0)
  echo "fuzz: $t (${mode} ${amount})"
  if "$dir/fuzz/$t" "${limit[@]}" -timeout=1 -rss_limit_mb=2048 -max_len=65536 \
       -print_final_stats=1 -artifact_prefix="$dir/artifacts/$t-" "${extra[@]}" "$work" "$seeds" \
       >"$log" 2>&1; then
    grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|cov:" "$log" | tail -3 | sed 's/^/  /'
  else
    echo "fuzz: $t FAILED; its log: $log" >&2
    tail -40 "$log" >&2
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: every target ran clean"
