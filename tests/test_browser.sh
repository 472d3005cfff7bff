#!/bin/sh
# The staff pages in headless Chromium (issue 11): tests/browser/pages.mjs starts a cvd demo
# with a holdover and drives Chromium through playwright-core (package.json; npm ci at the
# top of the tree).  Screenshots go to tests/browser-shots/ in the build directory.  Skips
# (77) only when chromium, node or node_modules/playwright-core is absent.
set -u
src=${CVD_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$CHROMIUM" ]; then
  echo "SKIP: no chromium (Debian's package chromium; tools/install-deps installs it)"
  exit 77
fi
if ! command -v node >/dev/null 2>&1; then
  echo "SKIP: no node (Debian's package nodejs; tools/install-deps installs it)"
  exit 77
fi
if [ ! -d "$src/node_modules/playwright-core" ]; then
  echo "SKIP: no $src/node_modules/playwright-core (npm ci at the top of the tree; tools/install-deps runs it)"
  exit 77
fi
export CHROMIUM
exec node "$src/tests/browser/pages.mjs"
