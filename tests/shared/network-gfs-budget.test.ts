/**
 * The worst-case cost bound on a network's GFS sharpness (src-shared/network/gfs-budget.ts): the
 * scenario parser refuses with its message, and the renderer asks the same question before it
 * offers the toggle, so the two cannot disagree.
 */
import { describe, expect, it } from 'vitest'
import {
  GFS_MAX_GRADIENTS,
  gfsBudgetProblem,
  gfsSolvesAllowed,
  MAX_GFS_EVALUATIONS,
  MAX_GFS_WORK,
} from '../../src-shared/network/gfs-budget'
import { parseNetworkScenario } from '../../src-shared/network/scenario'
import { ScenarioError } from '../../src-shared/scenario'

const moons = (steps: number, eigenEvery?: number) => ({
  landscape: {
    network: {
      layers: [2, 16, 1],
      activation: 'tanh',
      loss: 'mse',
      data: { dataset: 'moons', n: 64, noise: 0.1, seed: 0 },
      init: { scheme: 'lecun_normal', seed: 0 },
    },
  },
  optimizer: { name: 'sgd', lr: 0.24 },
  steps,
  record: { every: 1, sharpness: true, gfs_sharpness: true, ...(eigenEvery ? { eigen_every: eigenEvery } : {}) },
})

describe('network GFS work bound', () => {
  it('allows the solves the work bound buys: 180 on the 65-parameter, 64-example moons net, 13 on the 433-parameter reference net', () => {
    expect(gfsSolvesAllowed(64, 65)).toBe(180)
    expect(gfsSolvesAllowed(128, 433)).toBe(13)
    expect(180 * GFS_MAX_GRADIENTS * 64 * 65).toBeLessThanOrEqual(MAX_GFS_WORK)
    expect(181 * GFS_MAX_GRADIENTS * 64 * 65).toBeGreaterThan(MAX_GFS_WORK)
  })

  it('the parser refuses exactly what gfsBudgetProblem names, with its message', () => {
    const q = { runs: 1, examples: 64, parameters: 65 }
    for (const [steps, eigenEvery] of [
      [300, 1],
      [179, 1],
      [180, 1],
      [300, 2],
      [4000, 1],
    ]) {
      const problem = gfsBudgetProblem({ ...q, steps, eigenEvery })
      const parse = () => parseNetworkScenario(moons(steps, eigenEvery))
      if (problem === null) expect(parse).not.toThrow()
      else {
        expect(parse).toThrow(ScenarioError)
        expect(parse).toThrow(problem)
      }
    }
    expect(gfsBudgetProblem({ ...q, steps: 179, eigenEvery: 1 })).toBeNull() // 180 solves
    expect(gfsBudgetProblem({ ...q, steps: 180, eigenEvery: 1 })).toMatch(/181 gradient-flow solves .* allow at most 180 solves/)
    expect(gfsBudgetProblem({ runs: 3, steps: 1000, eigenEvery: 1, examples: 1, parameters: 1 })).toMatch(
      new RegExp(`3003 gradient-flow solves, more than ${MAX_GFS_EVALUATIONS}`),
    )
  })
})
