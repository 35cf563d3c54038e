#!/bin/sh
# Differential test of radix's route_table example against gin 1.8.1.
# Needs Debian's golang-go and golang-github-gin-gonic-gin-dev (gin 1.8.1):
#   apt-get install golang-go golang-github-gin-gonic-gin-dev
# Usage: radix/gin-diff/run.sh [TABLES] [REQUESTS_PER_TABLE] [SEED]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$here" && GOCACHE="$work/gocache" GO111MODULE=off GOPATH=/usr/share/gocode go build -o "$work/gin_route_table" main.go)
(cd "$root" && cargo build --release -p radix --example route_table)
python3 "$here/diff.py" "$target/release/examples/route_table" "$work/gin_route_table" "$@"
