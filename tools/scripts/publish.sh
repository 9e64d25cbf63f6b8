#!/usr/bin/env bash
# Publishes the NativeAOT `mote` binary.
# Usage: tools/scripts/publish.sh RID INSTRUCTION_SET OUTDIR
#   RID: linux-x64 or linux-arm64; INSTRUCTION_SET: native, x86-64-v3, x86-64-v4, armv8.0-a, armv8.2-a+dotprod ... ("" = the .NET default)
set -euo pipefail
cd "$(dirname "$0")/../.."
rid=${1:-linux-x64}; isa=${2-native}; out=${3:-out/mote-$rid}  # "" for INSTRUCTION_SET is kept: the .NET default
args=(-c Release -r "$rid" -o "$out" -nologo -clp:ErrorsOnly)
[[ -n "$isa" ]] && args+=("-p:IlcInstructionSet=$isa")
# Debian ships clang as clang-14 only; NativeAOT needs a C toolchain driver to link.
command -v clang >/dev/null || args+=(-p:CppCompilerAndLinker=clang-14)
if [[ "$rid" == linux-arm64 ]]; then
  args+=(-p:SysRoot=/ -p:LinkerFlavor=lld -p:ObjCopyName=aarch64-linux-gnu-objcopy)
fi
dotnet publish tools/Mote.Cli "${args[@]}"
ls -l "$out/mote"
