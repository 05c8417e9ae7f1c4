/**
 * What the view can hold. The engine's limits are about running a scenario; the renderer also
 * keeps every kept point of every run at once (job-data's typed arrays, the trajectory vertex
 * buffers and their GPU copies), so a scenario the engine accepts can still be far beyond the
 * renderer: 10⁶ runs × 10⁷ kept points threw "Invalid typed array length" mid-swap. A loaded
 * session is refused up front with the reason and the fix; job-data refuses the same shape
 * again before allocating, for any job that gets that far.
 */
import { effectiveEvery, type Scenario, startCount } from '../store/scenario'

/**
 * Most kept points (all runs together) the view takes. Per point the renderer holds x, y and
 * the loss (12 B; 28 B with the sharpness arrays), a trajectory vertex (16 B) and its GPU copy
 * (16 B), with a quarter more capacity for reuse: about 75 B, so 300 MB at this limit. That is
 * more than twice the automatic budget of the editor (POINT_BUDGET), for files saved with a
 * fixed `record.every`.
 */
export const MAX_VIEW_KEPT_POINTS = 4_000_000

/** Configurations of one optimizer entry: the product of its sweep axes' sizes (1 without a sweep). */
function configCount(entry: Readonly<Record<string, unknown>>): number {
  const sweep = entry.sweep
  if (typeof sweep !== 'object' || sweep === null) return 1
  let product = 1
  for (const axis of Object.values(sweep as Record<string, unknown>)) {
    const a = axis as { values?: unknown; n?: unknown }
    product *= Array.isArray(a?.values) ? a.values.length : typeof a?.n === 'number' ? a.n : 1
  }
  return product
}

/** Runs of a scenario: every configuration of every optimizer entry from every start point. */
export function runsOfScenario(s: Scenario): number {
  return s.optimizers.reduce((sum, o) => sum + configCount(o), 0) * startCount(s.init)
}

/** Why the view cannot take `runs` runs of `kept` points each, or null when it can. */
export function viewCapacityProblem(runs: number, kept: number): string | null {
  const points = runs * kept
  if (points <= MAX_VIEW_KEPT_POINTS) return null
  const fmt = (n: number) => (n < 1e6 ? String(n) : n.toExponential(2).replace('e+', 'e'))
  return `${fmt(runs)} run${runs === 1 ? '' : 's'} × ${fmt(kept)} kept points is ${fmt(points)} points; the view holds at most ${fmt(MAX_VIEW_KEPT_POINTS)}`
}

/**
 * Why a scenario is too large for the view (with the `record.every` that would fit), or null.
 * The CLI has no such limit: it can run the same file as is.
 */
export function scenarioCapacityProblem(s: Scenario): string | null {
  const runs = runsOfScenario(s)
  const every = effectiveEvery(s)
  const kept = Math.floor(s.steps / every) + 1
  const problem = viewCapacityProblem(runs, kept)
  if (problem === null) return null
  const perRun = Math.floor(MAX_VIEW_KEPT_POINTS / runs)
  const fix =
    perRun >= 2
      ? `set record.every to at least ${Math.ceil(s.steps / (perRun - 1))}, or use fewer runs`
      : 'use fewer runs (start points, optimizers or sweep values)'
  return `record.every: ${problem}: ${fix} (the command line runs it as is)`
}
