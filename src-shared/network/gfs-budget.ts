/**
 * What a network's gradient-flow-solution sharpness may cost (record.gfs_sharpness, ./gfs.ts). A
 * flow that does not converge spends its whole gradient budget, so the bounds are on the worst
 * case. Pure and import-free: the scenario parser refuses with these messages, and the renderer
 * asks the same question before it offers the toggle (it cannot import the parser's data code).
 */

/** Gradient evaluations (forward + backward passes) one flow may take before it reports "not converged". */
export const GFS_MAX_GRADIENTS = 20_000
/** Gradient-flow solves per scenario: one per run at each step with eigenvalues. */
export const MAX_GFS_EVALUATIONS = 2000
/**
 * Worst-case work of those solves: solves × gradient budget × examples × parameters (a gradient costs about 10 ns per
 * example·parameter in float64 JS, so this is ~2–3 minutes). On the 433-parameter, 128-example reference net it allows 13 solves.
 */
export const MAX_GFS_WORK = 1.5e10

export interface GfsBudgetQuestion {
  readonly runs: number
  readonly steps: number
  /** Steps between eigenvalue steps (record.eigen_every): a flow starts at steps 0, eigenEvery, 2·eigenEvery, … */
  readonly eigenEvery: number
  readonly examples: number
  readonly parameters: number
}

/** Gradient-flow solves the work bound allows on a net of this size. */
export function gfsSolvesAllowed(examples: number, parameters: number): number {
  return Math.floor(MAX_GFS_WORK / (GFS_MAX_GRADIENTS * examples * parameters))
}

/** Why such a scenario's GFS would be refused (a sentence to show after the field's name), or null when it fits. */
export function gfsBudgetProblem(q: GfsBudgetQuestion): string | null {
  const points = Math.floor(q.steps / q.eigenEvery) + 1
  const solves = q.runs * points
  if (solves > MAX_GFS_EVALUATIONS)
    return `${q.runs} runs × ${points} steps with eigenvalues is ${solves} gradient-flow solves, more than ${MAX_GFS_EVALUATIONS} (each integrates a flow to convergence): raise record.eigen_every or use fewer runs`
  const work = solves * GFS_MAX_GRADIENTS * q.examples * q.parameters
  if (work > MAX_GFS_WORK)
    return `${solves} gradient-flow solves × up to ${GFS_MAX_GRADIENTS} gradients × ${q.examples} examples × ${q.parameters} parameters is ${work.toExponential(1)}, more than ${MAX_GFS_WORK.toExponential(1)} (minutes of work where flows do not converge): allow at most ${gfsSolvesAllowed(q.examples, q.parameters)} solves (raise record.eigen_every or use fewer runs)`
  return null
}
