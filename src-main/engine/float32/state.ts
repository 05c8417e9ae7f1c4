/**
 * A float32 job's state at step 0, and the facts about a job every backend derives from it
 * (hyperparameters all particles share, slots no particle uses, running powers).
 */
import { hparamCodeNames } from '../../../src-shared/optim'
import type { ParticleBatch } from '../float64'
import type { Float32State } from './launch'

/** State arrays are padded to a multiple of this (every layout's particles per thread divides it). */
const PAD = 4

export function initialState32(
  start: { x: Float64Array; y: Float64Array; slots: Float64Array[]; divergedAt: Int32Array },
  job: ParticleBatch,
): Float32State {
  const n = start.x.length
  const padded = Math.ceil(n / PAD) * PAD
  const nh = job.hparams.length / n
  const pad = (a: ArrayLike<number>, fill = 0) => {
    const out = new Float32Array(padded).fill(fill)
    out.set(a)
    return out
  }
  const source = job.hparams
  const hparams = Array.from({ length: nh }, (_, j) => {
    const a = new Float32Array(padded)
    for (let i = 0, at = j; i < n; i++, at += nh) a[i] = source[at]
    a.fill(a[n - 1], n)
    return a
  })
  const stream = new Float32Array(padded)
  for (let i = 0; i < n; i++) stream[i] = job.noiseStream ? job.noiseStream[i] : i
  const dead = pad(start.divergedAt)
  // Padding particles are dead from step 0, so threads skip them.
  dead.fill(0, n)
  return {
    n,
    x: pad(start.x),
    y: pad(start.y),
    slots: start.slots.map((s) => pad(s)),
    dead,
    stream,
    hparams,
    t: 0,
  }
}

/** Whether every value of `a` is `v` (a plain loop: `every` with a closure costs ≈ 10× more per value). */
function allEqual(a: Float32Array, v: number): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== v) return false
  return true
}

/** Hyperparameters every particle of the job shares (computed once per job). */
export function uniformHparams(job: ParticleBatch, state: Float32State): ReadonlySet<string> {
  return (state.uniform ??= new Set(hparamCodeNames(job.optimizer).filter((_, j) => allEqual(state.hparams[j], state.hparams[j][0]))))
}

/** Slots the rule leaves alone for every particle of the job (OptimizerDef.slotUsedIf). */
export function unusedSlots(job: ParticleBatch, state: Float32State): ReadonlySet<string> {
  const names = hparamCodeNames(job.optimizer)
  // A value a schedule sets (OneCycleLR's momentum) is not 0 just because its base is.
  const scheduled = job.schedule ? ['lr', job.schedule.momentum] : []
  return (state.unused ??= new Set(
    Object.entries(job.optimizer.slotUsedIf ?? {})
      .filter(([, hp]) => !scheduled.includes(hp) && allEqual(state.hparams[names.indexOf(hp)], 0))
      .map(([slot]) => slot),
  ))
}

/** Running-power bases as functions of the hyperparameter code values. */
export function powerBaseFunctions(names: readonly string[], bases: readonly string[]): Array<(...h: number[]) => number> {
  // Bases are expressions from our own rule text (e.g. `beta1`, `Math.pow(0.96, momentum_decay)`).
  return bases.map((b) => new Function(...names, `return ${b};`) as (...h: number[]) => number)
}

/**
 * A kernel's running powers (kernel-source.ts: `Math.pow(h, t)` as products) started at a
 * launch's first step: base^t per particle, from the bases' expressions evaluated once per job.
 */
export function runningPowers(state: Float32State, bases: readonly string[], names: readonly string[]): (t: number) => Float32Array[] {
  const padded = state.x.length
  const nh = state.hparams.length
  const values = powerBaseFunctions(names, bases).map((f) => {
    const b = new Float64Array(padded)
    const h = new Array<number>(nh)
    // From the float32 hyperparameters the kernel sees: RAdam's ρ_t cancels two terms of
    // size 2/(1−β₂), so a base rounded differently from the kernel's β₂ moves it by ≈0.03.
    // Particles come in runs of equal hyperparameters: evaluate once per run.
    const rows = state.hparams
    for (let i = 0; i < padded; i++) {
      let same = i > 0
      for (let j = 0; same && j < nh; j++) same = rows[j][i] === rows[j][i - 1]
      if (same) {
        b[i] = b[i - 1]
        continue
      }
      for (let j = 0; j < nh; j++) h[j] = rows[j][i]
      b[i] = f(...h)
    }
    return b
  })
  const powers = values.map(() => new Float32Array(padded))
  return (t) => {
    values.forEach((b, k) => {
      // Particles come in runs of equal hyperparameters: compute pow once per run.
      let last = NaN
      let value = 0
      for (let i = 0; i < padded; i++) {
        if (b[i] !== last) {
          last = b[i]
          value = Math.pow(last, t)
        }
        powers[k][i] = value
      }
    })
    return powers
  }
}
