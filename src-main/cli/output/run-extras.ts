/**
 * What the binary outputs (.npz, .parquet) carry per run beside the hyperparameters: the
 * learning-rate schedule (its JSON, every argument), the rate its last step used (`lr_final`), and
 * the gradient estimator (its JSON). Worked out once per configuration (a sweep's runs from every
 * start point share them).
 */
import { configSchedule } from '../../../src-shared/scenario/schedule-sweep'
import { affineSchedule, baseMomentum, ROW_VALUES, scheduleJson, scheduleSequence, type ScheduleSpec } from '../../../src-shared/schedule'
import type { ColumnarResult, PartResult } from './result'

export interface RunExtras {
  /** The schedule's JSON (scheduleJson), '' without one. */
  readonly schedule: string
  /** The estimator's JSON, '' for the exact gradient. */
  readonly gradient: string
  /**
   * The rate the run's last step used (lr_history's last entry in the JSON output); the run's lr
   * without a schedule or with 0 steps; NaN where the optimizer has no lr.
   */
  readonly lrFinal: number
}

/** Most schedule values replayed exactly (distinct schedules, rates and momenta × steps); beyond, A·lr + B of the affine row. */
const MAX_EXACT_VALUES = 10_000_000

/** Per part of `r`, per configuration. */
export function runExtras(r: ColumnarResult): Map<PartResult, RunExtras[]> {
  const steps = r.scenario.steps
  const out = new Map<PartResult, RunExtras[]>()
  let exactBudget = MAX_EXACT_VALUES
  const exact = new Map<string, number>()
  const affine = new Map<ScheduleSpec, Float64Array>()
  const final = (part: PartResult, c: number, schedule: ScheduleSpec, lr: number): number => {
    const m = baseMomentum(part.config.def, part.config.configs[c])
    const key = `${JSON.stringify(scheduleJson(schedule))}|${lr}|${m}`
    const hit = exact.get(key)
    if (hit !== undefined) return hit
    if (exactBudget >= steps) {
      exactBudget -= steps
      const v = scheduleSequence(schedule, lr, m, steps).lr[steps - 1]
      exact.set(key, v)
      return v
    }
    // Past the budget (a sweep of very many rates over long runs): the affine row, equal within rounding.
    let row = affine.get(schedule)
    if (!row) affine.set(schedule, (row = affineSchedule(schedule, steps)))
    const at = (steps - 1) * ROW_VALUES
    return row[at] * lr + row[at + 1]
  }
  for (const part of r.parts) {
    const gradient = part.config.gradient ? JSON.stringify(part.config.gradient) : ''
    const texts = new Map<ScheduleSpec, string>()
    out.set(
      part,
      part.config.configs.map((h, c) => {
        const schedule = configSchedule(part.config, c)
        const lr = typeof h.lr === 'number' ? h.lr : NaN
        let text = ''
        if (schedule) {
          text = texts.get(schedule) ?? JSON.stringify(scheduleJson(schedule))
          texts.set(schedule, text)
        }
        return { schedule: text, gradient, lrFinal: schedule && steps > 0 ? final(part, c, schedule, lr) : lr }
      }),
    )
  }
  return out
}
