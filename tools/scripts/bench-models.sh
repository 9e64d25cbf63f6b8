#!/usr/bin/env bash
# Benchmarks every shared real model with `mote bench --vs-onnxruntime` at 1 and 2 threads and
# prints the Markdown table kept in docs/benchmarks.md.
# Usage: tools/scripts/bench-models.sh [PATH/TO/mote]   (default: out/mote/mote, published first if missing)
set -euo pipefail
cd "$(dirname "$0")/../.."
mote=${1:-out/mote/mote}
[[ -x "$mote" ]] || tools/scripts/publish.sh linux-x64 native "$(dirname "$mote")" >/dev/null
shared=../shared/models
cache=.cache/models
tools/scripts/fetch-models.sh >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Silero's inputs as .npy: one 576-sample window (64 of context + 512), zero state, sample rate 16000.
python3 - "$work" <<'PY'
import math, struct, sys
def npy(path, descr, shape, fmt, values):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    header += ' ' * (64 - 10 - len(header) - 1) + '\n'
    with open(path, 'wb') as f:
        f.write(b'\x93NUMPY\x01\x00' + struct.pack('<H', len(header)) + header.encode() + struct.pack('<%d%s' % (len(values), fmt), *values))
npy(sys.argv[1] + '/sr.npy', '<i8', '()', 'q', [16000])
npy(sys.argv[1] + '/audio.npy', '<f4', '(1, 576)', 'f', [0.1 * math.sin(i * 0.07) for i in range(576)])
npy(sys.argv[1] + '/state.npy', '<f4', '(2, 1, 128)', 'f', [0.0] * 256)
PY
ocr=$cache/ocr-models/assets
hw="--dim p2o.DynamicDimension.0=1 --dim p2o.DynamicDimension.1"
# name|ONNX file|input options (symbolic sizes, fixed inputs; the rest is random)
models=(
  "SqueezeNet 1.0 fp16|$shared/squeezenet1.0-fp16/SqueezeNet_fp16.onnx|"
  "MNIST|$shared/mnist/mnist.onnx|"
  "UltraFace RFB-320|$shared/ultraface/version-RFB-320.onnx|"
  "UltraFace slim-320|$shared/ultraface/version-slim-320.onnx|"
  "FastestDet|$shared/fastestdet/FastestDet.onnx|"
  "MiniLM, seq 128|$cache/minilm/model.onnx|--dim batch=1 --dim sequence=128"
  "Silero VAD v6, 512+64 samples|$cache/silero-vad/silero_vad.onnx|--input sr=$work/sr.npy --input input=$work/audio.npy --input state=$work/state.npy"
  "PP-OCRv4 det, 640×640|$ocr/ch_PP-OCRv4_det_infer.onnx|$hw=640 --dim p2o.DynamicDimension.2=640"
  "PP-OCRv4 rec, 48×320|$ocr/ch_PP-OCRv4_rec_infer.onnx|$hw=320"
  "PP-OCR v2 cls, 48×192|$ocr/ch_ppocr_mobile_v2.0_cls_infer.onnx|$hw=48 --dim p2o.DynamicDimension.2=192"
)
echo "| model | threads | Mote p50 ms | ONNX Runtime p50 ms | ratio (Mote/ORT) | Mote peak RSS MB | ORT peak RSS MB |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for entry in "${models[@]}"; do
  IFS='|' read -r name onnx args <<<"$entry"
  "$mote" convert "$onnx" -o "$work/m.mote" >/dev/null
  for t in 1 2; do
    json=$("$mote" bench "$work/m.mote" --threads "$t" --vs-onnxruntime "$onnx" --json --min-seconds 3 $args)
    python3 - "$name" "$t" "$json" <<'PY'
import json, sys
name, t, j = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
o = j["onnxruntime"]
print(f"| {name} | {t} | {j['p50_ms']:.3f} | {o['p50_ms']:.3f} | {j['p50_ms']/o['p50_ms']:.2f} | {j['peak_rss_mb']:.0f} | {o['peak_rss_mb']:.0f} |")
PY
  done
done
