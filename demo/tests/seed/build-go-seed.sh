#!/bin/sh
# Builds the seed's own Go server (go-jar/gohttp `server_demo.go`) for `tests/seed_go.rs`.
#
#   demo/tests/seed/build-go-seed.sh [DIR]        # default DIR: /tmp/gohttp-seed
#   SEED_GO_SERVER=DIR/server cargo test -p demo --test seed_go
#
# The sources are cloned at pinned commits into a GOPATH under DIR and built in GOPATH mode
# (the repositories had no usable go.mod at these commits). Needs git and Go (1.19 is fine).
# SEED_GIT (default https://github.com/{owner}/{name}) says where to clone from, for a mirror.
set -eu
DIR=${1:-/tmp/gohttp-seed}
DEFAULT_GIT='https://github.com/{owner}/{name}'
SEED_GIT=${SEED_GIT:-$DEFAULT_GIT}
GOPATH_DIR="$DIR/gopath"

fetch() {
    owner=$1 name=$2 commit=$3
    dest="$GOPATH_DIR/src/github.com/$owner/$name"
    url=$(printf '%s' "$SEED_GIT" | sed "s|{owner}|$owner|; s|{name}|$name|")
    rm -rf "$dest"
    git clone -q "$url" "$dest"
    git -C "$dest" checkout -q "$commit"
    rm -f "$dest/go.mod" "$dest/go.sum"
}

fetch go-jar gohttp 9d562b4ccae0155d1a1f29b7492b88d49455b194
fetch go-jar golog 418691cf028da2ad4cf26ac7266856133f3c1e50
fetch go-jar color a4721609e5f48a024e6c29eac8a6d030f2313861
fetch goinbox gomisc f87e5ae573e6e6fd2cbb9bf9cfb773e4d564b5c3

cd "$GOPATH_DIR/src/github.com/go-jar/gohttp"
GOPATH="$GOPATH_DIR" GO111MODULE=off go build -o "$DIR/server" server_demo.go
echo "built $DIR/server"
