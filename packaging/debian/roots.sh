#!/bin/sh
# Cached Debian 13 (trixie) roots made with mmdebstrap.
#   roots.sh build   -> $DEB_CACHE/trixie-build/   unpacked build root (debhelper, dh-python, lintian, ...)
#   roots.sh base    -> $DEB_CACHE/trixie-base.tar.zst   minimal root for the install test
#   roots.sh piuparts [PKG,...] -> $DEB_CACHE/trixie-piuparts.tar.gz   minbase root (+ PKG,...) for piuparts
#   roots.sh mirror  -> the Debian mirror the roots are made from
# Each is remade when its mmdebstrap arguments change or it is older than DEB_ROOT_MAX_AGE days.
# DEB_CACHE defaults to /var/cache/splynx-debian, outside the work tree, so fresh clones on the
# same machine (CI) reuse the roots. Prints the path of the requested root.
set -eu
export PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8
CACHE=${DEB_CACHE:-/var/cache/splynx-debian}
SUITE=trixie
MAX_AGE=${DEB_ROOT_MAX_AGE:-7}
MIRROR=${DEB_MIRROR:-$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}

# build tools, lintian, systemd-analyze (unit security scores) and what the build-time tests import
BUILD_PKGS=debhelper,dh-python,python3-all,python3-setuptools,python3-wheel,pybuild-plugin-pyproject,lintian,systemd
BUILD_PKGS=$BUILD_PKGS,python3-pytest,python3-flask,python3-sqlalchemy,python3-alembic,python3-pluggy
BUILD_PKGS=$BUILD_PKGS,python3-flaskext.wtf,python3-limits,python3-cryptography,python3-packaging
BUILD_PKGS=$BUILD_PKGS,python3-requests,python3-urllib3,python3-defusedxml,python3-reportlab,python3-segno
BUILD_PKGS=$BUILD_PKGS,python3-html2text,python3-jinja2

if [ "${1:-}" = mirror ]; then
    echo "$MIRROR"
    exit 0
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/.${1:-none}.lock"
flock 9

fresh() {  # fresh PATH STAMPFILE KEY: exists, same key, young enough
    [ -e "$1" ] && [ -f "$2" ] && [ "$(cat "$2")" = "$3" ] &&
        [ -z "$(find "$2" -mtime +"$MAX_AGE")" ]
}

case "${1:-}" in
build)
    out=$CACHE/$SUITE-build key="buildd $SUITE $MIRROR $BUILD_PKGS"
    if ! fresh "$out" "$out.key" "$key"; then
        rm -rf "$out" "$out.key"
        mmdebstrap --quiet --mode=root --variant=buildd --include="$BUILD_PKGS" \
            "$SUITE" "$out.tmp" "deb $MIRROR $SUITE main" >&2
        mkdir -p "$out.tmp/build"
        mv "$out.tmp" "$out"
        printf '%s' "$key" > "$out.key"
    fi
    ;;
base)
    out=$CACHE/$SUITE-base.tar.zst key="apt $SUITE $MIRROR"
    if ! fresh "$out" "$out.key" "$key"; then
        rm -f "$out" "$out.key"
        mmdebstrap --quiet --mode=root --variant=apt "$SUITE" "$out.tmp.tar.zst" "deb $MIRROR $SUITE main" >&2
        mv "$out.tmp.tar.zst" "$out"
        printf '%s' "$key" > "$out.key"
    fi
    ;;
piuparts)
    # what piuparts makes with debootstrap --variant=minbase, as the gzip tarball it unpacks,
    # with the Debian packages given (comma-separated) already installed
    out=$CACHE/$SUITE-piuparts.tar.gz key="minbase $SUITE $MIRROR ${2:-}"
    if ! fresh "$out" "$out.key" "$key"; then
        rm -f "$out" "$out.key"
        mmdebstrap --quiet --mode=root --variant=minbase ${2:+--include="$2"} \
            "$SUITE" "$out.tmp.tar.gz" "deb $MIRROR $SUITE main" >&2
        mv "$out.tmp.tar.gz" "$out"
        printf '%s' "$key" > "$out.key"
    fi
    ;;
*)
    echo "usage: $0 build|base|piuparts [PKG,...]|mirror" >&2
    exit 64
    ;;
esac
echo "$out"
