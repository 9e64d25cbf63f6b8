#!/usr/bin/env bash
# Drives a published `mote` binary (no SDK needed) through convert, info, run and bench on real
# models, and checks that broken files fail with one line and a non-zero exit.
# Usage: tools/scripts/smoke.sh PATH/TO/mote
set -euo pipefail
mote=$(realpath "$1")
cd "$(dirname "$0")/../.."
shared=../shared/models
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$mote" info --cpu
"$mote" convert "$shared/squeezenet1.0-fp16/SqueezeNet_fp16.onnx" -o "$work/squeezenet.mote" >/dev/null
"$mote" info "$work/squeezenet.mote" >/dev/null
out=$("$mote" run "$work/squeezenet.mote" --input "data_0=$shared/squeezenet1.0-fp16/kitten_224.png" --bgr --top 1 \
  --labels "$shared/squeezenet1.0-fp16/Labels.txt")
echo "$out"
grep -q "tabby" <<<"$out" || { echo "smoke: SqueezeNet did not see a tabby" >&2; exit 1; }
"$mote" bench "$work/squeezenet.mote" --runs 3 --warmup 1 --min-seconds 0 --json >/dev/null

head -c 1000 "$work/squeezenet.mote" >"$work/broken.mote"
for cmd in "info $work/broken.mote" "run $work/broken.mote --random-inputs" "bench $work/broken.mote"; do
  if err=$("$mote" $cmd 2>&1 >/dev/null); then echo "smoke: '$cmd' succeeded on a broken file" >&2; exit 1; fi
  [[ $(wc -l <<<"$err") -eq 1 && "$err" == "mote: error: "* ]] || { echo "smoke: '$cmd' error was not one line: $err" >&2; exit 1; }
done
echo "smoke: ok ($(stat -c %s "$mote") bytes)"
