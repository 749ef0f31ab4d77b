#!/usr/bin/env bash
# Starts h2d, the h2engine server: the README's "start the server" command.
#
#   bash tools/run_h2d.sh                          # the demo site on https://127.0.0.1:8443/
#   bash tools/run_h2d.sh --root ./public --port 9443 --access-log -
#   bash tools/run_h2d.sh --help                   # every flag with its default
#
# Installs what is missing (tools/setup.sh), builds h2d optimised (bazel build --config=opt
# //server:h2d), then runs it in place of this script with the arguments given, from the
# directory you started in (so relative paths such as --root ./public mean what you expect).
# Ctrl-C (or SIGTERM) stops it gracefully; a second Ctrl-C stops it at once.
set -euo pipefail

start_dir=$PWD
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
bash tools/setup.sh
bazel build --config=opt //server:h2d
h2d="$(bazel info --config=opt bazel-bin)/server/h2d"
cd "$start_dir"
exec "$h2d" "$@"
