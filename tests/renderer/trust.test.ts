/** @vitest-environment node */
/**
 * Issue 16, "never change what the user set without saying so" and "inspection": the renderer
 * logic behind each bullet (the page-level checks are in tests/e2e/trust.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { hostInfo } from '../../src-main/host/host'
import type { Validation } from '../../src-shared/api'
import { OPTIMIZER_COLORS, START_RING_COLOR } from '../../src-renderer/scene/palette'
import { startMarkerStyle } from '../../src-renderer/scene/Trajectories'
import { choosePreset, newOptimizerNote, setExpression } from '../../src-renderer/store/actions'
import { DEFAULT_SCENARIO, newOptimizer, type OptimizerEntry } from '../../src-renderer/store/scenario'
import { initialUiState, undo, useUi } from '../../src-renderer/store/ui-store'
import { expressionCommitter } from '../../src-renderer/ui/expression-commit'
import { fineDragValue } from '../../src-renderer/ui/fine-drag'
import { distinctLabels, median, shownLabels, summarize } from '../../src-renderer/ui/legend-summary'
import { lrAdvice } from '../../src-renderer/ui/LrSuggestion'
import { fitRegionToStarts, startsOutside } from '../../src-renderer/ui/region-fit'
import { scaleFor, toPosition } from '../../src-renderer/panels/scales'
import { describeRunPoint, nearestRunPoint } from '../../src-renderer/scene/pick'
import { keptPointAt } from '../../src-renderer/charts/chart-hover'

const info = hostInfo('web', 'test')
const preset = (id: string) => info.presets.find((p) => p.id === id)!
const lrs = () => useUi.getState().scenario.optimizers.map((o) => o.lr)

beforeEach(() => useUi.setState({ ...initialUiState, info }))

describe('switching preset keeps what the user set', () => {
  it("leaves every optimizer's lr exactly as typed, there and back", () => {
    useUi.setState({
      scenario: {
        ...DEFAULT_SCENARIO,
        optimizers: [
          { name: 'sgd', lr: 0.0123 },
          { name: 'adam', lr: 0.037 },
        ],
      },
    })
    choosePreset('booth')
    expect(useUi.getState().scenario.landscape).toEqual({ preset: 'booth' })
    expect(lrs()).toEqual([0.0123, 0.037])
    choosePreset('himmelblau')
    expect(lrs()).toEqual([0.0123, 0.037])
    undo()
    expect(useUi.getState().scenario.landscape).toEqual({ preset: 'booth' })
  })

  it("offers the preset's suggested rate visibly instead, and names it when it is in use", () => {
    const booth = preset('booth')
    const adv = lrAdvice('sgd', 0.0123, 1e-3, booth)
    expect(adv).toEqual({ kind: 'offer', suggested: booth.suggested.sgd_lr, landscape: booth.title })
    expect(lrAdvice('sgd', booth.suggested.sgd_lr, 1e-3, booth)).toMatchObject({ kind: 'note' })
    expect(lrAdvice('sgd', 0.5, 1e-3, undefined)).toBeNull() // a custom formula suggests nothing
  })

  it("says why a new optimizer's lr is not torch's default", () => {
    const adam = info.optimizers.find((o) => o.name === 'adam')!
    const added = newOptimizer(adam, preset('himmelblau'))
    expect(added.lr).not.toBe(1e-3)
    expect(newOptimizerNote(adam, added, 'Himmelblau')).toMatch(/suggested for Himmelblau \(torch's default is 0\.001/)
    expect(newOptimizerNote(adam, { name: 'adam', lr: 1e-3 }, undefined)).toMatch(/torch's default lr = 0\.001/)
  })
})

describe('a typed expression commits on a pause, Enter or blur', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })
  const validate = async (t: string): Promise<Validation> =>
    /\^\^|\+\s*$|^\s*$/.test(t) ? { ok: false, problem: { field: 'landscape.expr', message: 'bad' } } : { ok: true }

  it('never commits the valid prefixes typed on the way, and commits the final text once', async () => {
    const commits: string[] = []
    const c = expressionCommitter({ validate, commit: (t) => commits.push(t), onResult: () => undefined, pauseMs: 500 })
    for (const t of ['x', 'x^', 'x^^', 'x^^2', 'x^^2 +', 'x^2 +', 'x^2 + y']) {
      c.input(t)
      await vi.advanceTimersByTimeAsync(80) // typing: 80 ms between keys
    }
    expect(commits).toEqual([])
    await vi.advanceTimersByTimeAsync(600)
    expect(commits).toEqual(['x^2 + y'])
  })

  it('commits at once on Enter, also when the validation is still running', async () => {
    const commits: string[] = []
    const c = expressionCommitter({ validate, commit: (t) => commits.push(t), onResult: () => undefined, pauseMs: 5000 })
    c.input('x^2')
    c.flush()
    await vi.advanceTimersByTimeAsync(0)
    expect(commits).toEqual(['x^2'])
    c.input('x^^2')
    await vi.advanceTimersByTimeAsync(0)
    c.flush()
    await vi.advanceTimersByTimeAsync(6000)
    expect(commits).toEqual(['x^2']) // an invalid text is never committed
  })

  it('makes each committed expression one undo step', () => {
    setExpression('x^2 + y^2')
    setExpression('x^2 + 2*y^2')
    expect(useUi.getState().past).toHaveLength(2)
    undo()
    expect(useUi.getState().scenario.landscape).toEqual({ expr: 'x^2 + y^2' })
  })
})

describe('start points outside the region are said, and fitted on request', () => {
  it('counts explicit starts outside, and names a cloud that reaches out', () => {
    const region = { x: [-1, 7] as const, y: [-1, 7] as const }
    expect(
      startsOutside(
        [
          [0, 0],
          [9, 0],
          [-3, 2],
        ],
        region,
      ),
    ).toEqual({ outside: true, text: '2 of 3 start points outside the drawn region' })
    expect(startsOutside({ random: { x: [-1.5, 1.5], y: [0, 1], count: 10, seed: 1 } }, region).outside).toBe(true)
    expect(startsOutside([0, 0], region).outside).toBe(false)
  })

  it('grows the region to hold them with a margin, never shrinking it', () => {
    const r = fitRegionToStarts(
      [
        [0, 0],
        [9, 0],
      ],
      { x: [-1, 7], y: [-1, 7] },
    )
    expect(r.x[0]).toBe(-1)
    expect(r.x[1]).toBeGreaterThan(9)
    expect(r.y).toEqual([-1, 7])
    expect(
      startsOutside(
        [
          [0, 0],
          [9, 0],
        ],
        r,
      ).outside,
    ).toBe(false)
  })
})

describe('the legend', () => {
  const fakeJob = (finals: number[][], kept = 2) => {
    const starts = finals[0].length
    const loss = new Float32Array(finals.length * starts * kept)
    finals.forEach((row, o) =>
      row.forEach((v, s) => {
        const r = o * starts + s
        loss[r * kept] = 100 + r
        loss[r * kept + kept - 1] = v
      }),
    )
    return { starts, optimizers: finals.length, received: kept, kept, loss, divergedAt: null }
  }

  it('prints the true median over an even count (the mean of the two middle runs)', () => {
    expect(median([8, 1, 4, 2])).toBe(3)
    expect(median([3, 1, 2])).toBe(2)
    expect(summarize(fakeJob([[1, 2, 4, 8]]), 0)?.median).toBe(3)
  })

  it('prints the loss at the playhead as well as the final one', () => {
    const j = fakeJob([[1, 2]])
    expect(summarize(j, 0, 0)?.median).toBe(100.5)
    expect(summarize(j, 0)?.median).toBe(1.5)
  })

  it('labels what ran, not the value the engine refused', () => {
    const ran: OptimizerEntry = { name: 'sgd', lr: 0.01 }
    const job = { starts: 1, optimizers: 1, runs: [{ optimizer: ran, init: [0, 0] as const }] }
    expect(shownLabels(job, [{ name: 'sgd', lr: -1 }], info)).toEqual(['SGD lr=0.01'])
  })

  it('gives duplicate optimizers distinct names', () => {
    expect(distinctLabels(['Adam lr=0.1', 'SGD lr=0.01', 'Adam lr=0.1'])).toEqual(['Adam lr=0.1 (1)', 'SGD lr=0.01', 'Adam lr=0.1 (2)'])
  })
})

describe('the look of the runs', () => {
  const hex = (h: string) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16) / 255)
  const lin = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
  const lab = (h: string) => {
    const [r, g, b] = hex(h).map(lin)
    const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116)
    const X = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047),
      Y = f(0.2126 * r + 0.7152 * g + 0.0722 * b),
      Z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883)
    return [116 * Y - 16, 500 * (X - Y), 200 * (Y - Z)]
  }
  const dE = (a: string, b: string) => Math.hypot(...lab(a).map((v, i) => v - lab(b)[i]))

  it('gives every optimizer a colour distinct from the others and from the white start rings', () => {
    for (let i = 0; i < OPTIMIZER_COLORS.length; i++) {
      expect(dE(OPTIMIZER_COLORS[i], START_RING_COLOR)).toBeGreaterThan(40)
      for (let j = i + 1; j < OPTIMIZER_COLORS.length; j++) expect(dE(OPTIMIZER_COLORS[i], OPTIMIZER_COLORS[j])).toBeGreaterThan(30)
    }
  })

  it('draws 1000 start rings small and faint, so the surface stays visible', () => {
    expect(startMarkerStyle(12)).toEqual({ size: 10, alpha: 0.85 })
    const many = startMarkerStyle(1000)
    expect(many.size).toBeLessThanOrEqual(5)
    expect(many.size * many.size * many.alpha).toBeLessThan(0.1 * 10 * 10 * 0.85)
  })

  it('lets a Shift-drag move the lr by a tenth of a plain drag', () => {
    const scale = scaleFor('sgd', 'lr', 1e-3)
    // A 40 % drag of a 90 px slider (36 px) from 0.01: a plain drag moves 2.4 decades, a fine one 0.24.
    const v = fineDragValue(scale, 0.01, 36, 90)
    expect(Math.log10(v / 0.01)).toBeCloseTo(0.24, 1)
    expect(toPosition(scale, v)).toBeGreaterThan(toPosition(scale, 0.01))
  })
})

describe('hover readouts', () => {
  // Two optimizers × one start, three kept points each, every 10 steps.
  const job = {
    runs: [
      { optimizer: { name: 'sgd', lr: 0.01 }, init: [0, 0] as const },
      { optimizer: { name: 'adam', lr: 0.1 }, init: [0, 0] as const },
    ],
    starts: 1,
    kept: 3,
    received: 3,
    every: 10,
    xy: new Float32Array([0, 0, 1, 0, 2, 0, /* adam */ 0, 0, 0, 1, 0, 2]),
    loss: new Float32Array([5, 4, 3, 5, 2, 1]),
  }
  const frame = { x: [-5, 5] as const, y: [-5, 5] as const }

  it('names the run under the pointer: optimizer, settings, start, step and loss', () => {
    const p = nearestRunPoint(job, frame, 0.05, 1.02, Infinity, [])
    expect(p).toEqual({ run: 1, k: 1 })
    expect(describeRunPoint(job, p!, info)).toBe('Adam lr=0.1 · run 1 of 1 from (0, 0) · step 10 · loss 2')
  })

  it('ignores hidden optimizers and points ahead of the playhead', () => {
    expect(nearestRunPoint(job, frame, 0.05, 1.02, Infinity, [1])).toBeNull()
    expect(nearestRunPoint(job, frame, 2, 0, 1, [])).toBeNull() // step 20 is not drawn yet at the playhead
    expect(nearestRunPoint(job, frame, 2, 0, 2, [])).toEqual({ run: 0, k: 2 })
  })

  it('maps a click on the loss chart to the kept point under it', () => {
    const spec = { margin: { left: 44, right: 10, top: 8, bottom: 20 }, width: 354, x: [0, 300] as const, empty: false }
    expect(keptPointAt(spec, 44, 1, 301)).toBe(0)
    expect(keptPointAt(spec, 44 + 150, 1, 301)).toBe(150)
    expect(keptPointAt(spec, 44 + 150, 10, 31)).toBe(15)
    expect(keptPointAt(spec, 2, 1, 301)).toBeNull()
  })
})
