/**
 * The gallery's network scenes (src-renderer/network/scenes.ts) are valid network scenarios as the
 * renderer sends them (toDoc), and the central-flow notebook scene trains exactly the cfjax
 * reference net: its data and initial parameters are the fixture's.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseNetworkScenario } from '../../src-shared/network/scenario'
import { NETWORK_SCENES } from '../../src-renderer/network/scenes'
import { DEFAULT_SCENARIO, toDoc } from '../../src-renderer/store/scenario'

const fixture = JSON.parse(readFileSync(new URL('../fixtures/networks/cfjax__gd__lr0.1.json', import.meta.url), 'utf8'))

describe('network scenes', () => {
  it.each(NETWORK_SCENES.map((s) => [s.id, s] as const))('%s is a valid network scenario with GD, sharpness and λ₂', (_id, scene) => {
    const doc = toDoc({
      ...DEFAULT_SCENARIO,
      landscape: { network: scene.network },
      optimizers: [{ name: 'sgd', lr: scene.lr, momentum: 0 }],
      steps: scene.steps,
      record: { every: 1, sharpness: true },
      extra: {},
    })
    expect(doc.init).toBeUndefined()
    const s = parseNetworkScenario(doc)
    expect(s.record).toMatchObject({ every: 1, sharpness: true, eigenvalues: 2 })
    expect(s.steps).toBe(scene.steps)
  })

  it('trains the cfjax reference net (same data and initial parameters)', () => {
    const scene = NETWORK_SCENES.find((s) => s.id === 'net_cfjax')!
    expect(scene.network).toEqual(fixture.landscape.network)
    expect(scene.lr).toBe(fixture.optimizer.lr)
    expect(scene.steps).toBe(fixture.steps)
  })
})
