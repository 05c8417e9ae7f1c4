/** @vitest-environment node */
/**
 * The renderer's pure pieces: slider scales, the scenario document round trip, undo/redo with
 * coalesced gestures, the shared height map, contours and the loss-chart spec.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { lossChart } from '../../src-renderer/charts/loss-chart'
import { fromPosition, scaleFor, STEPS, toPosition } from '../../src-renderer/panels/scales'
import { contourLevels, marchingSquares } from '../../src-renderer/scene/contours'
import { heightMap, niceTicks, prefersLog, sampleAt } from '../../src-renderer/scene/height'
import {
  autoEvery,
  DEFAULT_SCENARIO,
  formatNumber,
  fromDoc,
  MAX_KEPT_PER_RUN,
  POINT_BUDGET,
  startCount,
  toDoc,
} from '../../src-renderer/store/scenario'
import { beginGesture, editScenario, endGesture, initialUiState, redo, undo, useUi } from '../../src-renderer/store/ui-store'
import type { Surface } from '../../src-shared/api'

describe('hyperparameter slider scales', () => {
  it.each([
    ['sgd', 'lr', 1e-3, [1e-5, 1e-3, 0.1, 10]],
    ['sgd', 'momentum', 0, [0, 0.5, 0.9, 0.99, 0.9999]],
    ['adam', 'betas[1]', 0.999, [0, 0.9, 0.999, 0.999999]],
    ['adam', 'weight_decay', 0, [0, 1e-6, 1e-3, 1]],
    ['asgd', 'alpha', 0.75, [0, 0.75, 2]],
  ] as const)('%s.%s maps values to positions and back', (opt, name, dflt, values) => {
    const scale = scaleFor(opt, name, dflt)
    let last = -1
    for (const v of values) {
      const p = toPosition(scale, v)
      expect(p).toBeGreaterThanOrEqual(0)
      expect(p).toBeLessThanOrEqual(STEPS)
      expect(p).toBeGreaterThan(last) // monotone
      last = p
      const back = fromPosition(scale, p)
      expect(Math.abs(back - v)).toBeLessThanOrEqual(Math.max(Math.abs(v) * 0.02, 1e-12))
    }
  })

  it('puts exact zero at the left end of zero-able scales and 1 − v sliders', () => {
    expect(fromPosition(scaleFor('sgd', 'weight_decay', 0), 0)).toBe(0)
    expect(fromPosition(scaleFor('sgd', 'momentum', 0), 0)).toBe(0)
    expect(fromPosition(scaleFor('sgd', 'momentum', 0), STEPS)).toBeCloseTo(0.9999, 10)
  })
})

describe('scenario document', () => {
  it('keeps the drawn points within the budget', () => {
    for (const [steps, runs] of [
      [300, 48],
      [10_000, 1],
      [5000, 16384],
      [1, 4],
    ] as const) {
      const every = autoEvery(steps, runs)
      const kept = Math.floor(steps / every) + 1
      expect(kept).toBeLessThanOrEqual(MAX_KEPT_PER_RUN)
      expect(kept * runs).toBeLessThanOrEqual(Math.max(POINT_BUDGET, 2 * runs))
    }
  })

  it('round-trips through the document the host runs, automatic `every` included', () => {
    const doc = toDoc(DEFAULT_SCENARIO)
    expect(doc).toMatchObject({ landscape: { preset: 'himmelblau' }, steps: 300, record: { every: 1 } })
    expect(doc).not.toHaveProperty('noise')
    expect(fromDoc(JSON.parse(JSON.stringify(doc)))).toEqual(DEFAULT_SCENARIO)
  })

  it('reads a single `optimizer`, passes precision / central_flow through, drops unknown fields', () => {
    const s = fromDoc({
      landscape: { expr: 'x^2+y^2' },
      optimizer: { name: 'adam' },
      init: [1, 2],
      steps: 10,
      precision: 'float32',
      central_flow: true,
      color: 'red',
    })
    expect(s.optimizers).toEqual([{ name: 'adam' }])
    expect(s.extra).toEqual({ precision: 'float32', central_flow: true })
    expect(toDoc(s)).toMatchObject({ precision: 'float32', central_flow: true, optimizers: [{ name: 'adam' }] })
    expect(toDoc(s)).not.toHaveProperty('color')
    expect(startCount(s.init)).toBe(1)
    expect(startCount({ grid: { x: [0, 1], y: [0, 1], n: [3, 4] } })).toBe(12)
  })

  it('formats numbers compactly', () => {
    expect(formatNumber(0.001)).toBe('0.001')
    expect(formatNumber(1e-8)).toBe('1e-8')
    expect(formatNumber(123456)).toBe('1.23e5')
    expect(formatNumber(0.9999, 4)).toBe('0.9999')
  })
})

describe('undo / redo', () => {
  beforeEach(() => {
    useUi.setState(initialUiState, true)
    endGesture()
  })
  const steps = () => useUi.getState().scenario.steps

  it('undoes and redoes each edit', () => {
    editScenario((s) => ({ ...s, steps: 10 }))
    editScenario((s) => ({ ...s, steps: 20 }))
    undo()
    expect(steps()).toBe(10)
    undo()
    expect(steps()).toBe(300)
    redo()
    redo()
    expect(steps()).toBe(20)
  })

  it('merges a whole slider gesture into one step, however slow', async () => {
    beginGesture('hp:0:lr')
    for (const lr of [0.02, 0.03, 0.04]) {
      editScenario((s) => ({ ...s, optimizers: [{ ...s.optimizers[0], lr }, ...s.optimizers.slice(1)] }), 'hp:0:lr')
      await new Promise((r) => setTimeout(r, 5))
    }
    endGesture()
    expect(useUi.getState().past).toHaveLength(1)
    undo()
    expect(useUi.getState().scenario.optimizers[0].lr).toBe(0.01)
  })

  it('a new edit clears the redo stack', () => {
    editScenario((s) => ({ ...s, steps: 10 }))
    undo()
    editScenario((s) => ({ ...s, steps: 30 }))
    expect(useUi.getState().future).toHaveLength(0)
  })
})

function surface(f: (x: number, y: number) => number, n = 33, x: [number, number] = [-2, 2], y: [number, number] = [-1, 3]): Surface {
  const values = new Float32Array(n * n)
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) values[j * n + i] = f(x[0] + ((x[1] - x[0]) * i) / (n - 1), y[0] + ((y[1] - y[0]) * j) / (n - 1))
  const sorted = Array.from(values).sort((a, b) => a - b)
  return {
    x,
    y,
    n: [n, n],
    values,
    min: sorted[0],
    max: sorted[sorted.length - 1],
    lo: sorted[Math.floor(0.01 * (sorted.length - 1))],
    hi: sorted[Math.floor(0.99 * (sorted.length - 1))],
  }
}

describe('height map, ticks, contours', () => {
  const rosenbrock = surface((x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2)
  const bowl = surface((x, y) => x * x + y * y)

  it('picks log height for landscapes spanning orders of magnitude', () => {
    expect(prefersLog(rosenbrock)).toBe(true)
    expect(prefersLog(bowl)).toBe(false)
    expect(heightMap(rosenbrock, 'auto').log).toBe(true)
    expect(heightMap(rosenbrock, 'linear').log).toBe(false)
  })

  it('maps the minimum to 0, the 99th percentile to 1, and compresses beyond', () => {
    for (const hm of [heightMap(rosenbrock, 'log'), heightMap(bowl, 'linear')]) {
      expect(hm.u(hm.min)).toBeCloseTo(0, 9)
      expect(hm.u(hm.hi)).toBeCloseTo(1, 9)
      expect(hm.u(hm.hi * 1e6)).toBeLessThan(1.13)
      expect(hm.u(hm.min - 5)).toBe(0)
      expect(Number.isNaN(hm.u(NaN))).toBe(true)
      expect(hm.u(hm.inverse(0.4))).toBeCloseTo(0.4, 9)
    }
  })

  it('samples bilinearly and gives nice ticks', () => {
    expect(sampleAt(bowl, 0, 1)).toBeCloseTo(1, 1)
    expect(Number.isNaN(sampleAt(bowl, 5, 0))).toBe(true)
    expect(niceTicks(-5, 5, 5)).toEqual([-4, -2, 0, 2, 4])
    expect(niceTicks(-1, 3, 4)).toEqual([-1, 0, 1, 2, 3])
  })

  it('traces closed contours of a bowl at the right radius', () => {
    const hm = heightMap(bowl, 'linear')
    const u = Float32Array.from(bowl.values, (v) => hm.u(v))
    const level = contourLevels(8)[2]
    const seg = marchingSquares(u, 33, 33, [level])
    expect(seg.count).toBeGreaterThan(20)
    const r = Math.sqrt(hm.inverse(level))
    for (let k = 0; k < seg.count; k++) {
      const gx = seg.coords[4 * k],
        gy = seg.coords[4 * k + 1]
      const x = -2 + (4 * gx) / 32,
        y = -1 + (4 * gy) / 32
      expect(Math.abs(Math.hypot(x, y) - r)).toBeLessThan(0.08)
    }
  })
})

describe('loss chart spec', () => {
  const data = (loss: number[], runs: number, kept: number) => ({
    loss: Float32Array.from(loss),
    runs,
    starts: runs,
    kept,
    received: kept,
    every: 2,
  })

  it('uses a log scale for non-negative losses and caps diverging runs', () => {
    const s = lossChart(data([100, 10, 1, 0, 100, 1e30, Infinity, NaN], 2, 4), { width: 300, height: 160, colors: ['#fff'], hidden: [] })
    expect(s.log).toBe(true)
    expect(s.y[1]).toBeLessThanOrEqual(3) // a decade above the highest start, not 1e30
    expect(s.x).toEqual([0, 6])
    expect(s.runs).toHaveLength(2)
    expect(s.medians).toHaveLength(1)
  })

  it('falls back to linear when a loss is negative, and leaves hidden optimizers out', () => {
    const s = lossChart(data([1, -1, -2, 3, 2, 1], 2, 3), { width: 300, height: 160, colors: ['#fff'], hidden: [] })
    expect(s.log).toBe(false)
    expect(lossChart(data([1, 2], 1, 2), { width: 300, height: 160, colors: ['#fff'], hidden: [0] }).empty).toBe(true)
  })
})
