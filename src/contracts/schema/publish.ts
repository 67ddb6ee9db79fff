/**
 * The published JSON Schemas (schemas/*.schema.json), generated from the zod schemas the code
 * validates with. `npm run schemas` rewrites them; test/report/baseline-schema.test.ts fails when the
 * committed files differ from what the code uses.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as z from 'zod'
import { baselineFileSchema } from './baseline-schema.js'
import { runResultsSchema } from './results-schema.js'

/** File name (in schemas/) → its text, JSON Schema draft 2020-12. */
export function publishedSchemas(): Record<string, string> {
  const text = (schema: z.ZodType) => `${JSON.stringify(z.toJSONSchema(schema, { target: 'draft-2020-12' }), null, 2)}\n`
  return { 'baseline.schema.json': text(baselineFileSchema), 'results.schema.json': text(runResultsSchema) }
}

/** Where the published schemas live: schemas/ at the package root. */
export const SCHEMAS_DIR = fileURLToPath(new URL('../../../schemas/', import.meta.url))

// `tsx src/contracts/schema/publish.ts` (npm run schemas) writes them.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [name, text] of Object.entries(publishedSchemas())) {
    await writeFile(join(SCHEMAS_DIR, name), text)
    console.log(`wrote schemas/${name}`)
  }
}
