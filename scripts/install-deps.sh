#!/bin/sh
# Installs the Debian packages neardup needs, when any is missing.
# As root: apt-get update once, then apt-get install -y.  Otherwise prints the
# exact command to run and fails.  Usage: install-deps.sh [extra packages...]
set -eu
PKGS="build-essential pkg-config libxxhash-dev libsodium-dev libcmocka-dev libutf8proc-dev libstemmer-dev
zlib1g-dev libzstd-dev zstd libjansson-dev libcjson-dev libsimdjson-dev libgumbo-dev libuchardet-dev libxml2-dev
python3 chromium
libopenmpi-dev openmpi-bin valgrind python3-numpy time $*"
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
