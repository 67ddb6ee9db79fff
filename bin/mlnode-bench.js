#!/usr/bin/env node
// The package's command. The packed package runs dist/ (built by `prepack`); a clone without a
// build runs the TypeScript sources through tsx, its dev dependency, so they are never stale.
let main
try {
  ;({ main } = await import(new URL('../dist/src/cli/main.js', import.meta.url).href))
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/src/cli/main.js')) throw error
  const tsx = await import('tsx/esm/api').catch(() => undefined)
  if (tsx === undefined) {
    console.error('mlnode-bench: the command is not built (no dist/) and tsx is not installed: run `npm run build`')
    process.exit(1)
  }
  tsx.register()
  ;({ main } = await import(new URL('../src/cli/main.ts', import.meta.url).href))
}
process.exitCode = await main(process.argv.slice(2))
