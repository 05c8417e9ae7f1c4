/**
 * The JobStarted of a scenario: each optimizer entry by its axes (base hyperparameters and swept
 * values), the start points once. Its size grows with the axes, never with their product, so a
 * 10⁶-configuration sweep costs the host's main thread a few kilobytes to encode.
 */
import type { JobStarted, OptimizerRuns } from '../../src-shared/api'
import type { Hparams } from '../../src-shared/optim'
import type { Scenario } from '../../src-shared/scenario'
import { scheduleField } from '../../src-shared/schedule'

export function jobStarted(jobId: number, s: Scenario): JobStarted {
  const starts = new Float64Array(2 * s.starts.x.length)
  for (let i = 0; i < s.starts.x.length; i++) {
    starts[2 * i] = s.starts.x[i]
    starts[2 * i + 1] = s.starts.y[i]
  }
  const optimizers: OptimizerRuns[] = s.optimizers.map((o) => ({
    // The estimator rides with the fields like the schedule (legend labels, the Export dialog's data).
    base: { name: o.def.name, ...(o.hparams as Hparams), ...scheduleField(o.schedule), ...(o.gradient ? { gradient: o.gradient } : {}) },
    sweep: (o.sweep ?? []).map((axis) => ({ key: axis.key, values: Float64Array.from(axis.values) })),
  }))
  return { jobId, optimizers, starts, kept: Math.floor(s.steps / s.record.every) + 1, every: s.record.every }
}
