#!/usr/bin/env bash
# Fetches the upstream source of a Debian package (its .orig.tar.*) with
# `apt-get source --download-only`, from the same archive as the machine's
# binary packages and from nowhere else: the deb-src entries apt-get source
# needs are derived from the machine's deb entries, in a private apt
# configuration (the machine's apt setup is left alone). For libraries
# Debian ships only as shared objects (libxslt, liblcms2, ...), to list in
# modules.txt as a library line (docs/modules-txt.md, "C libraries from
# source"):
#
#   scripts/debian-source.sh libxslt vendor
#   # modules.txt:  libxslt  vendor/libxslt_1.1.35.orig.tar.xz  build=autotools
#
# Usage: scripts/debian-source.sh SOURCE-PACKAGE [DIR]   (DIR: default '.')
set -euo pipefail
if [ $# -lt 1 ] || [ $# -gt 2 ] || [ "${1#-}" != "$1" ]; then
  echo "usage: $0 SOURCE-PACKAGE [DIR]" >&2
  exit 2
fi
package=$1
dest=${2:-.}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
apt=$(mktemp -d)
trap 'rm -rf "$apt"' EXIT
mkdir -p "$apt/sources.list.d" "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/download"

# deb-src for every deb entry: one-line lists and deb822 .sources files.
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [ -f "$f" ] || continue
  sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$f" >>"$apt/sources.list.d/derived.list"
done
n=0
for f in /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] || continue
  n=$((n + 1))
  sed 's/^Types:.*$/Types: deb-src/' "$f" >"$apt/sources.list.d/derived-$n.sources"
done
if ! grep -qs . "$apt"/sources.list.d/*; then
  echo "$0: no deb entry in /etc/apt to derive a deb-src entry from" >&2
  exit 1
fi

apt_get=(apt-get -q -o "Dir::Etc::SourceList=$apt/none.list" -o "Dir::Etc::SourceParts=$apt/sources.list.d"
         -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o Debug::NoLocking=true)
# As root, apt would download as _apt, which cannot write here.
if [ "$(id -u)" -eq 0 ]; then apt_get+=(-o APT::Sandbox::User=root); fi
"${apt_get[@]}" update >"$apt/update.log" 2>&1 || true # one entry without sources fails alone
if ! (cd "$apt/download" && "${apt_get[@]}" source --download-only -- "$package"); then
  tail -5 "$apt/update.log" >&2
  ls "$apt/download"/*.orig.tar.* >/dev/null 2>&1 || exit 1
fi
for f in "$apt/download"/*; do
  mv -f -- "$f" "$dest/"
done
for f in "$dest"/"$package"_*.orig.tar.*; do
  [ -f "$f" ] || continue
  case $f in *.asc) continue ;; esac
  echo "$f"
done
