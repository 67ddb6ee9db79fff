// The contracts every layer shares, at the bottom of the tree: request records and workload
// metrics (records.ts), workload specs (workload.ts), results and run files (results.ts), the
// metric registry (figures.ts), and the zod schemas that check results.json and baseline.json
// (schema/, published as schemas/*.schema.json). Nothing here does I/O.
export type * from './records.js'
export type * from './workload.js'
export type * from './results.js'
export { FIGURES, figure, isFigureKey } from './figures.js'
export type { FigureDef } from './figures.js'
export type * from './baseline.js'
