#!/usr/bin/env bash
# Installs everything Datatrace needs, on a machine whose system Node may be 20.
#
# Hardhat 3 needs Node >= 22.13, and npm must itself run under Node 22: under
# Node 20 npm silently skips Hardhat's EDR binary (engines >= 22) and every
# hardhat command then fails with HHE27. The `node` devDependency then puts
# Node 22 first on the PATH of `npm test`, `npm run …` and `npx hardhat …`.
set -euo pipefail
cd "$(dirname "$0")/.."

# `npm ci`: installs exactly what package-lock.json lists (the lock lists the
# EDR platform packages of every platform, so npm ci accepts it) and never
# rewrites it, so `git status` stays clean. The dependencies whose install
# scripts we need are approved in package.json's `allowScripts` (esbuild,
# keccak, and node, whose preinstall fetches the Node 22 binary): npm 11 warns
# about any other install script, and npm 12 skips it. After a dependency
# change, review new ones with `npm install-scripts ls` and approve them with
# `npm install-scripts approve <pkg>`.
npx -y -p node@22 -- npm ci --no-audit --no-fund

# Headless Chromium for the web page's browser test (Debian's package).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium is missing: run 'sudo apt-get install -y chromium' so the browser test can run." >&2
  fi
fi
