/**
 * A run's learning-rate schedule in the replay: the per-step rate (and the momentum or betas[0]
 * OneCycleLR cycles) from the same torch port the engines' tables come from
 * (src-shared/schedule/sequence.ts `scheduleSequence`, the values of the float64 engine's exact
 * rows), extended on demand as the playhead moves. Imports the schedule modules one by one, not
 * their index: the renderer's CSP forbids the eval-built src-shared/random.ts, and these reach
 * nothing that imports it (tests/renderer/optimizer-state-csp.test.ts).
 */
import type { Hparams, OptimizerDef } from '../../src-shared/optim'
import { scheduleSequence, type ScheduleSequence } from '../../src-shared/schedule/sequence'
import { cyclesMomentum, parseSchedule, ScheduleError, type ScheduleSpec } from '../../src-shared/schedule/spec'
import { baseMomentum, momentumCodeName } from '../../src-shared/schedule/table'

/** The values step t uses: the rate, and the momentum under its rule name when the schedule sets it. */
export interface ScheduledStep {
  readonly lr: number
  readonly momentum: { readonly name: string; readonly value: number } | null
}

/** Steps computed at first (a view rarely opens past them); the sequence doubles beyond. */
const FIRST_STEPS = 256

export class RunSchedule {
  readonly spec: ScheduleSpec
  /** The rule's name of the value the schedule cycles (`momentum`, `beta1`), or null when it sets only lr. */
  private readonly momentumName: string | null
  private readonly lr: number
  private readonly momentum: number
  private seq: ScheduleSequence = { lr: new Float64Array(0), momentum: new Float64Array(0) }
  /** First step the schedule cannot reach (a OneCycleLR stepped past its total_steps), or Infinity. */
  private end = Infinity

  /** `given`: the run's `schedule` as the run reports it (scheduleJson). Throws ScheduleError. */
  constructor(given: unknown, def: OptimizerDef, h: Hparams) {
    this.spec = parseSchedule(given)
    this.momentumName = cyclesMomentum(this.spec) ? momentumCodeName(def) : null
    if (cyclesMomentum(this.spec) && this.momentumName === null)
      throw new ScheduleError('cycle_momentum', `${def.name} has no momentum or betas to cycle (torch refuses)`)
    this.lr = h.lr as number
    this.momentum = baseMomentum(def, h)
  }

  /** The values update t (1-based) uses, as the engine's table row holds them; null past the schedule's end. */
  at(t: number): ScheduledStep | null {
    if (t < 1 || t >= this.end) return null
    if (t > this.seq.lr.length && !this.extend(t)) return null
    const k = t - 1
    return {
      lr: this.seq.lr[k],
      momentum: this.momentumName ? { name: this.momentumName, value: this.seq.momentum[k] } : null,
    }
  }

  /**
   * Recompute the sequence to cover step t (the torch port emits a step's values before stepping,
   * so prefixes agree). A schedule that fails when stepped too far (OneCycleLR past total_steps)
   * is bisected once to its last reachable step instead of being retried step by step.
   */
  private extend(t: number): boolean {
    let hi = Math.max(t, FIRST_STEPS, 2 * this.seq.lr.length)
    if (this.tryLength(hi)) return true
    let lo = this.seq.lr.length
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2)
      if (this.tryLength(mid)) lo = mid
      else hi = mid
    }
    this.end = lo + 1
    return t <= lo
  }

  private tryLength(steps: number): boolean {
    try {
      const seq = scheduleSequence(this.spec, this.lr, this.momentum, steps)
      if (steps > this.seq.lr.length) this.seq = seq
      return true
    } catch (err) {
      if (!(err instanceof ScheduleError)) throw err
      return false
    }
  }
}
