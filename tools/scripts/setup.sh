#!/usr/bin/env bash
# Installs the Debian packages a fresh machine lacks for building and testing Mote: clang, lld and
# zlib for the NativeAOT link; with --arm64 also qemu-user and the arm64 C/C++ runtime, start files
# and binutils to cross-link and run the linux-arm64 builds (arm64.sh). Does nothing when they are
# present. NuGet packages come with the build and models with fetch-models.sh.
# Usage: tools/scripts/setup.sh [--arm64]
set -euo pipefail
packages=(clang-14 lld-14 zlib1g-dev)
[[ "${1:-}" == --arm64 ]] && packages+=(qemu-user-static libc6-arm64-cross libc6-dev-arm64-cross libstdc++6-arm64-cross
  libgcc-12-dev-arm64-cross binutils-aarch64-linux-gnu)
need=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
((${#need[@]})) || exit 0
command -v apt-get >/dev/null || { echo "setup: install ${need[*]} (Debian names) with your package manager" >&2; exit 1; }
echo "setup: installing ${need[*]}"
SUDO=$( ((EUID == 0)) || command -v sudo || true)
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
