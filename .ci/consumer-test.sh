#!/usr/bin/env bash
# The packages as a user gets them (issue 15): build, `pnpm pack` every library package, install the tarballs
# with npm into a new project outside the repository, then (1) the README's library example and the worker
# pool under plain Node 20, (2) `tsc --noEmit` of a TypeScript consumer under moduleResolution nodenext and
# bundler, (3) the installed `gqa-lab` bin (--help, --version, a tiny train, uptrain and sweep), (4) a vite production bundle
# run in headless Chromium. Any failure fails.
#
# The install is `npm install --offline` of the five tarballs, from a fresh npm cache made for this run: their
# third-party dependencies (exact versions from the packed manifests, e.g. valibot) are added to that cache
# first with `npm cache add` (the one step that reaches the npm registry), so the install itself fetches
# nothing and an @gqa-lab package can come from nowhere but the tarballs. gpu.js / webgpu are optional peers
# and are not installed. The consumer's tools (tsc, vite, Playwright) are the repository's own (installed by
# the lockfile), run against the consumer's files.
# Needs `pnpm install` done and Debian's chromium (.ci/browser-setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
PNPM="npx --yes pnpm@12.4.2"

work=$(mktemp -d /tmp/gqa-lab-consumer.XXXXXX)
trap 'rm -rf "$work"' EXIT
packs="$work/packs"
project="$work/project"
mkdir -p "$packs" "$project"

$PNPM run build >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
for pkg in tensor autograd nn gqa vit; do
  (cd "packages/$pkg" && $PNPM pack --pack-destination "$packs" >/dev/null)
done
ls -l "$packs"

cp .ci/consumer/package.json.template "$project/package.json"
cp -r .ci/consumer/use-as-library.mjs .ci/consumer/pool-from-dist.mjs .ci/consumer/typed-consumer.ts \
  .ci/consumer/tsconfig.nodenext.json .ci/consumer/tsconfig.bundler.json .ci/consumer/browser "$project/"
export npm_config_cache="$work/npm-cache"
third_party=$(node -e '
  const { execFileSync } = require("node:child_process");
  const deps = new Set();
  for (const tgz of process.argv.slice(1)) {
    const manifest = JSON.parse(execFileSync("tar", ["-xzOf", tgz, "package/package.json"], { encoding: "utf8" }));
    for (const [name, version] of Object.entries(manifest.dependencies ?? {}))
      if (!name.startsWith("@gqa-lab/")) deps.add(`${name}@${version}`);
  }
  console.log([...deps].join(" "));
' "$packs"/*.tgz)
for spec in $third_party; do npm cache add "$spec" --loglevel=error; done
echo "consumer: third-party runtime dependencies: ${third_party:-none}"

cd "$project"
npm install --offline --no-audit --no-fund --loglevel=error "$packs"/*.tgz
if [ -e node_modules/gpu.js ] || [ -e node_modules/webgpu ] || [ -e node_modules/tsx ]; then
  echo "consumer: gpu.js, webgpu or tsx got installed; a library user must not get them" >&2
  exit 1
fi
echo "consumer: node_modules $(du -sk node_modules | cut -f1) KiB"

echo '--- (1) plain Node: the README example, and the worker pool from dist'
node use-as-library.mjs
GQA_THREADS=2 node pool-from-dist.mjs

echo '--- (2) tsc --noEmit under nodenext and bundler'
node "$repo/node_modules/typescript/bin/tsc" -p tsconfig.nodenext.json
node "$repo/node_modules/typescript/bin/tsc" -p tsconfig.bundler.json

echo '--- (3) the installed gqa-lab bin'
npx --offline gqa-lab --help
npx --offline gqa-lab --version
GQA_THREADS=2 npx --offline gqa-lab train --preset vit_micro_patch7_28 --train-limit 64 --test-limit 32 \
  --epochs 1 --batch-size 32 --out "$project/runs/tiny"
test -s "$project/runs/tiny/model.safetensors"
npx --offline gqa-lab uptrain --variants mha,gqa --pretrain-epochs 1 --epochs 1 --train-limit 64 --test-limit 32 \
  --out "$project/runs/uptrain"
test -s "$project/runs/uptrain/report.html"
# The sweep's local pool starts dist/sweep-pool-worker.js as its worker processes (no bullmq installed: the
# queue is an optional peer dependency).
echo '{"axes": {"variant": ["mha", "gqa"], "kvHeads": [2]}, "fixed": {"pretrainEpochs": 1, "trainLimit": 64, "testLimit": 32}}' \
  >"$project/grid.json"
npx --offline gqa-lab sweep --grid "$project/grid.json" --out "$project/runs/sweep" --workers 2
test -s "$project/runs/sweep/report.html"

echo '--- (4) vite bundle in headless Chromium'
cd "$repo"
node .ci/consumer/browser-run.mjs "$project"
echo 'consumer test: ok'
