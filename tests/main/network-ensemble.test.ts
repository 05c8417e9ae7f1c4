/** @vitest-environment node */
/**
 * Float32 network ensembles (docs/NETWORKS.md "Ensembles (float32)"): the WebAssembly SIMD
 * kernel against the float64 engine on the same net, data and initial parameters; ensembles of
 * 1, 3 and 5 networks (not multiples of 4: padded lanes) equal to the same networks trained one
 * by one; refusals that name the field; `cli run` writing the float64 result's shape.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseEnsembleScenario } from '../../src-shared/network/ensemble'
import { parseNetworkScenario } from '../../src-shared/network/scenario'
import { runEnsembleScenario } from '../../src-main/engine/network/ensemble/run'
import { runNetworkScenario } from '../../src-main/engine/network/run'
import { runCli, tempDir, writeScenario } from './cli-helpers'
import { type JobEvent, type RunChunk, runAt, runCountOf } from '../../src-shared/api'
import { EngineClient } from '../../src-main/engine/client'
import { spawnNodeWorker } from '../../src-main/engine/node-worker'
import { EnsembleJob } from '../../src-main/engine/network/ensemble/job'

const base = (activation: string, optimizer: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  landscape: {
    network: {
      layers: [8, 16, 16, 1],
      activation,
      loss: 'mse',
      data: { dataset: 'gaussian', n: 128, seed: 0 },
      init: { scheme: 'lecun_normal', seed: 3 },
    },
  },
  optimizer,
  steps: 50,
  ...extra,
})

const float32 = (doc: object) => runEnsembleScenario(parseEnsembleScenario({ ...doc, precision: 'float32' }))
const float64 = (doc: object) => runNetworkScenario(parseNetworkScenario(doc))

function worstRelative(a: ReadonlyArray<number | null>, b: ReadonlyArray<number | null>): number {
  expect(a).toHaveLength(b.length)
  let worst = 0
  a.forEach((v, i) => {
    expect(v).not.toBeNull()
    worst = Math.max(worst, Math.abs((v as number) - (b[i] as number)) / Math.abs(b[i] as number))
  })
  return worst
}

describe('float32 ensemble kernel against the float64 engine (same net, data and init, 50 steps)', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['tanh', { name: 'sgd', lr: 0.05 }],
    ['tanh', { name: 'sgd', lr: 0.05, momentum: 0.9, dampening: 0.1, weight_decay: 0.01 }],
    ['relu', { name: 'sgd', lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 0.01 }],
    ['tanh', { name: 'adam', lr: 0.01 }],
    ['swish', { name: 'adam', lr: 0.01, betas: [0.8, 0.99], weight_decay: 0.01, maximize: false }],
    ['tanh', { name: 'adamw', lr: 0.01, weight_decay: 0.1 }],
    ['gelu', { name: 'adamw', lr: 0.01 }],
  ]
  it.each(cases)('%s, %o: losses agree to 1e-4 relative', (activation, optimizer) => {
    const doc = base(activation, optimizer)
    // An odd number of examples for SGD (the kernel's pass over example pairs leaves one).
    if (optimizer.name === 'sgd') doc.landscape.network.data.n = 127
    const ref = float64(doc).runs[0]
    const run = float32(doc).runs[0]
    expect(run.step).toEqual(ref.step)
    expect(run.optimizer).toEqual(ref.optimizer)
    // The run must actually train, or agreement says nothing.
    expect((ref.loss[50] as number) / (ref.loss[0] as number)).toBeLessThan(0.95)
    expect(worstRelative(run.loss, ref.loss)).toBeLessThan(1e-4)
    const p32 = run.params_final
    const p64 = ref.params_final
    const scale = Math.max(...p64.map(Math.abs))
    expect(Math.max(...p64.map((v, i) => Math.abs(v - p32[i])))).toBeLessThan(1e-4 * scale)
  })
})

describe('ensembles equal their members trained one by one', () => {
  const seeds = [11, 12, 13, 14, 15]
  const single = (optimizer: Record<string, unknown>, seed: number) =>
    float32({
      ...base('tanh', optimizer),
      landscape: { network: { ...base('tanh', optimizer).landscape.network, init: { scheme: 'lecun_normal', seeds: [seed] } } },
    }).runs[0]

  it.each([1, 3, 5])('%d seeds, Adam: every member bit for bit', (size) => {
    const optimizer = { name: 'adam', lr: 0.01 }
    const doc = {
      ...base('tanh', optimizer),
      landscape: { network: { ...base('tanh', optimizer).landscape.network, init: { seeds: seeds.slice(0, size) } } },
    }
    const runs = float32(doc).runs
    expect(runs).toHaveLength(size)
    runs.forEach((run, e) => {
      const alone = single(optimizer, seeds[e])
      expect(run.seed).toBe(seeds[e])
      expect(run.loss).toEqual(alone.loss)
      expect(run.params_final).toEqual(alone.params_final)
    })
    if (size > 1) expect(runs[1].loss[0]).not.toBe(runs[0].loss[0]) // different seeds, different networks
  })

  it('a sweep over lr × 3 seeds with SGD momentum (per-network hyperparameters in one vector): members equal single runs', () => {
    const optimizer = { name: 'sgd', lr: 0.05, momentum: 0.9, sweep: { lr: { values: [0.01, 0.05] } } }
    const doc = {
      ...base('tanh', optimizer),
      landscape: { network: { ...base('tanh', optimizer).landscape.network, init: { seeds: [1, 2, 3] } } },
    }
    const runs = float32(doc).runs
    expect(runs.map((r) => [r.optimizer.lr, r.seed])).toEqual([
      [0.01, 1],
      [0.01, 2],
      [0.01, 3],
      [0.05, 1],
      [0.05, 2],
      [0.05, 3],
    ])
    runs.forEach((run) => {
      const alone = single({ name: 'sgd', lr: run.optimizer.lr, momentum: 0.9 }, run.seed as number)
      expect(run.loss).toEqual(alone.loss)
      expect(run.params_final).toEqual(alone.params_final)
    })
  })

  it('a diverging network is marked at its step, its later losses null, and its neighbours in the vector train on', () => {
    const optimizer = { name: 'sgd', lr: 0.05, sweep: { lr: { values: [0.05, 50] } } }
    const runs = float32({ ...base('tanh', optimizer), record: { every: 5 } }).runs
    expect(runs[0].diverged_at).toBeNull()
    expect(runs[0].loss.every((v) => v !== null)).toBe(true)
    const at = runs[1].diverged_at as number
    expect(at).toBeGreaterThan(0)
    expect(runs[1].loss.slice(Math.ceil(at / 5)).every((v) => v === null)).toBe(true)
    expect(runs[1].step).toEqual(runs[0].step)
  })
})

describe('float32 ensembles refuse what they do not compute, naming the field', () => {
  const doc = base('tanh', { name: 'sgd', lr: 0.05 }, { precision: 'float32' })
  const refusals: Array<[string, object, RegExp]> = [
    ['record.sharpness', { record: { sharpness: true } }, /record\.sharpness.*float64/],
    ['record.eigenvalues', { record: { eigenvalues: 2 } }, /record\.eigenvalues.*float64/],
    ['record.params', { record: { params: true } }, /record\.params.*float64/],
    ['record.gfs_sharpness', { record: { gfs_sharpness: true } }, /record\.gfs_sharpness.*float64/],
    ['central_flow', { central_flow: true }, /central_flow.*float64/],
    ['slice', { slice: { directions: 'random' } }, /slice.*float64/],
    ['optimizer.name', { optimizer: { name: 'rmsprop', lr: 0.01 } }, /optimizer\.name.*sgd, adam, adamw.*'rmsprop'.*float64/],
    [
      'optimizer.schedule',
      { optimizer: { name: 'sgd', lr: 0.1, schedule: { name: 'step', step_size: 10 } } },
      /optimizer\.schedule.*float64/,
    ],
    ['optimizer.gradient', { optimizer: { name: 'sgd', lr: 0.1, gradient: { estimator: 'spsa' } } }, /optimizer\.gradient.*float64/],
    ['optimizer.amsgrad', { optimizer: { name: 'adam', lr: 0.1, amsgrad: true } }, /optimizer\.amsgrad.*float64/],
  ]
  it.each(refusals)('%s', (_field, change, message) => {
    expect(() => parseEnsembleScenario({ ...doc, ...change })).toThrow(message)
  })

  it('cross-entropy, and seeds beside explicit params or listed twice', () => {
    const net = doc.landscape.network
    expect(() => parseEnsembleScenario({ ...doc, landscape: { network: { ...net, loss: 'ce', layers: [8, 16, 2] } } })).toThrow(
      /landscape\.network\.loss.*MSE.*float64/,
    )
    expect(() => parseEnsembleScenario({ ...doc, landscape: { network: { ...net, init: { seeds: [1, 2, 1] } } } })).toThrow(
      /init\.seeds.*seed 1 is listed twice/,
    )
    expect(() => parseEnsembleScenario({ ...doc, landscape: { network: { ...net, init: { seed: 1, seeds: [2] } } } })).toThrow(
      /init\.seeds.*either "seed" or "seeds"/,
    )
  })

  it('too many networks × parameters for the kernel memory', () => {
    const net = { ...doc.landscape.network, layers: [8, 40, 40, 1] } // 2,041 parameters: over the network limit
    expect(() => parseEnsembleScenario({ ...doc, landscape: { network: net } })).toThrow(/layers/)
    const wide = { ...doc.landscape.network, layers: [8, 40, 30, 1], init: { seeds: Array.from({ length: 4096 }, (_, i) => i) } } // 1,621 parameters
    const sweep = { optimizer: { name: 'sgd', lr: 0.1, sweep: { lr: { values: [0.1, 0.2] } } } }
    expect(() => parseEnsembleScenario({ ...doc, ...sweep, landscape: { network: wide } })).toThrow(
      /init\.seeds.*8192 networks × 1621 parameters is more than 8388608/,
    )
  })

  it('the float64 path still refuses float32 on its own (its contract is unchanged)', () => {
    expect(() => parseNetworkScenario(doc)).toThrow(/precision/)
  })
})

describe('cli run: a float32 ensemble', () => {
  it('writes one run per seed × configuration in the float64 result shape', () => {
    const dir = tempDir()
    const out = join(dir, 'r.json')
    const scenario = {
      ...base(
        'tanh',
        { name: 'adam', lr: 0.01, sweep: { lr: { values: [0.01, 0.02] } } },
        { precision: 'float32', steps: 20, record: { every: 5 } },
      ),
    }
    scenario.landscape.network.init = { seeds: [4, 5, 6] } as never
    const r = runCli(['run', writeScenario(dir, 's.json', scenario), '--out', out])
    expect(r.stderr).toMatch(/6 networks × 20 steps \(float32 ensemble, 433 parameters each/)
    expect(r.status).toBe(0)
    const result = JSON.parse(readFileSync(out, 'utf8'))
    expect(result.network).toEqual({ layers: [8, 16, 16, 1], n_params: 433, examples: 128, data: 'gaussian' })
    expect(result.runs).toHaveLength(6)
    const run = result.runs[4]
    expect(run.optimizer).toMatchObject({ name: 'adam', lr: 0.02 })
    expect(run.seed).toBe(5)
    expect(run.precision).toBe('float32')
    expect(run.step).toEqual([0, 5, 10, 15, 20])
    expect(run.loss).toHaveLength(5)
    expect(run.params_final).toHaveLength(433)
    expect(run.diverged_at).toBeNull()
  })

  it('refuses a float64-only field in one line, writing nothing', () => {
    const dir = tempDir()
    const out = join(dir, 'r.json')
    const r = runCli([
      'run',
      writeScenario(dir, 's.json', base('tanh', { name: 'sgd', lr: 0.1 }, { precision: 'float32', central_flow: true })),
      '--out',
      out,
    ])
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/central_flow.*float64/)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })
})

describe('a float32 ensemble as an engine job', () => {
  const { optimizer: _one, ...rest } = base('tanh', {}, { precision: 'float32', steps: 60, record: { every: 4 } })
  const doc = {
    ...rest,
    optimizers: [
      { name: 'sgd', lr: 0.05, sweep: { lr: { values: [0.02, 0.05] } } },
      { name: 'adamw', lr: 0.01 },
    ],
  }
  doc.landscape.network.init = { seeds: [7, 8, 9] } as never

  /** Losses per run, from the chunks (checked to arrive in order). */
  function losses(chunks: RunChunk[], runs: number): number[][] {
    const out = Array.from({ length: runs }, () => [] as number[])
    let next = 0
    for (const c of chunks) {
      expect(c.start).toBe(next)
      for (let r = 0; r < runs; r++) for (let j = 0; j < c.count; j++) out[r].push(c.loss[r * c.count + j])
      next += c.count
    }
    return out
  }

  it('streams every kept loss of every network in the order runEnsembleScenario reports them (seeds as starts)', async () => {
    const s = parseEnsembleScenario(doc)
    const job = new EnsembleJob(1, s)
    const started = job.started
    expect(runCountOf(started)).toBe(9)
    expect(runAt(started, 4).optimizer).toMatchObject({ name: 'sgd', lr: 0.05 })
    const chunks: RunChunk[] = []
    for (let c = await job.next(); c; c = await job.next()) chunks.push(c)
    const ref = runEnsembleScenario(s)
    expect(ref.runs[4]).toMatchObject({ optimizer: { lr: 0.05 }, seed: 8 })
    expect(losses(chunks, 9)).toEqual(ref.runs.map((r) => r.loss.map((v) => Math.fround(v as number))))
    expect(Array.from(job.divergedAt())).toEqual(new Array(9).fill(-1))
  })

  it('runs in the engine worker', async () => {
    const engine = new EngineClient(spawnNodeWorker)
    try {
      const events: JobEvent[] = []
      const ended = new Promise<void>((resolve) =>
        engine.onEvent((e) => {
          events.push(e.type === 'chunk' ? { type: 'chunk', chunk: { ...e.chunk, loss: e.chunk.loss.slice() } } : e)
          if (e.type === 'done' || e.type === 'error') resolve()
        }),
      )
      await engine.start(doc)
      await ended
      const done = events.find((e) => e.type === 'done')
      expect(done).toMatchObject({ backend: 'float32 wasm-simd (network ensemble)' })
      const chunks = events.flatMap((e) => (e.type === 'chunk' ? [e.chunk] : []))
      const ref = runEnsembleScenario(parseEnsembleScenario(doc))
      expect(losses(chunks, 9)).toEqual(ref.runs.map((r) => r.loss.map((v) => Math.fround(v as number))))
    } finally {
      await engine.dispose()
    }
  })
})
