#!/usr/bin/env bash
# Regenerates docs/architecture/img/*.png from the LikeC4 model (npm run arch:render).
# Needs a Chromium from the system's packages (Debian: apt-get install -y chromium); nothing is
# downloaded. Rendering is deterministic: the same model on the same machine gives the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
# likec4 needs Node >= 22: the project's own Node (the `node` devDependency) when run directly.
export PATH="$PWD/node_modules/.bin:$PATH"

model=docs/architecture
out=$model/img
chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
if [[ ! -x $chromium ]]; then
  echo "render-architecture: no Chromium at $chromium: install it (apt-get install -y chromium) or set CHROMIUM_PATH" >&2
  exit 3
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Playwright must never fetch a browser; the preload points it at $chromium.
# --seq draws dynamic views (the run) as sequence diagrams; --no-use-dot lays out with the
# bundled Graphviz (wasm), the same everywhere; TZ and LANG pin what a page could vary on.
env CHROMIUM_PATH="$chromium" PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 TZ=UTC LANG=C.UTF-8 \
  node --import ./scripts/architecture/use-system-chromium.mjs node_modules/likec4/bin/likec4.mjs \
  export png "$model" --output "$tmp" --flat --seq --no-use-dot --theme light --max-attempts 2 --timeout 60

mkdir -p "$out"
rm -f "$out"/*.png
cp "$tmp"/*.png "$out"/
# What npm run arch:check compares, so that CI notices a model changed without new diagrams.
node scripts/check-architecture.mjs --model "$model" --digest >"$out/model.sha256"
ls -1 "$out"
