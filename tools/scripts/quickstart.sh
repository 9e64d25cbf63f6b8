#!/usr/bin/env bash
# Builds the NativeAOT `mote` binary for this CPU, converts SqueezeNet (fp16) from ../shared and
# classifies the kitten photo, printing the top-5 ImageNet labels.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
models=../shared/models/squeezenet1.0-fp16
tools/scripts/setup.sh
tools/scripts/publish.sh linux-x64 native out/mote
out/mote/mote convert "$models/SqueezeNet_fp16.onnx" -o out/squeezenet.mote
out/mote/mote run out/squeezenet.mote --input "data_0=$models/kitten_224.png" --bgr --top 5 --labels "$models/Labels.txt"
