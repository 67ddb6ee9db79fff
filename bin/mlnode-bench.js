#!/usr/bin/env node
// The package's command: dist/ is in the packed package (`prepack`); in a clone, `npm run build`.
const entry = new URL('../dist/src/cli/main.js', import.meta.url)
let main
try {
  ;({ main } = await import(entry.href))
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/src/cli/main.js')) throw error
  console.error('mlnode-bench: the command is not built (no dist/): run `npm run build` in this clone')
  process.exit(1)
}
process.exitCode = await main(process.argv.slice(2))
