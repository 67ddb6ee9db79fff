/**
 * The embedded simulator knows only the models of the performance model's catalog
 * (src/model/models.ts). A suite naming another model would deploy, "fail" with a simulated vLLM
 * exit and suggest a logCommand; this says what is wrong at collection instead.
 */
import { MlnodeBenchError } from '../errors.js'
import { getModelSpec, listModelSpecs } from '../model/index.js'
import { editDistance } from '../text/closest.js'

/** @throws MlnodeBenchError MLNB_SIM naming the model, the close known ones and the ways out. */
export function assertSimulatorKnowsModel(model: string, source: string): void {
  try {
    getModelSpec(model)
    return
  } catch {
    // Not catalogued: explained below.
  }
  const known = listModelSpecs().map((m) => m.id)
  // Closest first by the name after the organisation (`QwQ-32B` in `Qwen/QwQ-32B`).
  const base = (id: string): string => id.slice(id.lastIndexOf('/') + 1)
  const close = [...known].sort((a, b) => editDistance(base(model), base(a)) - editDistance(base(model), base(b))).slice(0, 3)
  throw new MlnodeBenchError(
    'MLNB_SIM',
    `${source}: field "model" = ${JSON.stringify(model)}: the embedded simulator does not know this model (closest known: ${close.join(', ')}; all ${known.length}: ${known.join(', ')}). The simulator takes only catalogued models; ` +
      'for another model run the suite against a real MLNode (MLNODE_URL), or predict it from its Hugging Face config.json with `mlnode-bench predict --model ./config.json`.',
    { details: { file: source, field: 'model', value: model, closest: close } },
  )
}
