#!/usr/bin/env bash
# On a lent GPU machine: install, run the gpu.js contract + training tests in GPU mode, then a matmul benchmark
# per backend (prints which kernel class ran). Short by design.
set -euo pipefail
bash .ci/gpu-setup.sh
npx pnpm@12.4.2 install --frozen-lockfile
export GQA_GPU=1 EGL_PLATFORM=surfaceless
npx vitest run packages/tensor/test/gpujs-webgpu.test.ts packages/tensor/test/gpujs-training.test.ts
npx tsx examples/02-backends.ts 256 512
