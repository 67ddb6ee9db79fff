// What the tool writes and reads on disk and over the network, apart from rendering: atomic file
// writes, baseline and results files, git provenance, the GitHub PR comment. src/report renders.
export { writeFileAtomic } from './atomic-write.js'
export { readBaseline, loadBaseline, writeBaseline } from './baseline-file.js'
export { readRunResults } from './results-file.js'
export { collectProvenance, toolVersion } from './provenance.js'
export { upsertStickyComment } from './github-comment.js'
