#!/usr/bin/env bash
# The Debian packages the tests need, installed when they are missing and this user can (root or
# passwordless sudo); otherwise one line says which are assumed present. `make test` runs it with
# `test` (offscreen Qt, PHP for sabre/dav, libical, Dovecot, a C compiler); `.ci/run` with `all` (and what the
# packaging test needs). Never prompts.
set -euo pipefail

# Shared libraries PySide6 loads on the offscreen platform.
QT_DEB_PACKAGES=(libgl1 libegl1 libfontconfig1 libxkbcommon0 libglib2.0-0 libdbus-1-3)
# The packaging test: PyInstaller needs binutils (objdump); the .deb's desktop entry and
# metainfo are validated; the libraries the bundle's xcb and wayland plugins load must be
# installed for ldd to name them in the .deb's Depends (the list build.sh also installs); and
# the frozen app opens its window once on a real X server (Xvfb).
PACKAGING_DEB_PACKAGES=(
    binutils desktop-file-utils appstream xvfb xauth
    libfreetype6 libx11-6 libx11-xcb1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4
    libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-randr0 libxcb-shape0
    libxcb-xfixes0 libxcb-sync1 libxcb-xkb1 libxcb-glx0 libwayland-client0 libwayland-cursor0
    libwayland-egl1
)
# The sync tests run against sabre/dav too (tests/servers/sabre-dav): PHP's command line with
# the SQLite, XML and mbstring extensions it needs.
SABRE_DEB_PACKAGES=(php-cli php-sqlite3 php-xml php-mbstring)
# The published feed is checked with libical's RFC 5546 checks (tests/ical/libical_check.py).
LIBICAL_DEB_PACKAGES=(libical3)
# The mail tests read a real IMAP server (tests/mail/dovecot.py): Dovecot, which they start
# themselves on free ports and stop; the system's service is never started (see policy-rc.d).
MAIL_DEB_PACKAGES=(dovecot-imapd)
# The planner is compiled with mypyc before the tests (packaging/native.py): a C compiler, and
# Python's headers when the venv's Python is Debian's own (a Python built elsewhere has its own).
NATIVE_DEB_PACKAGES=(gcc libc6-dev)
VENV_PYTHON="$(dirname "${BASH_SOURCE[0]}")/../.venv/bin/python"
if [ -x "$VENV_PYTHON" ] && ! "$VENV_PYTHON" -c 'import pathlib, sys, sysconfig; sys.exit(not pathlib.Path(sysconfig.get_paths()["include"], "Python.h").is_file())' 2>/dev/null; then
    NATIVE_DEB_PACKAGES+=(python3-dev)
fi

is_installed() {
    # Newer Debian renamed some libraries with a t64 suffix (libglib2.0-0t64).
    local pkg
    for pkg in "$1" "$1t64"; do
        if dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed'; then
            return 0
        fi
    done
    return 1
}

wanted=("${QT_DEB_PACKAGES[@]}" "${SABRE_DEB_PACKAGES[@]}" "${LIBICAL_DEB_PACKAGES[@]}"
        "${MAIL_DEB_PACKAGES[@]}" "${NATIVE_DEB_PACKAGES[@]}")
if [ "${1:-test}" = "all" ]; then
    wanted+=("${PACKAGING_DEB_PACKAGES[@]}")
fi

SUDO=()
can_install=false
if command -v dpkg >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
        can_install=true
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO=(sudo -n)
        can_install=true
    fi
fi

if $can_install; then
    missing=()
    for pkg in "${wanted[@]}"; do
        is_installed "$pkg" || missing+=("$pkg")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "Installing the Debian packages the tests need: ${missing[*]}"
        "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update </dev/null
        # While installing, a policy-rc.d that answers 101 keeps the packages from starting
        # their services (Dovecot's): the tests run their own.
        policy=/usr/sbin/policy-rc.d
        made_policy=false
        if [ ! -e "$policy" ]; then
            printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$policy" >/dev/null
            "${SUDO[@]}" chmod 755 "$policy"
            made_policy=true
        fi
        status=0
        "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y --no-install-recommends "${missing[@]}" </dev/null || status=$?
        if $made_policy; then
            "${SUDO[@]}" rm -f "$policy"
        fi
        [ "$status" -eq 0 ] || exit "$status"
    fi
else
    echo "Not root and no passwordless sudo (or no apt): assuming these Debian packages are present: ${wanted[*]}"
fi

