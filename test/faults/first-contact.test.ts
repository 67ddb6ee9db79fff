/**
 * The first-contact bound (src/mlnode/switch.ts FirstContact) against real loopback sockets, on
 * a fake clock: an MLNode that answered once and then went away is still waited for (a restart),
 * past the bound, up to the deploy deadline.
 */
import { expect, it } from 'vitest'
import { NodeSwitch, type FirstContact } from '../../src/mlnode/switch.js'
import { json, setup } from '../mlnode/fake-mlnode.js'

const gpu = { available: true, count: 8, devices: [] }

it('a node that answered once and went away (refusing) is waited for past the first-contact bound', async () => {
  let t = 0
  const { fake, client } = await setup({ 'GET /health': (_req, res) => json(res, 200, { status: 'healthy', gpu, managers: {} }) })
  const contact: FirstContact = { reached: false, deadlineAt: 5_000, boundS: 5 }
  const options = { now: () => t, sleep: async (ms: number) => void (t += ms), deadlineAt: 600_000, label: '[m v]', pollIntervalMs: 1_000, contact }
  await new NodeSwitch(client, options).healthy()
  expect(contact.reached).toBe(true)
  // The container goes away, and comes back 60 s (fake) later: longer than the 5 s bound.
  await fake.close()
  let polls = 0
  const waited = new NodeSwitch(client, {
    ...options,
    sleep: async (ms) => {
      t += ms
      if (++polls === 60) await fake.reopen()
    },
  }).healthy()
  await expect(waited).resolves.toMatchObject({ httpStatus: 200 })
  expect(t).toBeGreaterThanOrEqual(60_000)
})

it('a node that never answered fails at the bound, naming its URL', async () => {
  let t = 0
  const { fake, client } = await setup({})
  await fake.close()
  const contact: FirstContact = { reached: false, deadlineAt: 5_000, boundS: 5 }
  const failed = new NodeSwitch(client, { now: () => t, sleep: async (ms) => void (t += ms), deadlineAt: 600_000, label: '[m v]', pollIntervalMs: 1_000, contact }).healthy()
  await expect(failed).rejects.toMatchObject({ code: 'MLNB_MLNODE_REFUSED', message: expect.stringMatching(new RegExp(`127\\.0\\.0\\.1:${fake.port} refused every connection since the run began \\(5 s\\): is MLNODE_URL right`)) })
  expect(t).toBe(5_000)
})
