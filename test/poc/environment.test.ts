/** A real MLNode's environment, read best effort over HTTP: driver, vLLM version, model revision, GPU names. */
import { expect, it, onTestFinished } from 'vitest'
import { readNodeEnvironment } from '../../src/mlnode/environment.js'
import { sequence, startFakeMlnode } from '../mlnode/fake-mlnode.js'

it('records what the routes tell and leaves out what they do not', async () => {
  const node = await startFakeMlnode({
    'GET /api/v1/gpu/driver': sequence([200, { driver_version: '570.124.06', cuda_driver_version: '12.8', nvml_version: '12.570.124.06' }]),
    'POST /api/v1/models/status': sequence([200, { model: { hf_repo: 'Qwen/QwQ-32B', hf_commit: '0123456789abcdef0123456789abcdef01234567' }, status: 'DOWNLOADED', progress: null, error_message: null }]),
    'GET /version': sequence([200, { version: '0.9.1' }]),
  })
  onTestFinished(() => node.close())
  const env = await readNodeEnvironment({ mgmtUrl: node.url, inferenceUrl: node.url, model: 'Qwen/QwQ-32B', gpus: ['NVIDIA H100 80GB HBM3', 'NVIDIA H100 80GB HBM3'] })
  expect(env).toEqual({ gpus: ['NVIDIA H100 80GB HBM3', 'NVIDIA H100 80GB HBM3'], driverVersion: '570.124.06', cudaDriverVersion: '12.8', vllmVersion: '0.9.1', modelCommit: '0123456789abcdef0123456789abcdef01234567' })

  const bare = await startFakeMlnode({ 'GET /api/v1/gpu/driver': sequence([503, { detail: 'NVML not initialized' }]) })
  onTestFinished(() => bare.close())
  expect(await readNodeEnvironment({ mgmtUrl: bare.url, inferenceUrl: bare.url, model: 'm', gpus: [] })).toEqual({})
})
