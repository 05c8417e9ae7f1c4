/**
 * The per-step table the engines read: rows of [A, B, C, D] per step (sequence.ts), one row index
 * per particle. The float64 path gets exact rows (torch's own arithmetic for each distinct base
 * rate and momentum, A = C = 0) while a job has few of them, else one affine row; the float32
 * kernels always get the one affine row, every particle of a launch reads the same entries.
 */
import type { Hparams, OptimizerDef } from '../optim'
import { affineSchedule, exactRow, ROW_VALUES } from './sequence'
import { cyclesMomentum, type ScheduleSpec } from './spec'

export interface ScheduleTable {
  readonly steps: number
  readonly rows: number
  /** Row r, step k (0-based): [A, B, C, D] at (r·steps + k)·ROW_VALUES; lr = A·lr₀ + B, momentum = C·m₀ + D. */
  readonly values: Float64Array
  /** Each particle's row. */
  readonly row: Int32Array
  /** The rule's code name of the momentum the schedule sets (`momentum`, `beta1`), or null when it sets only the rate. */
  readonly momentum: string | null
}

/** Most exact rows a float64 job gets (each is `steps` entries long), and most steps over all of them. */
const MAX_EXACT_ROWS = 64
const MAX_EXACT_STEPS = 1 << 22

/**
 * The rule's code name of the value torch's OneCycleLR cycles: `betas[0]` when the optimizer has
 * betas (torch: `use_beta1 = 'betas' in optimizer.defaults`), else `momentum`, else null.
 */
export function momentumCodeName(def: OptimizerDef): string | null {
  const betas = def.hparams.betas
  if (betas?.kind === 'pair') return betas.codeNames[0]
  return def.hparams.momentum?.kind === 'number' ? 'momentum' : null
}

/** The optimizer's base momentum (`momentum` or `betas[0]`), 0 when it has none. */
export function baseMomentum(def: OptimizerDef, h: Hparams): number {
  if (def.hparams.betas?.kind === 'pair') return (h.betas as readonly [number, number])[0]
  return typeof h.momentum === 'number' ? h.momentum : 0
}

/**
 * The table for a job of `configs` (each run from `starts` start points, configuration-major, as
 * the engine lays particles out). `exact`: rows with torch's arithmetic per distinct base (float64).
 */
export function scheduleTable(
  spec: ScheduleSpec,
  def: OptimizerDef,
  configs: readonly Hparams[],
  starts: number,
  steps: number,
  exact: boolean,
): ScheduleTable {
  return groupedScheduleTable([spec], new Int32Array(configs.length), def, configs, starts, steps, exact)
}

/**
 * The table for a job whose configurations run different schedules (a sweep over schedule
 * arguments): configuration c runs `specs[of[c]]`. Exact rows per distinct (schedule, base rate,
 * base momentum) while they fit, else one affine row per schedule. Every schedule must set the
 * same values (they differ in numeric arguments only, so they do).
 */
export function groupedScheduleTable(
  specs: readonly ScheduleSpec[],
  of: Int32Array,
  def: OptimizerDef,
  configs: readonly Hparams[],
  starts: number,
  steps: number,
  exact: boolean,
): ScheduleTable {
  const bases = configs.map((h) => [h.lr as number, baseMomentum(def, h)] as const)
  const keyOf = (c: number) => `${of[c]},${bases[c][0]},${bases[c][1]}`
  const keys = [...new Set(configs.map((_, c) => keyOf(c)))]
  const useExact = exact && keys.length <= MAX_EXACT_ROWS && keys.length * steps <= MAX_EXACT_STEPS
  const rows = useExact ? keys.length : specs.length
  const values = new Float64Array(rows * steps * ROW_VALUES)
  if (useExact) {
    keys.forEach((key, r) => {
      const [g, l, m] = key.split(',').map(Number)
      exactRow(specs[g], l, m, steps, values, r * steps * ROW_VALUES)
    })
  } else specs.forEach((spec, g) => affineSchedule(spec, steps, values, g * steps * ROW_VALUES))
  const row = new Int32Array(configs.length * starts)
  const rowOf = useExact ? new Map(keys.map((k, r) => [k, r])) : null
  configs.forEach((_, c) => row.fill(rowOf ? rowOf.get(keyOf(c))! : of[c], c * starts, (c + 1) * starts))
  return { steps, rows, values, row, momentum: cyclesMomentum(specs[0]) ? momentumCodeName(def) : null }
}
