/** @vitest-environment node */
/**
 * The EoS view's words, derived from the selected run alone: the optimizer's name in the legends
 * (never "GD" for Adam or RMSprop), the threshold of that run, a readout without NaN at the ends,
 * and "not at the edge" for a run whose sharpness stays below its threshold. Also the note the
 * captions cite and the way the flow is drawn so GD stays visible on it.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { JobData } from '../../src-renderer/data/job-data'
import { notAtEdgeText, readoutText, runLabel, thresholdName } from '../../src-renderer/eos/labels'
import { eosModel } from '../../src-renderer/eos/model'
import { CENTRAL_FLOW_NOTE, citationFor, PAPERS, splitCitations } from '../../src-renderer/eos/notes'
import { FLOW_STYLE } from '../../src-renderer/scene/CentralFlows'
import { EOS_SCENES } from '../../src-shared/eos/scenes'

/** Two runs of 12 kept points: GD (lr 0.4) whose S crosses 2/η = 5 at point 6, and Adam (lr 0.1) with λ₁(P⁻¹H) ≈ 9 ≪ 380. */
function fakeJob(): JobData {
  const kept = 12
  const runs = [
    { optimizer: { name: 'sgd', lr: 0.4, momentum: 0, dampening: 0, nesterov: false }, init: [0, 0.1] as const },
    { optimizer: { name: 'adam', lr: 0.1, betas: [0.9, 0.999] }, init: [0, 0.1] as const },
  ]
  const n = runs.length * kept
  const xy = new Float32Array(2 * n),
    loss = new Float32Array(n),
    sharpness = new Float32Array(n),
    axis = new Float32Array(2 * n),
    pre = new Float32Array(n).fill(NaN)
  for (let k = 0; k < kept; k++) {
    xy[2 * k] = k
    xy[2 * k + 1] = k % 2 ? 1 : -1
    loss[k] = 1 / (k + 1)
    sharpness[k] = 4 + k * 0.2
    axis[2 * k + 1] = 1
    const a = kept + k
    xy[2 * a] = k
    xy[2 * a + 1] = 0
    loss[a] = 2 / (k + 1)
    sharpness[a] = 3
    axis[2 * a + 1] = 1
    pre[a] = 9
  }
  return {
    jobId: 1,
    runs,
    starts: 1,
    optimizers: 2,
    kept,
    every: 1,
    xy,
    loss,
    sharpness,
    axis,
    preconditioned: pre,
    hasSharpness: true,
    hasPreconditioned: true,
    gfsSharpness: new Float32Array(0),
    hasGfs: false,
    received: kept,
    done: true,
    divergedAt: new Int32Array([-1, -1]),
    seconds: 0,
    backend: null,
    flows: [],
    version: 1,
    shape: 1,
  }
}

describe('EoS labels follow the selected run', () => {
  it('names the optimizer: GD only for plain gradient descent', () => {
    expect(runLabel({ name: 'sgd', momentum: 0 })).toBe('GD')
    expect(runLabel({ name: 'sgd' })).toBe('GD')
    expect(runLabel({ name: 'sgd', momentum: 0.9 })).toBe('heavy ball')
    expect(runLabel({ name: 'sgd', momentum: 0.9, nesterov: true })).toBe('Nesterov')
    expect(runLabel({ name: 'adam' })).toBe('Adam')
    expect(runLabel({ name: 'rmsprop' })).toBe('RMSprop')
  })

  it('derives the threshold, the labels and the edge status from the run asked for', () => {
    const job = fakeJob()
    const gd = eosModel(job, 0, [])!
    const adam = eosModel(job, 1, [])!
    expect([gd.runLabel, thresholdName(gd), gd.threshold.kind === 'none' ? 0 : gd.threshold.value]).toEqual(['GD', '2/η', 5])
    expect(gd.onset).toBe(5) // S = 4 + 0.2k ≥ 5 first at k = 5
    expect(gd.edge).toBe('at-edge')
    expect(notAtEdgeText(gd)).toBeNull()
    expect(adam.runLabel).toBe('Adam')
    expect(adam.threshold.kind === 'preconditioned' && adam.threshold.value).toBeCloseTo(380, 9)
    expect(thresholdName(adam)).toBe('threshold')
    expect(adam.edge).toBe('below')
    expect(notAtEdgeText(adam)).toMatch(/^Not at the edge of stability: Adam's λ₁\(P⁻¹H\) stays below the threshold 380 \(at most 9\)/)
  })

  it('leaves values that do not exist out of the readout (no NaN at the last step)', () => {
    const m = eosModel(fakeJob(), 1, [])!
    const last = readoutText(m, m.n - 1)
    expect(last).not.toMatch(/NaN/)
    expect(last).toMatch(/^step 11 · Adam loss 0\.1667 · λ₁\(P⁻¹H\) 9$/)
    expect(readoutText(m, 5)).toMatch(/⟨x−x̄,u⟩ 0/)
  })
})

describe('the central-flow note and citations', () => {
  it('turns every scene caption\'s "§5 Lk" into a note section and papers by title', () => {
    for (const scene of [...EOS_SCENES.map((s) => s.caption), 'GD here is a short catapult (CENTRAL-FLOWS §5 L5).']) {
      const refs = splitCitations(scene).filter((p) => 'ref' in p) as Array<{ ref: string }>
      expect(refs.length, scene).toBeGreaterThan(0)
      for (const r of refs) {
        const c = citationFor(r.ref)!
        expect(c.section.id).toMatch(/^scene-l\d$/)
        expect(c.papers.length).toBeGreaterThan(0)
      }
    }
    expect(splitCitations('a catapult (CENTRAL-FLOWS §5 L5).')).toEqual([{ text: 'a catapult' }, { ref: '§5 L5' }, { text: '.' }])
    expect(citationFor('§5 L5')!.papers).toEqual([PAPERS.K])
  })

  it('is the same text as docs/central-flows.md', () => {
    const doc = readFileSync(new URL('../../docs/central-flows.md', import.meta.url), 'utf8')
    for (const s of CENTRAL_FLOW_NOTE) {
      expect(doc).toContain(`## ${s.title}`)
      for (const p of s.paragraphs) expect(doc).toContain(p)
    }
    for (const p of Object.values(PAPERS)) expect(doc).toContain(p.title)
  })
})

describe('the central flow in the 3-D view', () => {
  it('is a translucent band drawn before the trajectories, so GD stays visible on it', () => {
    expect(FLOW_STYLE.opacity).toBeLessThan(0.5)
    expect(FLOW_STYLE.width).toBeGreaterThan(2.2) // wider than the widest trajectory line
    expect(FLOW_STYLE.renderOrder).toBeLessThan(3) // trajectory lines are renderOrder 3
    expect(FLOW_STYLE.depthWrite).toBe(false)
  })
})
