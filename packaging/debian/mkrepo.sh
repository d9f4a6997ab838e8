#!/bin/sh
# mkrepo.sh [--add] REPO_DIR DEB...
# A signed apt repository for trixie, made with reprepro. Its Origin (Splynx) is what the root
# helper accepts add-ons from (/etc/splynx/addon-helper.conf).
#   without --add: REPO_DIR is made anew from the given .debs;
#   with --add:    the .debs are added to it (a newer version replaces the older one).
# Signing key: REPO_GNUPGHOME (+ REPO_KEY, a key id or fingerprint) for a real key; otherwise a
# throwaway key kept in REPO_GNUPGHOME (default build/repo-key), made on first use.
# The public key is written to REPO_DIR/splynx-archive-keyring.gpg (binary, for Signed-By).
set -eu
export PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8

add=
if [ "${1:-}" = "--add" ]; then add=1; shift; fi
[ $# -ge 2 ] || { echo "usage: $0 [--add] REPO_DIR DEB..." >&2; exit 64; }
repo=$1; shift

here=$(cd "$(dirname "$0")" && pwd)
maintainer=${DEB_MAINTAINER:-}
if [ -z "$maintainer" ]; then
    # shellcheck source=project.env
    maintainer=$(. "$here/project.env" && printf '%s' "$DEB_MAINTAINER")
fi
export GNUPGHOME=${REPO_GNUPGHOME:-$here/../../build/repo-key}
mkdir -p "$GNUPGHOME"; chmod 700 "$GNUPGHOME"
key=${REPO_KEY:-}
if [ -z "$key" ]; then
    key=$(gpg --batch --no-auto-check-trustdb --list-secret-keys --with-colons 2>/dev/null | awk -F: '/^fpr/{print $10; exit}')
fi
if [ -z "$key" ]; then
    gpg --batch --quiet --passphrase '' --quick-gen-key \
        "${maintainer% <*} (throwaway test repository key) <${maintainer#*<}" ed25519 sign never
    key=$(gpg --batch --no-auto-check-trustdb --list-secret-keys --with-colons | awk -F: '/^fpr/{print $10; exit}')
fi

if [ -z "$add" ]; then rm -rf "$repo"; fi
mkdir -p "$repo/conf"
cat > "$repo/conf/distributions" <<DIST
Origin: Splynx
Label: Splynx
Suite: trixie
Codename: trixie
Architectures: amd64 arm64
Components: main
Description: splynx-host and its add-ons for Debian 13
SignWith: $key
DIST
reprepro --silent -b "$repo" includedeb trixie "$@"
gpg --batch --no-auto-check-trustdb --yes --export "$key" > "$repo/splynx-archive-keyring.gpg"
reprepro -b "$repo" list trixie | sed -n 's/^trixie|main|amd64: /published /p'
