#!/usr/bin/env bash
# Builds the device kit (ignored folders .devkit/ and .gl/, listed in .git/info/exclude, never committed) that
# bench/device/run-kit.sh unpacks on a bare GPU machine with no network (see bench/device/README.md):
#   .devkit/node.xz               this machine's Node (>= 20, x86-64), stripped, for a machine without one
#   .devkit/node_modules.tar.xz   the node_modules closure of vitest + tsx + gpu.js + webgpu (Dawn, linux-x64 only)
#                                 + benny + the workspace links (bench/device/nm-closure.ts), symlinks kept
#   .gl/*.deb                     Vulkan / EGL / GL loaders (the device README's recipe)
# Run from anywhere in the repo after `pnpm install`; needs node, strip, xz, tar, apt-get. About 2 minutes.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
[ "$(uname -m)" = x86_64 ] || { echo "build-kit: the device is x86-64; build the kit on an x86-64 machine" >&2; exit 1; }
exclude=$(git rev-parse --git-path info/exclude)
for p in /.devkit/ /.gl/; do grep -qxF "$p" "$exclude" || echo "$p" >>"$exclude"; done
mkdir -p .devkit

node_bin=$(readlink -f "$(command -v node)")
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 20 ] || { echo "build-kit: node $major found, the repo needs >= 20" >&2; exit 1; }
if [ ! -f .devkit/node.xz ] || [ "$node_bin" -nt .devkit/node.xz ]; then
  strip -o .devkit/node "$node_bin"
  xz -9 -T0 -f .devkit/node
fi

npx tsx bench/device/nm-closure.ts >.devkit/closure.txt
# Only linux-x64 Dawn, no gpu.js browser bundles, no type declarations or source maps: unused at run time.
tar -cf - --exclude='webgpu/dist/darwin-*' --exclude='webgpu/dist/win32-*' --exclude='webgpu/dist/linux-arm64' \
  --exclude='gpu.js/dist' --exclude='*.d.ts' --exclude='*.d.mts' --exclude='*.d.cts' --exclude='*.map' \
  -T .devkit/closure.txt | xz -9 -T0 >.devkit/node_modules.tar.xz

if ! ls .gl/*.deb >/dev/null 2>&1; then
  mkdir -p .gl /tmp/amd64/partial
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  # shellcheck disable=SC2086 # $o is a list of options
  apt-get $o update
  # shellcheck disable=SC2086
  (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
fi

rm -f .devkit/node
du -sh .devkit/* .gl
echo "tracked tree: $(git ls-files -z | du -ch --files0-from=- 2>/dev/null | tail -1 | cut -f1); carry: .devkit .gl"
