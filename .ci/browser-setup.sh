#!/usr/bin/env bash
# Debian's Chromium for the gpu.js WebGL test (pnpm test:browser: vitest browser mode, Playwright driving
# /usr/bin/chromium with ANGLE on SwiftShader, so WebGL runs on the CPU; no GPU, no X server, no browser
# download). Idempotent; retries while apt is busy.
set -euo pipefail
pkgs=(chromium)
if dpkg -s "${pkgs[@]}" >/dev/null 2>&1 && [ -x /usr/bin/chromium ]; then exit 0; fi
for attempt in 1 2 3 4 5 6; do
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}"; then
    exit 0
  fi
  echo "browser-setup: apt busy or failed (attempt $attempt), retrying in 10 s" >&2
  sleep 10
done
exit 1
