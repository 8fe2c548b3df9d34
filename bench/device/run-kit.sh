#!/usr/bin/env bash
# On the lent GPU machine (bare, no network), in the repo root, with .devkit and .gl carried (build-kit.sh):
# Node (the machine's if >= 20, else the carried one), node_modules, the Vulkan / EGL loaders; then
#   1. probe: the gpu.js webgpu backend on Dawn's vulkan, else opengl, else opengles backend (adapter printed)
#   2. the gpu.js contract + training vitest files in webgpu mode on that backend (GQA_GPU=1: no skipping)
#   3. bench/device/check.ts: every GPU kernel vs the CPU backend at GPU sizes, PASS / FAIL
#   4. the "backends" workload (bench/device/backends.ts) -> $OUT/backends.json, backends.md
# Each step is time-boxed (probe 45 s per backend, vitest 120, check 90, bench 150; worst case about 8 min,
# expected 1-2); the last line says which steps failed; exit 1 if any did.
# Usage: set -o pipefail; bash bench/device/run-kit.sh 2>&1 | tee $OUT/log.txt
set -uo pipefail
OUT=${OUT:-/tmp/devkit-out}
mkdir -p "$OUT"
KIT=.devkit
BIN=/tmp/devkit-bin
failed=()
step() { echo; echo "=== $* [$(date +%T), ${SECONDS}s]"; }
fail() { echo "*** FAILED: $1"; failed+=("$1"); }

# xz may be missing there; Python's lzma / tarfile (python3 is on the image) do the same.
unxz_to() {
  if command -v xz >/dev/null; then xz -dc "$1" >"$2"
  else python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; fi
}
untar_xz() {
  if command -v xz >/dev/null; then tar -xJf "$1"
  else python3 -c '
import sys, tarfile
t = tarfile.open(sys.argv[1])
try: t.extractall(".", filter="fully_trusted")  # Python >= 3.12 warns without a filter
except TypeError: t.extractall(".")' "$1"; fi
}

step "machine"
uname -a; nproc; command -v xz python3 tar dpkg || true
nvidia-smi >"$OUT/nvidia-smi.txt" 2>&1 || echo "(nvidia-smi failed)" >>"$OUT/nvidia-smi.txt"
cat "$OUT/nvidia-smi.txt"

step "node"
if command -v node >/dev/null && [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -ge 20 ]; then
  echo "using the machine's $(command -v node) $(node --version)"
else
  mkdir -p "$BIN" && unxz_to "$KIT/node.xz" "$BIN/node" && chmod +x "$BIN/node" || { fail node; exit 1; }
  export PATH="$BIN:$PATH"
  echo "using the carried node: $(node --version)"
fi

step "node_modules"
untar_xz "$KIT/node_modules.tar.xz" || { fail node_modules; exit 1; }
du -sh node_modules/.pnpm

step "GL / Vulkan loaders"
# GL_ROOT=/ on the device (the device README's recipe); a local simulation unpacks elsewhere.
if ls .gl/*.deb >/dev/null 2>&1; then
  for f in .gl/*.deb; do dpkg -x "$f" "${GL_ROOT:-/}"; done
  ldconfig
fi
nv=/usr/local/nvidia/share
[ -f $nv/vulkan/icd.d/nvidia_icd.json ] && export VK_DRIVER_FILES=$nv/vulkan/icd.d/nvidia_icd.json
[ -f $nv/glvnd/egl_vendor.d/10_nvidia.json ] && export __EGL_VENDOR_LIBRARY_FILENAMES=$nv/glvnd/egl_vendor.d/10_nvidia.json
export EGL_PLATFORM=${EGL_PLATFORM:-surfaceless}
ldconfig -p | grep -E 'libvulkan|libEGL|libGLESv2' || true
echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-} __EGL_VENDOR_LIBRARY_FILENAMES=${__EGL_VENDOR_LIBRARY_FILENAMES:-}"

step "probe Dawn backends (${GQA_DAWN_TRY:=vulkan opengl opengles})"
chosen=''
for b in $GQA_DAWN_TRY; do
  if GQA_DAWN_BACKEND=$b timeout 45 node --import tsx bench/device/probe.ts 2>&1 | grep -v '^Warning: max'; then
    chosen=$b
    break
  fi
done
if [ -z "$chosen" ]; then fail "probe (no Dawn backend started)"; echo "steps failed: ${failed[*]}"; exit 1; fi
export GQA_DAWN_BACKEND=$chosen
echo "using GQA_DAWN_BACKEND=$chosen"

step "vitest: gpujs-webgpu + gpujs-training on GQA_DAWN_BACKEND=$chosen"
GQA_GPU=1 timeout 120 node node_modules/vitest/vitest.mjs run \
  packages/tensor/test/gpujs-webgpu.test.ts packages/tensor/test/gpujs-training.test.ts \
  --reporter=default --reporter=junit --outputFile.junit="$OUT/vitest-junit.xml" 2>&1 |
  grep -v '^Warning: max' || fail vitest

step "check: GPU kernels vs CPU at GPU sizes"
timeout 90 node --import tsx bench/device/check.ts 2>&1 | grep -v '^Warning: max' || fail check

step "bench: workload backends"
timeout 150 node --import tsx bench/device/backends.ts "$OUT" 2>&1 | grep -v '^Warning: max' || fail bench

step "done"
ls -la "$OUT"
if [ ${#failed[@]} -gt 0 ]; then echo "steps failed: ${failed[*]}"; exit 1; fi
echo "all steps passed (Dawn $chosen)"
