#!/usr/bin/env bash
# README.md's test command: installs what is missing, then runs every test.
# Extra arguments go to `bazel test` (e.g. tools/test.sh --config=asan).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
exec bazel test //... "$@"
