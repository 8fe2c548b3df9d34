#!/usr/bin/env bash
# Debian's Chromium for the gpu.js WebGL test (pnpm test:browser: vitest browser mode, Playwright driving
# /usr/bin/chromium with ANGLE on SwiftShader, so WebGL runs on the CPU; no GPU, no X server, no browser
# download). Idempotent; retries while apt is busy.
set -euo pipefail
bash "$(dirname "$0")/apt-install.sh" browser-setup chromium
