#!/usr/bin/env bash
# Opt-in extra (not part of the normal install): builds gpu.js's optional native dependency `gl` (headless-gl,
# WebGL1 through ANGLE) so the gpu.js backend's `headlessgl` mode can run; see shared/design/gpu.md recipe A.
# The normal install never builds it (pnpm-workspace.yaml `allowBuilds: gl: false`) and this script changes
# neither the lockfile nor that setting: it compiles the already-installed package in place with the node-gyp
# that pnpm installed next to it, against the headers of the running Node (no download). Idempotent: a second
# run with the addon present only checks the apt packages. Run the tests under `xvfb-run -a` (X at run time).
set -euo pipefail
cd "$(dirname "$0")/.."

# Build: compiler, python for gyp, X headers ANGLE's GLX backend compiles against. Run time: Xvfb + xauth for
# xvfb-run, libGL + Mesa's DRI drivers (llvmpipe renders when there is no GPU).
pkgs=(build-essential python3 pkg-config libx11-dev libxext-dev libxi-dev libgl1-mesa-dev
  libgl1 libgl1-mesa-dri xvfb xauth)
bash .ci/apt-install.sh headlessgl-setup "${pkgs[@]}"

# The gl that @gqa-lab/tensor's gpu.js loads (pnpm keeps one copy per peer-dependency variant; build that one).
gl_dir="$(cd packages/tensor && node -e '
  const path = require("node:path");
  const fs = require("node:fs");
  const gpujs = path.dirname(require.resolve("gpu.js/package.json"));
  console.log(fs.realpathSync(path.dirname(require.resolve("gl/package.json", { paths: [gpujs] }))));
')" || {
  echo "headlessgl-setup: cannot resolve gpu.js -> gl from packages/tensor (run pnpm install first)" >&2
  exit 1
}
addon="$gl_dir/build/Release/webgl.node"
if [ -f "$addon" ]; then
  echo "headlessgl-setup: $addon already built"
  exit 0
fi

# gl depends on node-gyp (pinned by the lockfile), so pnpm installed it for gl; no npx download needed.
node_gyp="$(cd "$gl_dir" && node -p 'require("node:path").join(require("node:path").dirname(require.resolve("node-gyp/package.json")), "bin/node-gyp.js")')"
# The running Node's own headers (Debian / NodeSource: /usr/include/node; official tarballs: <prefix>/include/node).
node_prefix="$(dirname "$(dirname "$(command -v node)")")"
if [ ! -f "$node_prefix/include/node/common.gypi" ]; then
  echo "headlessgl-setup: no Node headers at $node_prefix/include/node (node-gyp would try to download them)" >&2
  exit 1
fi

start=$(date +%s)
echo "headlessgl-setup: building $gl_dir with $(node "$node_gyp" --version) (-j $(nproc))"
# ANGLE's sources print thousands of warning lines: keep them in a log, show its end only on failure.
log="$(mktemp -t headlessgl-build.XXXXXX.log)"
if ! (cd "$gl_dir" && node "$node_gyp" rebuild --nodedir="$node_prefix" -j "$(nproc)") >"$log" 2>&1; then
  tail -n 60 "$log" >&2
  echo "headlessgl-setup: node-gyp rebuild of $gl_dir failed after $(($(date +%s) - start)) s (full log: $log)" >&2
  exit 1
fi
rm -f "$log"
echo "headlessgl-setup: built $addon in $(($(date +%s) - start)) s"
