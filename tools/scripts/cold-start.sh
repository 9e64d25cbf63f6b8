#!/usr/bin/env bash
# Cold start of the NativeAOT `mote`: wall time from process start to the first result of
# `mote run` on a real model, median of N runs, plus the binary's size.
# Usage: tools/scripts/cold-start.sh [PATH/TO/mote] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
mote=${1:-out/mote/mote}; runs=${2:-21}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"$mote" convert ../shared/models/mnist/mnist.onnx -o "$work/mnist.mote" >/dev/null
"$mote" convert ../shared/models/squeezenet1.0-fp16/SqueezeNet_fp16.onnx -o "$work/squeezenet.mote" >/dev/null
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_runs() {
  for _ in $(seq "$runs"); do
    s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000 ))
  done | median
}
echo "binary: $(stat -c %s "$mote") bytes"
echo "mnist run (µs, median of $runs): $(time_runs "$mote" run "$work/mnist.mote" --random-inputs)"
echo "squeezenet run on the kitten png (µs, median of $runs): $(time_runs "$mote" run "$work/squeezenet.mote" --input "data_0=../shared/models/squeezenet1.0-fp16/kitten_224.png" --bgr)"
