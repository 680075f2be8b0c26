#!/bin/sh
# Installs the Debian packages neardup needs, when any is missing.
# As root: apt-get update once, then apt-get install -y.  Otherwise prints the
# exact command to run and fails.
# Usage: install-deps.sh [build|test] [extra packages...]
#   build: what building neardup and running `make demo` need (the default);
#   test:  that plus what `make test`, the sanitizer runs and the benchmarks
#          use (CMocka, Chromium, Open MPI, valgrind, pytest, ...).
set -eu
BUILD_PKGS="build-essential pkg-config libxxhash-dev libsodium-dev libutf8proc-dev libstemmer-dev
zlib1g-dev libzstd-dev zstd libjansson-dev libcjson-dev libgumbo-dev libuchardet-dev libsimdjson-dev
python3 python3-dev"
TEST_PKGS="libcmocka-dev libxml2-dev python3-pytest python3-numpy chromium
libopenmpi-dev openmpi-bin valgrind time"
set_=build
case "${1:-}" in
    build) shift ;;
    test) set_=test; shift ;;
esac
PKGS="$BUILD_PKGS $*"
[ "$set_" = test ] && PKGS="$PKGS $TEST_PKGS"
missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
echo "neardup: installing missing Debian packages:$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
    echo "neardup: not root; run: sudo apt-get update && sudo apt-get install -y$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
