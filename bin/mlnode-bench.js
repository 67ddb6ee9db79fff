#!/usr/bin/env node
// The package's command. `npm ci` / `npm install` build dist/ through the `prepare` script.
import { main } from '../dist/src/cli/main.js'

process.exitCode = await main(process.argv.slice(2))
