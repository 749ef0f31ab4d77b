#!/usr/bin/env bash
# Runs every interop test in order against the server chosen by the environment (H2D=...,
# STANDIN=nghttpd or STANDIN=refserver; see README.md) and prints one summary line. Arguments
# select tests by name (e.g. `run_all.sh curl nghttp`). Exit status 1 when any test failed.
set -uo pipefail
dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ALL=(
  curl
  nghttp
  python_h2
  go
  h2load
  chromium
  shutdown
)
if (($# > 0)); then tests=("$@"); else tests=("${ALL[@]}"); fi
if [[ -n ${H2D:-} ]]; then mode="h2d $H2D"; else mode="${STANDIN:-unset}"; fi

tmp=$(mktemp -d "${TEST_TMPDIR:-${TMPDIR:-/tmp}}/interop-all.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
passed=() failed=() skipped=()
start=$SECONDS
for t in "${tests[@]}"; do
  script="$dir/test_$t.sh"
  if [[ ! -x $script ]]; then
    echo "$t: no such test ($script)"
    failed+=("$t")
    continue
  fi
  t0=$SECONDS
  "$script" | tee "$tmp/$t.log"
  rc=${PIPESTATUS[0]}
  echo "  ($((SECONDS - t0)) s)"
  case $rc in
    0) passed+=("$t") ;;
    77) skipped+=("$t") ;;
    *) failed+=("$t") ;;
  esac
done
checks_ok=$(cat "$tmp"/*.log 2>/dev/null | grep -c '^  ok  ')
checks_fail=$(cat "$tmp"/*.log 2>/dev/null | grep -c '^  FAIL')
checks_skip=$(cat "$tmp"/*.log 2>/dev/null | grep -c '^  skip')
echo "interop ($mode): ${#passed[@]} passed, ${#failed[@]} failed${failed[*]:+ (${failed[*]})}," \
  "${#skipped[@]} skipped${skipped[*]:+ (${skipped[*]})}; checks: $checks_ok ok," \
  "$checks_fail failed, $checks_skip skipped; $((SECONDS - start)) s"
((${#failed[@]} == 0))
