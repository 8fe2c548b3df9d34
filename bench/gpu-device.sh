#!/usr/bin/env bash
# On a lent GPU machine: install, run the gpu.js contract + training tests in GPU mode, then a matmul benchmark
# per backend (prints which kernel class ran) and the "backends" benchmark workload. Short by design.
set -euo pipefail
bash .ci/gpu-setup.sh
npx pnpm@12.4.2 install --frozen-lockfile
export GQA_GPU=1 EGL_PLATFORM=surfaceless
npx vitest run packages/tensor/test/gpujs-webgpu.test.ts packages/tensor/test/gpujs-training.test.ts
npx tsx examples/02-backends.ts 256 512
# Workload "backends": matmul 128-512 and the tiny ViT step on cpu and each gpu.js mode, with the kernel class and
# GPU / CPU op counts per row (unavailable modes listed with their error). Results go to $OUT when the device
# runner sets it, else bench/results/device/ (not committed by default).
npx tsx bench/run.ts --only=backends --out="${OUT:-bench/results/device}"
