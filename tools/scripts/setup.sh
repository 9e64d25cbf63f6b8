#!/usr/bin/env bash
# Installs the Debian packages a fresh machine lacks for building and testing Mote: clang, lld and
# zlib for the NativeAOT link. Does nothing when they are present. NuGet packages come with the
# build and models with fetch-models.sh.
# Usage: tools/scripts/setup.sh
set -euo pipefail
need=()
for p in clang-14 lld-14 zlib1g-dev; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
((${#need[@]})) || exit 0
command -v apt-get >/dev/null || { echo "setup: install ${need[*]} (Debian names) with your package manager" >&2; exit 1; }
echo "setup: installing ${need[*]}"
SUDO=$( ((EUID == 0)) || command -v sudo || true)
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
