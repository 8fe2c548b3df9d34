#!/usr/bin/env bash
# Runtime libraries for the gpu.js webgpu path (Dawn on OpenGL via EGL surfaceless on Mesa's llvmpipe; see
# shared/design/gpu.md recipe B). No native build, no X server. Then run GPU tests with GQA_GPU=1 so an
# unavailable GPU mode fails instead of skipping.
set -euo pipefail
bash "$(dirname "$0")/apt-install.sh" gpu-setup libegl1 libegl-mesa0 libgl1-mesa-dri
