#!/usr/bin/env bash
# On a GPU machine: the gpu.js contract + training tests in webgpu mode, a per-backend comparison, then the
# "backends" benchmark workload. Short by design.
# The lent device machine has no network: there, carry the kit from bench/device/build-kit.sh and this script
# runs bench/device/run-kit.sh (Dawn on Vulkan, else OpenGL; see bench/device/README.md). Elsewhere (a GPU
# machine with network) it installs and runs from the lockfile as below.
set -euo pipefail
if [ -f .devkit/node_modules.tar.xz ]; then exec bash bench/device/run-kit.sh; fi
bash .ci/gpu-setup.sh
npx pnpm@12.4.2 install --frozen-lockfile
export GQA_GPU=1 EGL_PLATFORM=surfaceless
npx vitest run packages/tensor/test/gpujs-webgpu.test.ts packages/tensor/test/gpujs-training.test.ts
npx tsx examples/02-backends.ts 256 512
# Workload "backends": matmul 128-512 and the tiny ViT step on cpu and each gpu.js mode, with the kernel class and
# GPU / CPU op counts per row (unavailable modes listed with their error). Results go to $OUT when the device
# runner sets it, else bench/results/device/ (not committed by default).
npx tsx bench/run.ts --only=backends --out="${OUT:-bench/results/device}"
