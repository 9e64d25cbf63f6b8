#!/usr/bin/env bash
# Cold start of the NativeAOT `mote` beside the same job done with ONNX Runtime (`ort-run`, from
# tools/Mote.Bench.OrtColdStart): wall time from process start to exit of one run that loads the model, runs it
# once and prints, median of N runs, plus the size on disk of what each needs to run.
# Usage: tools/scripts/cold-start.sh [PATH/TO/mote] [RUNS] [PATH/TO/ort-run]
#   ort-run is published NativeAOT into out/ort-run when the path given (or the default) does not exist.
set -euo pipefail
cd "$(dirname "$0")/../.."
mote=${1:-out/mote/mote}; runs=${2:-21}; ort=${3:-out/ort-run/ort-run}
if [[ ! -x "$ort" ]]; then
  args=(-c Release -r linux-x64 -o "$(dirname "$ort")" -nologo -clp:ErrorsOnly -p:IlcInstructionSet=native)
  command -v clang >/dev/null || args+=(-p:CppCompilerAndLinker=clang-14)  # as publish.sh: Debian ships clang-14 only
  dotnet publish tools/Mote.Bench.OrtColdStart "${args[@]}"
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
models=../shared/models
mnist=$models/mnist/mnist.onnx; squeeze=$models/squeezenet1.0-fp16
"$mote" convert "$mnist" -o "$work/mnist.mote" >/dev/null
"$mote" convert "$squeeze/SqueezeNet_fp16.onnx" -o "$work/squeezenet.mote" >/dev/null
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_runs() {
  for _ in $(seq "$runs"); do
    s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000 ))
  done | median
}
# Files a program needs beside it (ort-run: libonnxruntime.so …), without debug symbols and the Windows DLLs the ORT package also copies.
dir_bytes() { find "$(dirname "$1")" -maxdepth 1 -type f ! -name '*.dbg' ! -name '*.pdb' ! -name '*.dll' -printf '%s\n' | awk '{s+=$1} END {print s}'; }
image=(--bgr --top 5 --labels "$squeeze/Labels.txt")
echo "mote binary: $(stat -c %s "$mote") bytes (needs nothing else to run a model)"
echo "ort-run binary: $(stat -c %s "$ort") bytes; with the files beside it (libonnxruntime.so …): $(dir_bytes "$ort") bytes"
echo "mnist, random input (µs, median of $runs): mote $(time_runs "$mote" run "$work/mnist.mote" --random-inputs)," \
  "ort-run $(time_runs "$ort" "$mnist" --random-inputs)"
echo "squeezenet on the kitten png, top 5 (µs, median of $runs): mote $(time_runs "$mote" run "$work/squeezenet.mote" --input "data_0=$squeeze/kitten_224.png" "${image[@]}")," \
  "ort-run $(time_runs "$ort" "$squeeze/SqueezeNet_fp16.onnx" --input "data_0=$squeeze/kitten_224.png" "${image[@]}")"
