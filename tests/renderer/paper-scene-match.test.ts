import { describe, expect, it } from 'vitest'
import { findPaperScene } from '../../src-shared/scenes/paper-scenes'
import { currentPaperScene } from '../../src-renderer/store/paper-scene-actions'
import type { Scenario } from '../../src-renderer/store/scenario'

const scene = findPaperScene('paper_ademamix_slow')!
const loaded: Scenario = {
  landscape: { expr: scene.expr },
  optimizers: scene.optimizers.map((o) => ({ ...o })),
  init: [-3, 1],
  steps: scene.steps,
  record: { every: 'auto', sharpness: false },
  noise: { std: 0, seed: 0 },
  extra: {},
}

describe('the scene a scenario still is (its caption stays up until it is edited)', () => {
  it('recognises the loaded scene, tuple hyperparameters included', () => {
    expect(currentPaperScene(loaded)?.id).toBe('paper_ademamix_slow')
  })

  it('drops it once what the caption describes is edited', () => {
    const betas = [0.9, 0.999, 0.999]
    expect(currentPaperScene({ ...loaded, optimizers: [loaded.optimizers[0], { ...loaded.optimizers[1], betas }] })).toBeNull()
    expect(currentPaperScene({ ...loaded, steps: 100 })).toBeNull()
    expect(currentPaperScene({ ...loaded, landscape: { expr: '0.5*(x^2 + 9*y^2)' } })).toBeNull()
    expect(currentPaperScene({ ...loaded, optimizers: loaded.optimizers.slice(1) })).toBeNull()
    expect(currentPaperScene({ ...loaded, extra: { precision: 'float32' } })).toBeNull()
  })
})
