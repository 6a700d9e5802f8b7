#!/usr/bin/env bash
# Build Followthrough for Linux: a PyInstaller folder, then a .deb and a .tar.gz in dist/.
#
#   packaging/linux/build.sh            (or: make package)
#
#   dist/followthrough_<version>_<arch>.deb
#       /opt/followthrough/              the PyInstaller folder (executable + _internal/)
#       /usr/bin/followthrough           a two-line launcher
#       /usr/share/applications/io.followthrough.Followthrough.desktop
#       /usr/share/icons/hicolor/{16x16..512x512,scalable}/apps/io.followthrough.Followthrough.*
#       /usr/share/metainfo/io.followthrough.Followthrough.metainfo.xml
#       Depends: the system libraries the bundle still loads (found with ldd, named by dpkg -S)
#   dist/followthrough-<version>-linux-<machine>.tar.gz
#       followthrough/ (the same folder) with share/ (desktop entry, icons, metainfo) inside
#
# Everything comes from PyPI (PyInstaller, into the venv) and Debian (tools and the runtime
# libraries, installed with apt-get when run as root or with passwordless sudo).
#
# Environment: PYTHON (default .venv/bin/python), DIST_DIR (default dist/), DEB_MAINTAINER,
# SKIP_APT=1 (install nothing), SKIP_PYINSTALLER=1 (reuse build/pyinstaller/dist/followthrough
# from an earlier run).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

APP_ID=io.followthrough.Followthrough
PY="${PYTHON:-$ROOT/.venv/bin/python}"
BUILD="$ROOT/build/linux"
PYI_DIST="$ROOT/build/pyinstaller/dist"
PYI_WORK="$ROOT/build/pyinstaller/work"
ICONS="$ROOT/build/icons"
DIST="${DIST_DIR:-$ROOT/dist}"
MAINTAINER="${DEB_MAINTAINER:-Followthrough maintainers <maintainers@followthrough.invalid>}"

say() { printf '==> %s\n' "$*"; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

command -v dpkg-deb >/dev/null 2>&1 || die "dpkg-deb is missing: this script builds a .deb on Debian or Ubuntu."
[ -x "$PY" ] || die "no Python at $PY: run 'make install' first, or set PYTHON=/path/to/venv/bin/python."

# -- Debian packages: the build tools, and the libraries the bundle loads ---------------------
# The libraries must be installed for ldd to resolve them (and so name them in Depends) and
# for the smoke test to run the frozen app.
BUILD_DEBS=(binutils desktop-file-utils appstream)
RUNTIME_DEBS=(
    libgl1 libegl1 libfontconfig1 libfreetype6 libxkbcommon0 libglib2.0-0 libdbus-1-3
    libx11-6 libx11-xcb1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0
    libxcb-keysyms1 libxcb-render-util0 libxcb-randr0 libxcb-shape0 libxcb-xfixes0
    libxcb-sync1 libxcb-xkb1 libxcb-glx0 libwayland-client0 libwayland-cursor0 libwayland-egl1
)

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

install_debs() {
    local missing=() pkg sudo=()
    for pkg in "$@"; do is_installed "$pkg" || missing+=("$pkg"); done
    [ "${#missing[@]}" -eq 0 ] && return 0
    if [ "${SKIP_APT:-}" = 1 ] || ! command -v apt-get >/dev/null 2>&1; then
        say "not installing (SKIP_APT or no apt-get): ${missing[*]}"
        return 0
    fi
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            sudo=(sudo -n)
        else
            say "not root and no passwordless sudo: install these yourself: ${missing[*]}"
            return 0
        fi
    fi
    say "installing Debian packages: ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
}

install_debs "${BUILD_DEBS[@]}" "${RUNTIME_DEBS[@]}"

if ! "$PY" -c 'import PyInstaller' 2>/dev/null; then
    say "installing PyInstaller (the 'package' extra) into the venv"
    "$PY" -m pip install -q -e "$ROOT[package]"
fi

VERSION="$("$PY" -c 'import re; print(re.search(r"__version__ = \"([^\"]+)\"", open("desktop/followthrough/__init__.py").read()).group(1))')"
ARCH="$(dpkg --print-architecture)"
MACHINE="$(uname -m)"
# The release date in the metainfo: the last commit's, so a rebuild gives the same file.
RELEASE_DATE="$(git log -1 --format=%cs 2>/dev/null || date -u +%F)"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}"

# -- 1. The PyInstaller folder --------------------------------------------------------------
say "rendering icons from resources/icons/followthrough.svg"
rm -rf "$ICONS"
QT_QPA_PLATFORM=offscreen "$PY" packaging/render_icons.py "$ICONS"

BUNDLE="$PYI_DIST/followthrough"
if [ "${SKIP_PYINSTALLER:-}" = 1 ] && [ -x "$BUNDLE/followthrough" ]; then
    say "reusing $BUNDLE"
else
    # The planner ships compiled (followthrough/core/compiled.py): no build without it.
    install_debs gcc libc6-dev
    say "compiling the planner with mypyc"
    "$PY" packaging/native.py --require
    say "PyInstaller: packaging/followthrough.spec -> $BUNDLE"
    FOLLOWTHROUGH_ICON_DIR="$ICONS" "$PY" -m PyInstaller --noconfirm --log-level WARN \
        --distpath "$PYI_DIST" --workpath "$PYI_WORK" packaging/followthrough.spec
fi
[ -x "$BUNDLE/followthrough" ] || die "PyInstaller made no $BUNDLE/followthrough"

# -- 2. The files around it: desktop entry, icons, metainfo ---------------------------------
SHARE="$BUILD/share"
rm -rf "$BUILD"
mkdir -p "$SHARE/applications" "$SHARE/metainfo" "$SHARE/icons"
cp packaging/linux/$APP_ID.desktop "$SHARE/applications/"
sed -e "s/@VERSION@/$VERSION/" -e "s/@DATE@/$RELEASE_DATE/" \
    packaging/linux/$APP_ID.metainfo.xml >"$SHARE/metainfo/$APP_ID.metainfo.xml"
cp -r "$ICONS/hicolor" "$SHARE/icons/"

say "validating the desktop entry and the AppStream metainfo"
if command -v desktop-file-validate >/dev/null 2>&1; then
    desktop-file-validate "$SHARE/applications/$APP_ID.desktop"
else
    say "desktop-file-validate not found (Debian: desktop-file-utils): not validated"
fi
if command -v appstreamcli >/dev/null 2>&1; then
    appstreamcli validate --no-net "$SHARE/metainfo/$APP_ID.metainfo.xml" >/dev/null \
        || appstreamcli validate --no-net "$SHARE/metainfo/$APP_ID.metainfo.xml"
else
    say "appstreamcli not found (Debian: appstream): metainfo not validated"
fi

# -- 3. Depends: the libraries the bundle loads from the system -----------------------------
# For every ELF file of the bundle, the libraries it names (NEEDED) are resolved by ldd with
# the bundle's own folders first, as the frozen app's loader sees them; those that resolve
# outside the bundle are system libraries, and dpkg -S names their packages. Only direct
# needs go in Depends (each package brings its own dependencies). A library that does not
# resolve at all, directly or further down, is an error: Depends would miss it.
say "finding the system libraries the bundle needs"
LIBPATH="$BUNDLE/_internal:$BUNDLE/_internal/PySide6/Qt/lib"
declare -A SYSTEM_LIBS=() MISSING=()
while IFS= read -r -d '' file; do
    [ "$(head -c 4 "$file" | tr -d '\0')" = $'\x7fELF' ] || continue
    needed=" $(readelf -d "$file" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
    while read -r name arrow path _; do
        [ "$arrow" = "=>" ] || continue
        if [ "$path" = "not" ]; then
            MISSING["$name"]="$file"
        elif [[ "$path" != "$BUNDLE"/* && "$needed" == *" $name "* ]]; then
            SYSTEM_LIBS["$path"]=1
        fi
    done < <(LD_LIBRARY_PATH="$LIBPATH" ldd "$file" 2>/dev/null || true)
done < <(find "$BUNDLE" -type f \( -name '*.so*' -o -path "$BUNDLE/followthrough" \) -print0)

if [ "${#MISSING[@]}" -gt 0 ]; then
    for name in "${!MISSING[@]}"; do
        printf '  %s (needed by %s)\n' "$name" "${MISSING[$name]#"$BUNDLE"/}" >&2
    done
    die "the libraries above are not installed, so Depends cannot name them; install them (see RUNTIME_DEBS in this script) and build again."
fi

owner_of() {
    # dpkg knows a file by the path its package ships; with merged /usr, ldd may print the
    # other spelling (/lib vs /usr/lib), or a symlink's name.
    local path="$1" real candidate
    real="$(readlink -f "$path")"
    for candidate in "$path" "/usr$path" "${path#/usr}" "$real" "/usr$real" "${real#/usr}"; do
        if dpkg -S "$candidate" 2>/dev/null | head -n 1 | cut -d: -f1; then
            return 0
        fi
    done
    return 1
}

declare -A DEPENDS=()
for lib in "${!SYSTEM_LIBS[@]}"; do
    pkg="$(owner_of "$lib")" || die "no Debian package owns $lib: cannot name it in Depends."
    [ -n "$pkg" ] || die "no Debian package owns $lib: cannot name it in Depends."
    DEPENDS["$pkg"]=1
done
DEPENDS_LINE="$(printf '%s\n' "${!DEPENDS[@]}" | sort | paste -sd, | sed 's/,/, /g')"
say "Depends: $DEPENDS_LINE"

# -- 4. The .deb ----------------------------------------------------------------------------
DEBROOT="$BUILD/deb"
mkdir -p "$DEBROOT/opt" "$DEBROOT/usr/bin" "$DEBROOT/usr/share" "$DEBROOT/DEBIAN"
cp -a "$BUNDLE" "$DEBROOT/opt/followthrough"
cp -r "$SHARE/applications" "$SHARE/metainfo" "$SHARE/icons" "$DEBROOT/usr/share/"
install -m 0755 packaging/linux/followthrough.sh "$DEBROOT/usr/bin/followthrough"
install -m 0755 packaging/linux/postinst "$DEBROOT/DEBIAN/postinst"
install -m 0755 packaging/linux/postrm "$DEBROOT/DEBIAN/postrm"
# Files 0644 and folders 0755, whatever the umask of the checkout was.
find "$DEBROOT" -path "$DEBROOT/DEBIAN" -prune -o -type d -exec chmod 0755 {} +
find "$DEBROOT/usr/share" -type f -exec chmod 0644 {} +
INSTALLED_KB="$(du -sk --exclude=DEBIAN "$DEBROOT" | cut -f1)"
cat >"$DEBROOT/DEBIAN/control" <<EOF
Package: followthrough
Version: $VERSION
Architecture: $ARCH
Maintainer: $MAINTAINER
Installed-Size: $INSTALLED_KB
Depends: $DEPENDS_LINE
Recommends: xdg-utils
Section: office
Priority: optional
Description: turns each job interview into a plan of calendar follow-ups
 After a job interview, Followthrough plans the follow-ups (thank-you notes,
 status checks, a call, a last note) on working days, drafts each message,
 and puts every step in your calendar: .ics files, a subscription feed, or
 two-way CalDAV sync. It opens employers' .ics invitations and
 followthrough:// links from calendar events.
EOF

mkdir -p "$DIST"
DEB="$DIST/followthrough_${VERSION}_${ARCH}.deb"
say "dpkg-deb --build -> $DEB"
dpkg-deb --build --root-owner-group "$DEBROOT" "$DEB" >/dev/null

# -- 5. The .tar.gz -------------------------------------------------------------------------
TARDIR="$BUILD/tar"
mkdir -p "$TARDIR"
cp -a "$BUNDLE" "$TARDIR/followthrough"
cp -r "$SHARE" "$TARDIR/followthrough/share"
TARBALL="$DIST/followthrough-${VERSION}-linux-${MACHINE}.tar.gz"
say "tar -> $TARBALL"
tar -C "$TARDIR" --owner=0 --group=0 --numeric-owner --sort=name \
    --mtime="@$SOURCE_DATE_EPOCH" -czf "$TARBALL" followthrough

say "done: $(du -h "$DEB" | cut -f1) $DEB (installed ${INSTALLED_KB} KiB); $(du -h "$TARBALL" | cut -f1) $TARBALL"
