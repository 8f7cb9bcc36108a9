#!/usr/bin/env bash
# Fetches the CPython source that Debian's python3.11 is built from (the
# upstream tarball, python3.11_<version>.orig.tar.gz) into DIR with
# `apt-get source`, and prints the tarball's path.
#
#   scripts/get-cpython-source.sh [--add-deb-src] [DIR]     DIR: .cache/cpython
#
# apt-get source needs a deb-src line. --add-deb-src (root) adds one for
# Debian 12 in /etc/apt/sources.list.d/kmpack-deb-src.sources; without it,
# add one yourself, e.g. "Types: deb deb-src" in debian.sources.
set -euo pipefail
add=0
if [ "${1:-}" = "--add-deb-src" ]; then add=1; shift; fi
dir=${1:-"$(cd "$(dirname "$0")/.." && pwd)/.cache/cpython"}
package=python3.11

if ls "$dir"/${package}_*.orig.tar.* >/dev/null 2>&1; then
  ls "$dir"/${package}_*.orig.tar.* | head -n 1
  exit 0
fi
if [ "$add" = 1 ]; then
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  printf '%s\n' 'Types: deb-src' 'URIs: http://deb.debian.org/debian' 'Suites: bookworm bookworm-updates' \
    'Components: main' 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' |
    "${sudo_cmd[@]}" tee /etc/apt/sources.list.d/kmpack-deb-src.sources >/dev/null
  "${sudo_cmd[@]}" apt-get update -q >&2
fi
mkdir -p "$dir"
if ! (cd "$dir" && apt-get source --download-only -q "$package" >&2); then
  echo "get-cpython-source: apt-get source $package failed; it needs a deb-src line (rerun with --add-deb-src as root)" >&2
  exit 1
fi
ls "$dir"/${package}_*.orig.tar.* | head -n 1
