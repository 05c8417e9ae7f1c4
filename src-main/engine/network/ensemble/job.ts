/**
 * A float32 ensemble scenario as an engine job: every network trained in lockstep on the
 * ensemble kernel, streamed in RunChunks as NetworkJob streams float64 runs. Runs are
 * configuration-major with the seeds as the "starts" (JobStarted: run r is configuration
 * ⌊r / S⌋ from seed r mod S), the order runEnsembleScenario reports them. Chunks carry the loss
 * only: no slice (xy is 0), no eigenvalues, no central flows (all refused by the scenario).
 */
import type { JobStarted, RunChunk } from '../../../../src-shared/api'
import type { Hparams } from '../../../../src-shared/optim'
import type { EnsembleScenario } from '../../../../src-shared/network/ensemble'
import { EnsembleTrainer } from './trainer'

/** Training time per chunk: a superseding job or a cancel waits at most about this long. */
const CHUNK_MS = 30
/** The first chunk comes sooner, so the charts start at once. */
const FIRST_CHUNK_MS = 8

export class EnsembleJob {
  private readonly trainers: EnsembleTrainer[]
  private t = 0

  constructor(
    readonly id: number,
    readonly scenario: EnsembleScenario,
  ) {
    this.trainers = scenario.groups.map((g) => new EnsembleTrainer(scenario.network, g, scenario.steps, scenario.every))
  }

  get started(): JobStarted {
    const s = this.scenario
    return {
      jobId: this.id,
      optimizers: s.optimizers.map((o) => ({
        base: { name: o.def.name, ...(o.hparams as Hparams) },
        sweep: (o.sweep ?? []).map((axis) => ({ key: axis.key, values: Float64Array.from(axis.values) })),
      })),
      starts: new Float64Array(2 * (s.seeds?.length ?? 1)),
      kept: Math.floor(s.steps / s.every) + 1,
      every: s.every,
    }
  }

  get done(): boolean {
    return this.t > this.scenario.steps
  }

  /** Train every network over the next span of steps and return its kept points (null when complete). */
  async next(): Promise<RunChunk | null> {
    if (this.done) return null
    const { steps, every } = this.scenario
    const budget = this.t === 0 ? FIRST_CHUNK_MS : CHUNK_MS
    const t0 = performance.now()
    let tTo = this.t - 1
    do {
      tTo = Math.min(steps, (Math.floor(tTo / every) + 1) * every)
      for (const tr of this.trainers) tr.advance(tTo)
    } while (tTo < steps && performance.now() - t0 < budget)
    const start = Math.ceil(this.t / every)
    const count = Math.floor(tTo / every) - start + 1
    this.t = tTo + 1
    if (count <= 0) return this.next()
    const runs = this.scenario.size
    const loss = new Float32Array(runs * count)
    let r = 0
    for (const tr of this.trainers) {
      const E = tr.layout.E
      for (let e = 0; e < E; e++, r++) for (let j = 0; j < count; j++) loss[r * count + j] = tr.loss[(start + j) * E + e]
    }
    return { jobId: this.id, start, count, xy: new Float32Array(runs * count * 2), loss }
  }

  backend(): string {
    return 'float32 wasm-simd (network ensemble)'
  }

  divergedAt(): Int32Array {
    return Int32Array.from(this.trainers.flatMap((tr) => Array.from(tr.divergedAt)))
  }
}
