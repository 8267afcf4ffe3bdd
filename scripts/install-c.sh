#!/usr/bin/env bash
# Builds the C library of hcx (crate hcx-c, release) and installs it under PREFIX:
#
#   PREFIX/lib/libhcx.so.0.<minor>.<patch>   the shared library (soname libhcx.so.0.<minor>) and its links
#   PREFIX/lib/libhcx.a                      the static library
#   PREFIX/include/hcx.h                     the header (hcx-ffi/include/hcx.h)
#   PREFIX/lib/pkgconfig/hcx.pc              for `pkg-config --cflags --libs hcx` (`--static` for libhcx.a)
#
# Usage: scripts/install-c.sh PREFIX    (LIBDIR=lib/x86_64-linux-gnu to change PREFIX/lib; DESTDIR honoured)
# Then:  PKG_CONFIG_PATH=PREFIX/lib/pkgconfig cc app.c $(pkg-config --cflags --libs hcx)
set -euo pipefail

if [[ $# -ne 1 || -z "$1" ]]; then
    echo "usage: $0 PREFIX" >&2
    exit 2
fi
prefix="$1"
[[ "$prefix" = /* ]] || prefix="$(pwd)/$prefix"
libdir_rel="${LIBDIR:-lib}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [[ "$(uname -s)" != Linux ]]; then
    echo "install-c.sh: only Linux is supported so far (the soname and pkg-config layout are ELF ones)" >&2
    exit 2
fi

version="$(cargo metadata --no-deps --format-version 1 --manifest-path hcx-c/Cargo.toml |
    python3 -c 'import json, sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "hcx-c"))')"
IFS=. read -r major minor patch <<<"${version%%[-+]*}"
# Must match hcx-c/build.rs: the ABI may change with the minor version while the major is 0.
if [[ "$major" == 0 ]]; then soname="libhcx.so.0.$minor"; else soname="libhcx.so.$major"; fi
real="libhcx.so.$major.$minor.$patch"

echo "==> cargo build --release -p hcx-c (libhcx $version)"
# `-p hcx-c` alone, so hcx-ffi is built without the `uniffi` feature. rustc prints the system libraries a
# static link needs; they become the pkg-config file's Libs.private.
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
cargo rustc --release --quiet -p hcx-c --lib --crate-type cdylib,staticlib -- --print native-static-libs 2>"$log" || {
    cat "$log" >&2
    exit 1
}
static_libs="$(sed -n 's/.*native-static-libs: //p' "$log" | tail -n 1)"
if [[ -z "$static_libs" ]]; then
    cat "$log" >&2
    echo "install-c.sh: rustc did not print the native static libraries" >&2
    exit 1
fi
built="$root/target/release"

dest="${DESTDIR:-}$prefix"
libdir="$dest/$libdir_rel"
echo "==> installing under ${DESTDIR:-}$prefix"
install -d "$libdir" "$libdir/pkgconfig" "$dest/include"
install -m 0755 "$built/libhcx.so" "$libdir/$real"
ln -sfn "$real" "$libdir/$soname"
ln -sfn "$soname" "$libdir/libhcx.so"
install -m 0644 "$built/libhcx.a" "$libdir/libhcx.a"
install -m 0644 hcx-ffi/include/hcx.h "$dest/include/hcx.h"

cat >"$libdir/pkgconfig/hcx.pc" <<EOF
prefix=$prefix
exec_prefix=\${prefix}
libdir=\${exec_prefix}/$libdir_rel
includedir=\${prefix}/include

Name: hcx
Description: Plan and carry out VMware HCX upgrades (C API of hcx-core)
URL: https://github.com/hcx-rs/hcx
Version: $version
Libs: -L\${libdir} -lhcx
Libs.private: $static_libs
Cflags: -I\${includedir}
EOF

echo "installed: $libdir_rel/$real ($soname), $libdir_rel/libhcx.a, include/hcx.h, $libdir_rel/pkgconfig/hcx.pc"
