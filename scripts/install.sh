#!/usr/bin/env bash
# Installs Ruru's binaries under a prefix, with Kea's program names as links so unit files, packaging
# scripts and the lease file cleanup invocation keep working (CTL-123), systemd units (CTL-124), and
# ruru-keactrl (linked as keactrl) with a keactrl.conf naming Ruru's daemons (CTL-125).
#
#   scripts/install.sh [--prefix DIR] [--destdir DIR] [--bin-dir DIR]
#
# --prefix   where the programs will live (default /usr/local): binaries go to <prefix>/sbin
# --destdir  staging root prepended to every path (packaging); default none
# --bin-dir  take already built binaries from DIR instead of running `cargo build --release`
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=/usr/local destdir= bindir=
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=$2; shift 2 ;;
    --destdir) destdir=$2; shift 2 ;;
    --bin-dir) bindir=$2; shift 2 ;;
    *) echo "usage: $0 [--prefix DIR] [--destdir DIR] [--bin-dir DIR]" >&2; exit 2 ;;
  esac
done
if [ -z "$bindir" ]; then
  cargo build --release --bins
  bindir=${CARGO_TARGET_DIR:-target}/release
fi
sbin="$destdir$prefix/sbin"
units="$destdir$prefix/lib/systemd/system"
etc="$destdir/etc/kea"
install -d "$sbin" "$units" "$etc"
# Ruru's name → Kea's name.
for pair in ruru-dhcp4:kea-dhcp4 ruru-dhcp6:kea-dhcp6 ruru-ctrl-agent:kea-ctrl-agent \
            ruru-lfc:kea-lfc ruru-shell:kea-shell ruru-admin:kea-admin; do
  ours=${pair%%:*} theirs=${pair##*:}
  install -m 0755 "$bindir/$ours" "$sbin/$ours"
  ln -sf "$ours" "$sbin/$theirs"
done
install -m 0755 scripts/ruru-keactrl "$sbin/ruru-keactrl"
ln -sf ruru-keactrl "$sbin/keactrl"
# An operator's keactrl.conf (or Kea's) stays as it is.
if [ ! -e "$etc/keactrl.conf" ]; then
  sed "s|@SBINDIR@|$prefix/sbin|g" etc/keactrl.conf > "$etc/keactrl.conf"
  chmod 0644 "$etc/keactrl.conf"
fi
for unit in etc/systemd/*.service; do
  sed "s|@SBINDIR@|$prefix/sbin|g" "$unit" > "$units/$(basename "$unit")"
  chmod 0644 "$units/$(basename "$unit")"
done
echo "installed under $destdir$prefix (programs in sbin with kea-* links, units in lib/systemd/system), $etc/keactrl.conf"
