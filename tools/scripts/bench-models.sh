#!/usr/bin/env bash
# Benchmarks every shared real model with `mote bench --vs-onnxruntime` at 1 and 2 threads and
# prints the Markdown table kept in docs/benchmarks.md.
# Usage: tools/scripts/bench-models.sh [PATH/TO/mote]   (default: out/mote/mote, published first if missing)
set -euo pipefail
cd "$(dirname "$0")/../.."
mote=${1:-out/mote/mote}
[[ -x "$mote" ]] || tools/scripts/publish.sh linux-x64 native "$(dirname "$mote")" >/dev/null
shared=../shared/models
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
models=(
  "SqueezeNet 1.0 fp16|$shared/squeezenet1.0-fp16/SqueezeNet_fp16.onnx"
  "MNIST|$shared/mnist/mnist.onnx"
  "UltraFace RFB-320|$shared/ultraface/version-RFB-320.onnx"
  "UltraFace slim-320|$shared/ultraface/version-slim-320.onnx"
  "FastestDet|$shared/fastestdet/FastestDet.onnx"
)
echo "| model | threads | Mote p50 ms | ONNX Runtime p50 ms | ratio (Mote/ORT) | Mote peak RSS MB | ORT peak RSS MB |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for entry in "${models[@]}"; do
  name=${entry%%|*}; onnx=${entry#*|}
  "$mote" convert "$onnx" -o "$work/m.mote" >/dev/null
  for t in 1 2; do
    json=$("$mote" bench "$work/m.mote" --threads "$t" --vs-onnxruntime "$onnx" --json --min-seconds 3)
    python3 - "$name" "$t" "$json" <<'PY'
import json, sys
name, t, j = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
o = j["onnxruntime"]
print(f"| {name} | {t} | {j['p50_ms']:.3f} | {o['p50_ms']:.3f} | {j['p50_ms']/o['p50_ms']:.2f} | {j['peak_rss_mb']:.0f} | {o['peak_rss_mb']:.0f} |")
PY
  done
done
