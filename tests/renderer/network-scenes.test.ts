/**
 * The gallery's network scenes (src-renderer/network/scenes.ts) are valid network scenarios as the
 * renderer sends them (toDoc); the central-flow notebook and Chebyshev scenes train exactly the
 * reference nets (data and initial parameters are the fixtures'), and the engine's first step with
 * ηS ≥ 2 on them is the reference's; the learning-rate ensemble's caption says what the engine computes.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { simulateNetwork } from '../../src-main/engine/network/simulate'
import { parseNetworkScenario } from '../../src-shared/network/scenario'
import { findOptimizer } from '../../src-shared/optim'
import { NETWORK_SCENES, type NetworkScene } from '../../src-renderer/network/scenes'
import { DEFAULT_SCENARIO, toDoc } from '../../src-renderer/store/scenario'

const load = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/networks/${name}`, import.meta.url), 'utf8'))
const fixture = load('cfjax__gd__lr0.1.json')
const chebyshev = load('chebyshev4__gd__lr0.13.json')

/** The scene as loadNetworkScene sends it (an ensemble is one lr sweep). */
const sceneDoc = (scene: NetworkScene, steps = scene.steps, lr = scene.lr, lrs: readonly number[] | null = scene.lrs ?? null) =>
  toDoc({
    ...DEFAULT_SCENARIO,
    landscape: { network: scene.network },
    optimizers: [{ name: 'sgd', lr, momentum: 0, ...(lrs ? { sweep: { lr: { values: [...lrs] } } } : {}) }],
    steps,
    record: { every: 1, sharpness: true },
    extra: {},
  })

/** ηS per step of GD at `lr` on the scene's net over `steps` steps (the engine's float64 path). */
function lrSharpness(scene: NetworkScene, lr: number, steps: number): number[] {
  const s = parseNetworkScenario(sceneDoc(scene, steps, lr, null))
  const tr = simulateNetwork(s.network, findOptimizer('sgd')!, s.optimizers[0].configs[0], steps, { ...s.record, eigenvalues: 0 })
  return Array.from({ length: steps + 1 }, (_, k) => lr * tr.eigenvalues![k])
}

const firstAtEdge = (v: number[]) => v.findIndex((x) => x >= 2)

describe('network scenes', () => {
  it.each(NETWORK_SCENES.map((s) => [s.id, s] as const))('%s is a valid network scenario with GD, sharpness and λ₂', (_id, scene) => {
    const doc = sceneDoc(scene)
    expect(doc.init).toBeUndefined()
    const s = parseNetworkScenario(doc)
    expect(s.record).toMatchObject({ every: 1, sharpness: true, eigenvalues: 2 })
    expect(s.steps).toBe(scene.steps)
    expect(s.optimizers[0].configs.map((h) => h.lr)).toEqual(scene.lrs ?? [scene.lr])
    expect(scene.look.length).toBeGreaterThan(20)
  })

  it('trains the cfjax reference net (same data and initial parameters)', () => {
    const scene = NETWORK_SCENES.find((s) => s.id === 'net_cfjax')!
    expect(scene.network).toEqual(fixture.landscape.network)
    expect(scene.lr).toBe(fixture.optimizer.lr)
    expect(scene.steps).toBe(fixture.steps)
  })

  it('first reaches ηS ≥ 2 on the cfjax net at the reference’s step', () => {
    const scene = NETWORK_SCENES.find((s) => s.id === 'net_cfjax')!
    const expected = fixture.edge_of_stability.first_step_lr_sharpness_ge_2
    expect(expected).toBe(333)
    // Well inside the deterministic window (deterministic_until = 437).
    expect(fixture.deterministic_until).toBeGreaterThan(expected + 10)
    expect(firstAtEdge(lrSharpness(scene, scene.lr, expected + 5))).toBe(expected)
  })

  it('trains the Chebyshev reference net and first reaches ηS ≥ 2 at the reference’s step', () => {
    const scene = NETWORK_SCENES.find((s) => s.id === 'net_chebyshev')!
    expect(scene.network).toEqual(chebyshev.landscape.network)
    expect(scene.lr).toBe(chebyshev.optimizer.lr)
    const expected = chebyshev.edge_of_stability.first_step_lr_sharpness_ge_2
    expect(expected).toBe(225)
    expect(firstAtEdge(lrSharpness(scene, scene.lr, expected + 5))).toBe(expected)
  })

  it('the learning-rate ensemble: the larger η, the sooner ηS reaches 2, as its caption says', () => {
    const scene = NETWORK_SCENES.find((s) => s.id === 'net_lr_ensemble')!
    expect(scene.network).toBe(NETWORK_SCENES.find((s) => s.id === 'net_chebyshev')!.network)
    expect(scene.lrs).toEqual([0.06, 0.08, 0.1, 0.13])
    // η = 0.13 is the Chebyshev reference (step 225, checked above); the others from the engine.
    const at01 = lrSharpness(scene, 0.1, scene.steps)
    expect(firstAtEdge(at01)).toBe(1457)
    for (const lr of [0.08, 0.06]) expect(Math.max(...lrSharpness(scene, lr, scene.steps))).toBeLessThan(2)
    expect(scene.caption).toContain('η = 0.13 reaches ηS = 2 at step 225, η = 0.1 only at step 1457')
  }, 60_000)
})
