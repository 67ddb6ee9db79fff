#!/usr/bin/env bash
# The e2e tests again under Vitest 5 on Node 24, both from the npm registry: a scratch copy of
# this checkout installed from the same lock file, then `npm i --no-save vitest@5 node@24`, after
# which npx runs Node 24 (the `node` package's binary comes first on npx's PATH).
# `npm test` runs them under Vitest 4.1 on the system Node (20).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The working tree as it is (committed or not), without node_modules and outputs.
(cd "$repo" && git ls-files -z --cached --others --exclude-standard) | (cd "$repo" && xargs -0 tar -cf - --ignore-failed-read 2>/dev/null) | tar -xf - -C "$work"
cd "$work"
# A repository of its own: results record the commit they measured (provenance).
git init -q && git add -A && git -c user.name=ci -c user.email=ci@localhost commit -qm "vitest5 e2e snapshot"
npm ci --no-audit --no-fund --loglevel=error
npm i --no-save --no-audit --no-fund --loglevel=error vitest@5 node@24
echo "vitest5 e2e: $(npx vitest --version) on node $(npx node --version)"
# The package (src, reporters) compiles against Vitest 5's types too.
npx tsc -p tsconfig.build.json --noEmit
# vitest-majors installs its own scratch projects for both majors: run once, by `npm test`.
# The browser test renders the HTML report in Chromium and runs no Vitest of its own: once is enough.
npx vitest run e2e.test --maxWorkers=2 --exclude '**/vitest-majors.e2e.test.ts' --exclude '**/browser.e2e.test.ts'
# And the main job, as README's "Quick start" under Vitest 5.
npx vitest bench --run
