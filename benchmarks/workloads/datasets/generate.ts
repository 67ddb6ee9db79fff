// Writes the sample datasets of this folder (generated text, no user data):
//   npx tsx benchmarks/workloads/datasets/generate.ts
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { sampleConversations, sampleMooncakeTrace, sampleShareGpt } from '../../../src/load/datasets/samples.js'

const here = (name: string): string => fileURLToPath(new URL(name, import.meta.url))
writeFileSync(here('sharegpt-sample.json'), sampleShareGpt())
writeFileSync(here('conversations-sample.jsonl'), sampleConversations())
writeFileSync(here('mooncake-trace-sample.jsonl'), sampleMooncakeTrace())
