/**
 * Kept points recorded inside the kernel (float32/job.ts recordInKernel), on the WebAssembly
 * kernel and on GPU.js's (record-source.ts: rows of kept points): a launch that records many
 * kept points gives, bit for bit, the points of one launch per kept point, whether the kernel
 * records that one point or the host reads it from the state afterwards; the loss the kernel
 * records is the float32 loss at the recorded position.
 */
import { describe, expect, it, vi } from 'vitest'
import { parseScenario } from '../../src-shared/scenario'
import { Job } from '../../src-main/engine/job'
import { gpuFor, launches } from '../../src-main/engine/float32'
import { type PlanOptions, planParts } from '../../src-main/engine/plan'
import { runScenario, type ScenarioResult } from '../../src-main/engine/run-scenario'

const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))

/** Mismatches between two results' points (positions, and the loss unless `lossTolerance` is given). */
function mismatches(a: ScenarioResult, b: ScenarioResult, lossTolerance?: number): string[] {
  const bad: string[] = []
  a.runs.forEach((run, r) => {
    const other = b.runs[r]
    if (run.diverged_at !== other.diverged_at) bad.push(`run ${r}: diverged at ${run.diverged_at} vs ${other.diverged_at}`)
    run.trajectory.forEach(([x, y], k) => {
      const [x2, y2] = other.trajectory[k]
      if (!same(x, x2) || !same(y, y2)) bad.push(`run ${r}, point ${k}: (${x}, ${y}) vs (${x2}, ${y2})`)
      const l = run.loss[k]
      const l2 = other.loss[k]
      const lossOk = lossTolerance === undefined ? same(l, l2) : same(l, l2) || Math.abs(l - l2) <= lossTolerance * (1 + Math.abs(l2))
      if (!lossOk) bad.push(`run ${r}, point ${k}: loss ${l} vs ${l2}`)
    })
  })
  return bad.slice(0, 5)
}

const wasm = (more: PlanOptions = {}): PlanOptions => ({ backend: 'wasm', ...more })

const CASES: Array<[string, Record<string, unknown>]> = [
  [
    'Adam, every 3rd step',
    {
      landscape: { preset: 'rosenbrock' },
      optimizer: { name: 'adam', lr: 0.05 },
      init: { random: { x: [-2, 2], y: [-1, 3], count: 300, seed: 3 } },
      steps: 60,
      record: { every: 3 },
    },
  ],
  // Per-particle running powers (β swept), gradient noise, and kept points that do not divide the steps.
  [
    'an Adam sweep of β₁ and β₂ with gradient noise, every 7th of 50 steps',
    {
      landscape: { preset: 'himmelblau' },
      optimizer: { name: 'adam', sweep: { 'betas[0]': { values: [0.5, 0.9] }, 'betas[1]': { values: [0.9, 0.999] } } },
      init: { grid: { x: [-3, 3], y: [-3, 3], n: [5, 5] } },
      steps: 50,
      record: { every: 7 },
      noise: { std: 0.5, seed: 4 },
    },
  ],
  // Some runs diverge mid-launch: NaN from their death step, the others untouched.
  [
    'an SGD sweep where some runs diverge, every step',
    {
      landscape: { preset: 'ill_conditioned_quadratic' },
      optimizer: { name: 'sgd', sweep: { lr: { values: [0.0199, 0.5, 0.01, 0.6, 0.015] } } },
      init: [
        [1, 1],
        [2, -1],
      ],
      steps: 120,
      record: { every: 1 },
    },
  ],
]

describe('recording inside the WebAssembly kernel', () => {
  for (const [name, doc] of CASES) {
    it(`${name}: equal bit for bit to one launch per kept point`, async () => {
      const s = { ...doc, precision: 'float32' }
      const before = launches.count
      const recorded = await runScenario(parseScenario(s), wasm())
      const recordedLaunches = launches.count - before
      const onePerLaunch = await runScenario(parseScenario(s), wasm({ pointsPerLaunch: 1 }))
      const threePerLaunch = await runScenario(parseScenario(s), wasm({ pointsPerLaunch: 3 }))
      const readByHost = await runScenario(parseScenario(s), wasm({ pointsPerLaunch: 0 }))
      const kept = recorded.runs[0].trajectory.length
      // The whole job in one launch per optimizer entry (plus the steps after the last kept point).
      expect(recordedLaunches).toBeLessThanOrEqual(2)
      expect(recorded.runs.some((r) => r.diverged_at !== null)).toBe(name.includes('diverge'))
      expect(mismatches(recorded, onePerLaunch)).toEqual([])
      expect(mismatches(recorded, threePerLaunch)).toEqual([])
      // The host evaluates the loss in float64 at the same float32 position: float32 roundoff apart.
      expect(mismatches(recorded, readByHost, 1e-5)).toEqual([])
      expect(kept).toBe(Math.floor((doc.steps as number) / (doc.record as { every: number }).every) + 1)
    })
  }

  /**
   * A job's chunks regrouped per run: positions and losses of run r's kept point k at
   * r · kept + k (chunks are run-major within a chunk, runs optimizer-major).
   */
  async function chunkedPoints(s: ReturnType<typeof parseScenario>, options: PlanOptions) {
    const job = new Job(1, s, options)
    const runs = s.optimizers.reduce((sum, o) => sum + o.configs.length, 0) * s.starts.x.length
    const kept = Math.floor(s.steps / s.record.every) + 1
    const xy = new Float32Array(runs * kept * 2).fill(-1)
    const loss = new Float32Array(runs * kept).fill(-1)
    for (let c = await job.next(); c; c = await job.next()) {
      for (let r = 0; r < runs; r++)
        for (let j = 0; j < c.count; j++) {
          xy[2 * (r * kept + c.start + j)] = c.xy[2 * (r * c.count + j)]
          xy[2 * (r * kept + c.start + j) + 1] = c.xy[2 * (r * c.count + j) + 1]
          loss[r * kept + c.start + j] = c.loss[r * c.count + j]
        }
    }
    return { xy, loss, runs, kept }
  }

  /** Chunk points that differ from the whole-job result's (float32 values: the kernel's own). */
  function chunkMismatches(chunks: Awaited<ReturnType<typeof chunkedPoints>>, whole: ScenarioResult): string[] {
    const bad: string[] = []
    whole.runs.forEach((run, r) =>
      run.trajectory.forEach(([x, y], k) => {
        const at = r * chunks.kept + k
        const expected = [Math.fround(x), Math.fround(y), Math.fround(run.loss[k])]
        const got = [chunks.xy[2 * at], chunks.xy[2 * at + 1], chunks.loss[at]]
        if (!expected.every((v, i) => same(v, got[i]))) bad.push(`run ${r}, point ${k}: ${got} vs ${expected}`)
      }),
    )
    return bad.slice(0, 5)
  }

  // The job writes the chunk's own arrays: the kernel's threads reshuffle their points run-major
  // inside its memory (interleave-rows.ts) where a launch fills a chunk, else the host copies.
  for (const [name, doc] of CASES) {
    it(`${name}: a job's chunks hold the points of the whole-job path and of one point per launch`, async () => {
      const s = parseScenario({ ...doc, precision: 'float32' })
      const whole = await runScenario(s, wasm())
      const direct = await chunkedPoints(s, wasm())
      const pointPerLaunch = await chunkedPoints(s, wasm({ pointsPerLaunch: 1 }))
      expect(direct.xy.length).toBe(direct.runs * direct.kept * 2)
      expect(chunkMismatches(direct, whole)).toEqual([])
      expect(chunkMismatches(pointPerLaunch, whole)).toEqual([])
      expect([...direct.xy].some(Number.isNaN)).toBe(name.includes('diverge'))
    })
  }

  it('a job large enough for the thread pool: each thread reshuffles its own particles, the same points as one thread', async () => {
    // 2,999 runs (not a whole number of lane groups) × 40 steps: launches of 1.2·10⁵ particle-steps go to the pool.
    const s = parseScenario({
      landscape: { preset: 'rosenbrock' },
      optimizer: { name: 'sgd', sweep: { lr: { values: [0.0005, 0.004] } } },
      init: { random: { x: [-2, 2], y: [-1, 3], count: 2999, seed: 8 } },
      steps: 80,
      record: { every: 1 },
      precision: 'float32',
    })
    const job = new Job(1, s, wasm())
    await job.next()
    await job.next()
    expect(job.backend()).toMatch(/threads/)
    const threaded = await chunkedPoints(s, wasm())
    const oneThread = await chunkedPoints(s, wasm({ threaded: false }))
    const whole = await runScenario(s, wasm({ threaded: false }))
    expect(chunkMismatches(threaded, whole)).toEqual([])
    expect(chunkMismatches(oneThread, whole)).toEqual([])
    expect(whole.runs.some((r) => r.diverged_at !== null)).toBe(true)
  })
})

/** More cases for GPU.js: a schedule that cycles the momentum, and a gradient estimator. */
const GPUJS_CASES: Array<[string, Record<string, unknown>]> = [
  ...CASES,
  [
    'Adam under OneCycleLR (rate and β₁ from the schedule), every 4th step',
    {
      landscape: { preset: 'beale' },
      optimizer: { name: 'adam', lr: 0.05, schedule: { name: 'OneCycleLR', max_lr: 0.05, total_steps: 40 } },
      init: { random: { x: [-2, 2], y: [-2, 2], count: 20, seed: 5 } },
      steps: 40,
      record: { every: 4 },
    },
  ],
  [
    'SGD with momentum on a zeroth-order estimate, every 5th step',
    {
      landscape: { preset: 'himmelblau' },
      optimizer: {
        name: 'sgd',
        lr: 0.002,
        momentum: 0.9,
        gradient: { estimator: 'zeroth_order', mu: 0.01, directions: 2, distribution: 'gaussian', seed: 5 },
      },
      init: { random: { x: [-3, 3], y: [-3, 3], count: 20, seed: 6 } },
      steps: 45,
      record: { every: 5 },
    },
  ],
]

// GPU.js's backends here: its cpu mode (the kernel as JavaScript, in doubles) and its WebAssembly
// backend (float32); headless GL is not installed. A GPU runs the same kernels (npm run gpu-check).
for (const backend of ['cpu', 'webasm'] as const) {
  describe(`recording inside GPU.js kernels (${backend})`, () => {
    const gpujs = (more: PlanOptions = {}): PlanOptions => ({ backend, pointsPerLaunch: 1000, ...more })
    for (const [name, doc] of GPUJS_CASES) {
      it(`${name}: equal bit for bit to one launch per kept point`, async () => {
        const s = { ...doc, precision: 'float32' }
        const before = launches.count
        const recorded = await runScenario(parseScenario(s), gpujs())
        const recordedLaunches = launches.count - before
        const onePerLaunch = await runScenario(parseScenario(s), gpujs({ pointsPerLaunch: 1 }))
        const threePerLaunch = await runScenario(parseScenario(s), gpujs({ pointsPerLaunch: 3 }))
        const readByHost = await runScenario(parseScenario(s), gpujs({ pointsPerLaunch: 0 }))
        const kept = Math.floor((doc.steps as number) / (doc.record as { every: number }).every) + 1
        expect(recorded.runs[0].trajectory).toHaveLength(kept)
        expect(recorded.backends.join(', ')).not.toContain('recording kernel failed')
        // One launch holds every kept point (plus the steps after the last one).
        expect(recordedLaunches).toBeLessThanOrEqual(2)
        expect(recorded.runs.some((r) => r.diverged_at !== null)).toBe(name.includes('diverge'))
        expect(mismatches(recorded, onePerLaunch)).toEqual([])
        expect(mismatches(recorded, threePerLaunch)).toEqual([])
        // The host evaluates the loss in float64 at the same float32 position: float32 roundoff apart.
        expect(mismatches(recorded, readByHost, 1e-5)).toEqual([])
      })
    }

    it('keeps one launch per kept point unless asked (its rows would repeat steps on the CPU)', () => {
      const s = parseScenario({ ...CASES[0][1], precision: 'float32' })
      expect(planParts(s, { backend })[0].stepper.recordsInKernel).toBe(false)
      expect(planParts(s, { backend, pointsPerLaunch: 5 })[0].stepper.recordsInKernel).toBe(true)
    })

    it('records blocks by default where GPU.js runs on a GPU: up to 256 points and 2²⁰ threads a launch', async () => {
      const gpu = gpuFor(backend) as unknown as { Kernel: new (...a: unknown[]) => object }
      const real = gpu.Kernel
      // GPU.js's kernel class named as on a WebGL2 context; the kernels still run on this backend.
      gpu.Kernel = class WebGL2Kernel extends real {}
      try {
        const plan = (count: number, steps: number) =>
          planParts(
            parseScenario({
              ...CASES[0][1],
              init: { random: { x: [-2, 2], y: [-1, 3], count, seed: 3 } },
              steps,
              record: { every: 1 },
              precision: 'float32',
            }),
            { backend },
          )[0].stepper as unknown as { recordsInKernel: boolean }
        expect(plan(300, 60).recordsInKernel).toBe(true)
        expect(plan(300, 1000).recordsInKernel).toBe(true)
        // 2²⁰ threads hold one row of more than 2¹⁹ particles: a launch per kept point.
        expect(plan(530_000, 3).recordsInKernel).toBe(false)
        // 601 kept points of 4 runs: blocks of 256, 256 and 89.
        const before = launches.count
        const r = await runScenario(
          parseScenario({
            ...CASES[0][1],
            init: [
              [-1, 2],
              [0, 0],
              [1, 1],
              [2, -1],
            ],
            steps: 600,
            record: { every: 1 },
            precision: 'float32',
          }),
          { backend },
        )
        expect(r.runs[0].trajectory).toHaveLength(601)
        expect(launches.count - before).toBe(3)
      } finally {
        gpu.Kernel = real
      }
    })

    it('goes a launch per kept point, and says so, where the recording kernel fails to build', async () => {
      // A landscape of its own, so no recording kernel is cached for it.
      const s = { ...CASES[0][1], landscape: { expr: `(1-x)^2 + 99*(y-x^2)^2 + 0.${backend.length}*x` }, precision: 'float32' }
      const gpu = gpuFor(backend)
      const create = gpu.createKernel.bind(gpu)
      const refuse = vi.spyOn(gpu, 'createKernel').mockImplementation(((source: unknown, settings: unknown) => {
        if (String(source).includes('recFirst')) throw new Error('shader compile failed (simulated)')
        return create(source as never, settings as never)
      }) as never)
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
      try {
        const fallback = await runScenario(parseScenario(s), gpujs())
        const readByHost = await runScenario(parseScenario(s), gpujs({ pointsPerLaunch: 0 }))
        expect(fallback.backends[0]).toContain('recording kernel failed: shader compile failed (simulated)')
        expect(warn).toHaveBeenCalledOnce()
        expect(mismatches(fallback, readByHost, 1e-6)).toEqual([])
      } finally {
        refuse.mockRestore()
        warn.mockRestore()
      }
    })

    it('streams the same chunks through a job as the one-launch-per-point path', async () => {
      const s = parseScenario({ ...GPUJS_CASES[1][1], precision: 'float32' })
      const collect = async (options: PlanOptions) => {
        const job = new Job(1, s, options)
        const chunks: Array<{ start: number; xy: Float32Array; loss: Float32Array }> = []
        for (let c = await job.next(); c; c = await job.next()) chunks.push({ start: c.start, xy: c.xy, loss: c.loss })
        return chunks
      }
      const a = await collect(gpujs())
      const b = await collect(gpujs({ pointsPerLaunch: 1 }))
      expect(a.map((c) => c.start)).toEqual(b.map((c) => c.start))
      a.forEach((c, k) => {
        expect(c.xy.every((v, i) => same(v, b[k].xy[i]))).toBe(true)
        expect(c.loss.every((v, i) => same(v, b[k].loss[i]))).toBe(true)
      })
    })
  })
}
