#!/usr/bin/env bash
# Runs Mote's ARM64 code paths on an x64 machine under qemu user-mode emulation, once as a Raspberry Pi 4
# (-cpu cortex-a72: AdvSimd, no dot product) and once as a Raspberry Pi 5 (-cpu cortex-a76: with it):
#   1. the kernel tests on both CPUs and the runtime tests (all on the A76, those over kernels and threads on the
#      A72), published self-contained for linux-arm64 (JIT; xUnit v3 executables); the kernel tests assert the
#      features and kernel variants each CPU must get;
#   2. `mote` cross-compiled with NativeAOT for linux-arm64 converts and runs real models; the .mote files must
#      equal the x64 converter's and the outputs must match the x64 `mote run` (tools/scripts/compare-npy.py).
# Usage: tools/scripts/arm64.sh [--quick]   (--quick: skip the runtime tests)
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
out=out/arm64
shared=../shared/models
cache=$PWD/.cache/arm64
declare -A features=([cortex-a72]="neon v128" [cortex-a76]="neon dotprod v128")
cpus=(cortex-a72 cortex-a76)

step() { printf '\n=== arm64 [%3ds] %s\n' "$SECONDS" "$*"; }

step "system packages (qemu, arm64 C library, cross binutils)"
tools/scripts/setup.sh --arm64

# .NET takes SHA-256 (which xUnit v3 uses for test ids) from OpenSSL, and Debian has no cross package of it:
# download the arm64 libssl3 with apt (checked against the signed archive index) and unpack it, not install it.
if [[ ! -f $cache/libssl/usr/lib/aarch64-linux-gnu/libssl.so.3 ]]; then
  step "arm64 libssl3 into $cache/libssl"
  apt_dir=$(mktemp -d)
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$cache"
  apt_arm64=(-q -o APT::Architecture=arm64 -o APT::Architectures::=arm64 -o Dir::State::status=/dev/null
    -o Dir::State::lists="$apt_dir/lists" -o Dir::Cache::archives="$apt_dir/archives"
    -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=)
  apt-get "${apt_arm64[@]}" update -qq >/dev/null
  (cd "$apt_dir" && apt-get "${apt_arm64[@]}" download libssl3 2>/dev/null >/dev/null)
  dpkg -x "$apt_dir"/libssl3_*_arm64.deb "$cache/libssl"
  rm -rf "$apt_dir"
fi

# emu CPU PROGRAM ARGS...: runs an arm64 program as that CPU. The JIT's W^X double mapping writes code through
# a second mapping that qemu's translation cache cannot see (stale code, random crashes), so it is turned off.
# Emulated, the JIT itself is slow: compiling each method once, fully optimised, saves a quarter of the time.
emu() {
  local cpu=$1; shift
  env QEMU_LD_PREFIX=/usr/aarch64-linux-gnu LD_LIBRARY_PATH="$cache/libssl/usr/lib/aarch64-linux-gnu" \
    DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_EnableWriteXorExecute=0 DOTNET_TieredCompilation=0 \
    qemu-aarch64-static -cpu "$cpu" "$@"
}

# run_tests CPU PROGRAM ARGS...: emu for a test executable. A failed test exits 1 and fails the script; a run that
# dies of a signal is run once more. qemu-user is no supported .NET platform: about one whole-suite run in six
# died of an access violation at a random place in JIT-compiled code that three reruns of the same test classes
# and a GC stress run of the same kernels did not reproduce. A real overrun hits the tests' guard pages the same
# way every time, so it still fails the second run. (Since then a use-after-free of packed GEMM operands passed as
# temporaries was fixed, which may have been the cause; the log says whenever this rerun happens.)
run_tests() {
  local rc=0
  emu "$@" || rc=$?
  ((rc < 128)) && return "$rc"
  echo "arm64: the test run died of signal $((rc - 128)) under emulation; running it once more" >&2
  emu "$@"
}

publish_tests() {
  dotnet publish "tests/$1" -c Release -r linux-arm64 --self-contained -o "$out/$1" -nologo -clp:ErrorsOnly >/dev/null
}

step "publish the kernel tests for linux-arm64"
publish_tests Mote.Kernels.Tests
for cpu in "${cpus[@]}"; do
  step "kernel tests on $cpu (expecting features: ${features[$cpu]})"
  MOTE_EXPECT_FEATURES=${features[$cpu]} run_tests "$cpu" "$out/Mote.Kernels.Tests/Mote.Kernels.Tests" -trait- Category=Slow -noColor -noLogo
done
# The switch a board without dot product would get: the JIT must take it and the table must follow.
step "kernel table tests on cortex-a76 with DOTNET_EnableArm64Dp=0"
DOTNET_EnableArm64Dp=0 MOTE_EXPECT_FEATURES="neon v128" run_tests cortex-a76 "$out/Mote.Kernels.Tests/Mote.Kernels.Tests" \
  -class Mote.Kernels.Tests.KernelSetTests -noColor -noLogo

# The whole runtime suite runs on the Cortex-A76. Both CPUs get the same kernel table, so the Cortex-A72 runs the
# operators that call the kernels or the thread pool (where its lack of LSE atomics changes the JIT's code): a
# quarter of the suite, in half the time of the whole.
runtime_a72=(ConvTests ConvTransposeTests Col2ImDeformConvTests GemmMatMulTests PoolTests AttentionTests AttentionKernelTests
  UnaryOperatorTests TransposeTests QuantizationNodeTests Quantization.QuantizeLinearTests NeuralNetExecutionTests SessionTests)
if [[ "${1:-}" != "--quick" ]]; then
  step "publish the runtime tests for linux-arm64"
  publish_tests Mote.Runtime.Tests
  step "runtime tests on cortex-a72 (operators over kernels and threads: ${runtime_a72[*]})"
  run_tests cortex-a72 "$out/Mote.Runtime.Tests/Mote.Runtime.Tests" -trait- Category=Slow -noColor -noLogo \
    $(printf -- '-class Mote.Runtime.Tests.%s ' "${runtime_a72[@]}")
  step "runtime tests on cortex-a76 (all)"
  run_tests cortex-a76 "$out/Mote.Runtime.Tests/Mote.Runtime.Tests" -trait- Category=Slow -noColor -noLogo
fi

step "NativeAOT cross-compile of mote for linux-arm64; x64 mote for the reference outputs"
tools/scripts/publish.sh linux-arm64 "" "$out/mote" >/dev/null
dotnet build tools/Mote.Cli -c Release -nologo -clp:ErrorsOnly >/dev/null
x64_mote() { dotnet tools/Mote.Cli/bin/Release/net10.0/mote.dll "$@"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# name|onnx|run arguments (after the model)
models=(
  "mnist|$shared/mnist/mnist.onnx|--input Input3=$shared/mnist/mnist_28.png"
  "squeezenet|$shared/squeezenet1.0-fp16/SqueezeNet_fp16.onnx|--input data_0=$shared/squeezenet1.0-fp16/kitten_224.png --bgr --top 1 --labels $shared/squeezenet1.0-fp16/Labels.txt"
  "ultraface-slim|$shared/ultraface/version-slim-320.onnx|--input input=$shared/ultraface/imgs/1.jpg --mean 127 --std 128"
)
step "x64 reference outputs (JIT, this CPU's widest kernels)"
for entry in "${models[@]}"; do
  IFS='|' read -r name onnx args <<<"$entry"
  x64_mote convert "$onnx" -o "$work/$name.x64.mote" >/dev/null
  # shellcheck disable=SC2086 # args is a word list
  x64_mote run "$work/$name.x64.mote" $args --output-dir "$work/x64/$name" >/dev/null
done

for cpu in "${cpus[@]}"; do
  step "NativeAOT mote on $cpu"
  info=$(emu "$cpu" "$out/mote/mote" info --cpu --json)
  grep -q "\"features\": \"${features[$cpu]}\"" <<<"$info" || { echo "arm64: $cpu: expected features '${features[$cpu]}' in: $info" >&2; exit 1; }
  if [[ $cpu == cortex-a76 ]]; then
    # NativeAOT reads the switch through CpuFeatures.Detect, not the JIT.
    info=$(DOTNET_EnableArm64Dp=0 emu "$cpu" "$out/mote/mote" info --cpu --json)
    grep -q '"features": "neon v128"' <<<"$info" || { echo "arm64: $cpu: DOTNET_EnableArm64Dp=0 not honoured: $info" >&2; exit 1; }
  fi
  for entry in "${models[@]}"; do
    IFS='|' read -r name onnx args <<<"$entry"
    emu "$cpu" "$out/mote/mote" convert "$onnx" -o "$work/$name.$cpu.mote" >/dev/null
    cmp "$work/$name.x64.mote" "$work/$name.$cpu.mote" || { echo "arm64: $cpu: $name.mote differs from the x64 converter's" >&2; exit 1; }
    # shellcheck disable=SC2086
    run=$(emu "$cpu" "$out/mote/mote" run "$work/$name.$cpu.mote" $args --output-dir "$work/$cpu/$name")
    if [[ $name == squeezenet ]]; then
      grep -q tabby <<<"$run" || { echo "arm64: $cpu: SqueezeNet did not see a tabby: $run" >&2; exit 1; }
    fi
    python3 tools/scripts/compare-npy.py "$work/x64/$name" "$work/$cpu/$name" --tolerance 1e-4 --label "$cpu $name"
  done
done
step "done"
