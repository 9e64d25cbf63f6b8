#!/usr/bin/env bash
# Converts the real CNN models at fp32, fp16 and int8 (calibrated on real photos) and MiniLM at int8-dynamic, exports
# the int8 models back to ONNX (`mote export`), and prints the reduced-precision table of docs/benchmarks.md: file
# sizes, the converter's accuracy figure, Mote fp32 and int8 p50, and ONNX Runtime's p50 on the same int8 model.
# Usage: tools/scripts/bench-precision.sh [PATH/TO/mote]   (default: out/mote/mote, published first if missing)
set -euo pipefail
cd "$(dirname "$0")/../.."
mote=${1:-out/mote/mote}
[[ -x "$mote" ]] || tools/scripts/publish.sh linux-x64 native "$(dirname "$mote")" >/dev/null
shared=../shared/models
cache=.cache/models
tools/scripts/fetch-models.sh >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Calibration photos: SqueezeNet the shared photos and Debian's skimage/darknet ones; the detectors their own.
mkdir -p "$work/photos" "$work/fastestdet"
cp ../shared/data/images/*.{png,jpg,jpeg} $shared/squeezenet1.0-fp16/*.png "$cache"/photos/*.jpg \
  "$cache"/images/{astronaut,chelsea,coffee}.png "$work/photos/"
cp $shared/fastestdet/*.jpg "$work/fastestdet/"
# name|ONNX file|int8 options (calibration folder and its preprocessing)|bench options
models=(
  "SqueezeNet 1.0 fp16|$shared/squeezenet1.0-fp16/SqueezeNet_fp16.onnx|--calibration $work/photos --bgr|"
  "UltraFace RFB-320|$shared/ultraface/version-RFB-320.onnx|--calibration $shared/ultraface/imgs --mean 127 --std 128|"
  "UltraFace slim-320|$shared/ultraface/version-slim-320.onnx|--calibration $shared/ultraface/imgs --mean 127 --std 128|"
  "FastestDet|$shared/fastestdet/FastestDet.onnx|--calibration $work/fastestdet --bgr --scale 0.00392156862|"
  "MiniLM, seq 128 (int8-dynamic)|$cache/minilm/model.onnx|--dim batch=1 --dim sequence=128|--dim batch=1 --dim sequence=128"
)
size() { stat -c %s "$1"; }
p50() {
  "$mote" bench "$@" --json --min-seconds 3 | python3 -c '
import json, sys
j = json.load(sys.stdin)
o = j.get("onnxruntime")
print("%.2f" % j["p50_ms"], "%.2f" % o["p50_ms"] if o else "-")'
}
# The accuracy line of a conversion: the first output's min cosine and, for a classifier, its top-1 agreement.
accuracy() { awk -F'│' '/accuracy against/ {on = 1} on && $3 ~ /^ *[0-9]+ *$/ {gsub(/ /, "", $6); gsub(/ /, "", $7); print $6 ($7 == "-" ? "" : "; top-1 " $7); exit}'; }
echo "| model | fp32 file | fp16 file (ratio) | int8 file (ratio) | int8 accuracy (min cosine of output 1) | threads | Mote fp32 ms | Mote int8 ms | ORT int8 ms (same model) |"
echo "|---|---:|---:|---:|---|---:|---:|---:|---:|"
for entry in "${models[@]}"; do
  IFS='|' read -r name onnx q8 args <<<"$entry"
  precision=int8
  [[ $name == *dynamic* ]] && precision=int8-dynamic
  "$mote" convert "$onnx" -o "$work/f32.mote" >/dev/null
  "$mote" convert "$onnx" -o "$work/f16.mote" --precision fp16 $args >/dev/null
  acc=$("$mote" convert "$onnx" -o "$work/q8.mote" --precision $precision $q8 --report-layers 0 | accuracy)
  # Without --calibration the report runs on one random sample (for MiniLM, token ids 0 and 1): say so.
  [[ $q8 == *--calibration* ]] || acc="$acc (one random sample)"
  f32=$(size "$work/f32.mote"); f16=$(size "$work/f16.mote"); q=$(size "$work/q8.mote")
  ort=""
  if "$mote" export "$work/q8.mote" -o "$work/q8.onnx" >/dev/null 2>&1; then ort="--vs-onnxruntime $work/q8.onnx"; fi
  for t in 1 2; do
    read -r mf _ < <(p50 "$work/f32.mote" --threads "$t" $args)
    read -r mq oq < <(p50 "$work/q8.mote" --threads "$t" $ort $args)
    python3 - "$name" "$t" "$f32" "$f16" "$q" "$acc" "$mf" "$mq" "$oq" <<'PY'
import sys
name, t, f32, f16, q, acc, mf, mq, oq = sys.argv[1:]
mb = lambda b: f"{int(b) / 1e6:.2f} MB"
files = f"{mb(f32)} | {mb(f16)} ({int(f16) / int(f32):.3f}) | {mb(q)} ({int(q) / int(f32):.3f}) | {acc}" if t == "1" else "| | |"
print(f"| {name if t == '1' else ''} | {files} | {t} | {mf} | {mq} | {oq} |")
PY
  done
done
