#!/usr/bin/env bash
# Runtime libraries for the gpu.js webgpu path (Dawn on OpenGL via EGL surfaceless on Mesa's llvmpipe; see
# shared/design/gpu.md recipe B). No native build, no X server. Then run GPU tests with GQA_GPU=1 so an
# unavailable GPU mode fails instead of skipping.
set -euo pipefail
pkgs=(libegl1 libegl-mesa0 libgl1-mesa-dri)
if dpkg -s "${pkgs[@]}" >/dev/null 2>&1; then exit 0; fi
for attempt in 1 2 3 4 5 6; do
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}"; then
    exit 0
  fi
  echo "gpu-setup: apt busy or failed (attempt $attempt), retrying in 10 s" >&2
  sleep 10
done
exit 1
