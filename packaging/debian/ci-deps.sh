#!/bin/sh
# Host tools for building the .debs, the signed repository and the install test.
# Idempotent: safe to run on a fresh Debian 12/13 machine (CI) and on a developer box.
# Everything else (debhelper, dh-python, lintian, ...) lives in the trixie build root
# that packaging/debian/roots.sh creates with mmdebstrap.
set -eu
export PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive

NEEDED="mmdebstrap reprepro gnupg zstd debian-archive-keyring ca-certificates piuparts"
missing=""
for pkg in $NEEDED; do
    dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$' || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
    echo "ci-deps: installing$missing"
    apt-get -q -o DPkg::Lock::Timeout=600 update
    apt-get -q -y -o DPkg::Lock::Timeout=600 install --no-install-recommends $missing
fi
