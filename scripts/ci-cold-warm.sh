#!/usr/bin/env bash
# The cold-versus-warm CI figure: a suite's first run on a Docker engine that has none of its images
# (every task, shared and service image built from its Dockerfile) against a second run after
# `images load` of what the first one saved, both end to end through the CLI, as a CI job would run.
#
#   scripts/ci-cold-warm.sh [SUITE] [--model M] [--keep]   (default: suites/smoke.yaml, the oracle)
#
# The shared engine is never emptied: the suite's tasks and images/ are copied to a scratch folder and
# every Dockerfile gets a line of its own right after each FROM, so its build contexts hash anew and no
# layer of the engine's cache matches (the base images, debian:bookworm-slim, stay: a runner pulls
# those in seconds). Only the images this script built are removed, before the warm run and at the end.
# Needs `npm run build` first. Prints a Markdown table (stdout) and progress (stderr).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
suite="$repo/suites/smoke.yaml"
model=oracle
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "ci-cold-warm: unknown option $1" >&2; exit 2 ;;
    *) suite=$(cd "$(dirname "$1")" && pwd)/$(basename "$1"); shift ;;
  esac
done
[ -f "$suite" ] || { echo "ci-cold-warm: no suite file $suite" >&2; exit 2; }
[ -f "$repo/build/src/cli/main.js" ] || { echo "ci-cold-warm: run npm run build first" >&2; exit 2; }
docker info >/dev/null 2>&1 || { echo "ci-cold-warm: no Docker engine answers" >&2; exit 3; }

fb() { node "$repo/bin/factory-bench.js" "$@"; }
say() { echo "ci-cold-warm: $*" >&2; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

scratch=$(mktemp -d "${TMPDIR:-/tmp}/fb-cold-warm-XXXXXX")
nonce=$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
built_tags=()
cleanup() {
  if [ "$keep" = 0 ]; then
    [ ${#built_tags[@]} -gt 0 ] && docker rmi -f "${built_tags[@]}" >/dev/null 2>&1 || true
    rm -rf "$scratch"
  else
    say "kept $scratch and images ${built_tags[*]}"
  fi
}
trap cleanup EXIT

# The suite's world, copied: tasks/, images/ (shared images) and the suite file at the same places.
cp -r "$repo/tasks" "$repo/images" "$scratch/"
mkdir -p "$scratch/suites"
cp "$suite" "$scratch/suites/"
suite_copy="$scratch/suites/$(basename "$suite")"
find "$scratch/tasks" "$scratch/images" -type f -name 'Dockerfile*' -print0 |
  xargs -0 sed -i -E "/^FROM[[:space:]]/a RUN echo $nonce > /.factory-bench-cold-start"

list_tags() { fb images list --suite "$suite_copy" --json | jq -r '.images[] | select(.named | not) | .tag'; }
mapfile -t built_tags < <(list_tags)
say "suite $(basename "$suite"), model $model, ${#built_tags[@]} image(s) to build: ${built_tags[*]}"
say "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

run_suite() { # $1: runs dir
  local rc=0
  fb suite run "$suite_copy" --model "$model" --runs-dir "$1" --json >"$1.json" 2>"$1.log" || rc=$?
  # 0 all passed, 1 some failed: either is a finished run; anything else is not a figure.
  if [ "$rc" -gt 1 ]; then
    say "the suite run failed (exit $rc); its log: $1.log"
    tail -5 "$1.log" >&2
    exit 3
  fi
}
# Image builds in a runs folder: build logs that do not say the image was reused.
builds_of() { find "$1" -name 'image-build*.log' -print0 | xargs -0 -r grep -L -m1 '^reused cached image' | wc -l; }
# The longest setup of the runs (image builds happen there), in seconds.
setup_of() { find "$1" -name result.json -print0 | xargs -0 -r jq -s 'map(.timings.setup_s) | max | . * 10 | round / 10'; }

say "cold run: building every image, then the suite"
t0=$(now)
run_suite "$scratch/runs-cold"
t1=$(now)
cold_run=$(secs "$t0" "$t1")
say "cold run took ${cold_run} s ($(builds_of "$scratch/runs-cold") build(s))"

say "saving the images (what a default-branch CI job does after its run)"
t0=$(now)
fb images save "$scratch/cache" --suite "$suite_copy" --json >"$scratch/save.json"
t1=$(now)
save_s=$(secs "$t0" "$t1")
archive_mb=$(du -sm "$scratch/cache" | cut -f1)

say "removing the suite's images, as on a fresh runner"
docker rmi -f "${built_tags[@]}" >/dev/null

say "warm run: images load, then the suite"
t0=$(now)
fb images load "$scratch/cache" --json >"$scratch/load.json"
t1=$(now)
run_suite "$scratch/runs-warm"
t2=$(now)
load_s=$(secs "$t0" "$t1")
warm_run=$(secs "$t1" "$t2")
warm_total=$(secs "$t0" "$t2")
warm_builds=$(builds_of "$scratch/runs-warm")
say "warm run took ${warm_total} s (load ${load_s} s, ${warm_builds} build(s))"

passed() { jq -r '"\(.totals.passed_runs)/\(.totals.runs_finished)"' "$1.json" 2>/dev/null || echo "?"; }
cat <<EOF
| $(basename "$suite" .yaml), model $model ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)) | seconds | notes |
| --- | --- | --- |
| cold: suite run on an engine without its images | ${cold_run} | $(builds_of "$scratch/runs-cold") image build(s) (longest setup $(setup_of "$scratch/runs-cold") s), passed $(passed "$scratch/runs-cold") |
| save the images (default-branch job, after its run) | ${save_s} | archive ${archive_mb} MB |
| warm: \`images load\` + suite run | ${warm_total} | load ${load_s} s, run ${warm_run} s, ${warm_builds} image build(s) (longest setup $(setup_of "$scratch/runs-warm") s), passed $(passed "$scratch/runs-warm") |
EOF
