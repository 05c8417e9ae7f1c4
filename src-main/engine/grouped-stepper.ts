/**
 * One stepper over several sub-jobs of a part (the launch groups of a sweep over schedule
 * arguments: the float32 kernels read one schedule row per launch, so each distinct schedule
 * runs as a job of its own). The sub-jobs' kept points are scattered back to the part's
 * particle order, so every consumer of a part sees one job.
 */
import type { BlockOutput, ParticleBatch, PointValues } from './float64'
import type { Stepper } from './plan'

export interface SubJob {
  readonly job: ParticleBatch
  readonly stepper: Stepper
  /** The part's particle index of each of the sub-job's particles. */
  readonly particles: Int32Array
}

/** Particles `ids` of a job (hyperparameter rows, start points, noise streams), with the given schedule table. */
export function subBatch(job: ParticleBatch, ids: Int32Array, schedule: ParticleBatch['schedule']): ParticleBatch {
  const n = job.x0.length
  const nh = job.hparams.length / n
  const hparams = new Float64Array(ids.length * nh)
  const x0 = new Float64Array(ids.length)
  const y0 = new Float64Array(ids.length)
  const stream = new Int32Array(ids.length)
  ids.forEach((p, i) => {
    hparams.set(job.hparams.subarray(p * nh, (p + 1) * nh), i * nh)
    x0[i] = job.x0[p]
    y0[i] = job.y0[p]
    // Draws (noise, estimators) follow the particle's stream, so a group draws what the whole would.
    stream[i] = job.noiseStream ? job.noiseStream[p] : p
  })
  return { ...job, hparams, x0, y0, noiseStream: stream, schedule }
}

/** Arrays like `a`'s type, `size` long. */
function like(a: PointValues, size: number): PointValues {
  return a instanceof Float32Array ? new Float32Array(size) : new Float64Array(size)
}

/** An output shaped like `out` (same array types) for `n` particles. */
function outputLike(out: BlockOutput, n: number): BlockOutput {
  const size = n * out.count
  // Interleaved outputs (a job's chunk) stay interleaved: x and y are then left empty.
  const separate = out.xy ? 0 : size
  return {
    start: out.start,
    count: out.count,
    ...(out.xy && { xy: new Float32Array(2 * size) }),
    x: like(out.x, separate),
    y: like(out.y, separate),
    loss: like(out.loss, size),
    sharpness: out.sharpness && like(out.sharpness, size),
    preconditioned: out.preconditioned && like(out.preconditioned, size).fill(NaN),
    axis: out.axis && like(out.axis, 2 * size),
    extra: out.extra.map(() => new Float64Array(size)),
  }
}

/** Copy particle i of `from` to particle p of `to` (`width` values per particle per kept point). */
function scatter(from: PointValues | Float64Array | null, to: PointValues | Float64Array | null, i: number, p: number, per: number): void {
  if (!from || !to) return
  to.set(from.subarray(i * per, (i + 1) * per), p * per)
}

export function groupedStepper(n: number, subs: readonly SubJob[]): Stepper {
  // Sub-outputs are kept while blocks keep the same size (fresh memory is slow to touch).
  let kept: { count: number; outs: BlockOutput[] } | null = null
  return {
    async advance(tTo, out) {
      if (!kept || kept.count !== out.count) kept = { count: out.count, outs: subs.map((s) => outputLike(out, s.particles.length)) }
      for (const [g, sub] of subs.entries()) {
        const local = { ...kept.outs[g], start: out.start }
        await sub.stepper.advance(tTo, local)
        const c = out.count
        sub.particles.forEach((p, i) => {
          if (out.xy) scatter(local.xy ?? null, out.xy, i, p, 2 * c)
          else {
            scatter(local.x, out.x, i, p, c)
            scatter(local.y, out.y, i, p, c)
          }
          scatter(local.loss, out.loss, i, p, c)
          scatter(local.sharpness, out.sharpness, i, p, c)
          scatter(local.preconditioned, out.preconditioned, i, p, c)
          scatter(local.axis, out.axis, i, p, 2 * c)
          local.extra.forEach((e, k) => scatter(e, out.extra[k], i, p, c))
        })
      }
    },
    backend: () => [...new Set(subs.map((s) => s.stepper.backend()))].join(', '),
    divergedAt() {
      const d = new Int32Array(n)
      for (const sub of subs) {
        const local = sub.stepper.divergedAt()
        sub.particles.forEach((p, i) => (d[p] = local[i]))
      }
      return d
    },
    carriesExtra: subs.every((s) => s.stepper.carriesExtra),
    recordsInKernel: subs.every((s) => s.stepper.recordsInKernel),
  }
}
