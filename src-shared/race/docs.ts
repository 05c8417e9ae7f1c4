/**
 * The two scenario documents of a race, built on the scenario being edited (its landscape, start
 * points, noise and precision): the learning-rate search, where every optimizer carries an `lr`
 * sweep over the same log grid (one job, one launch), and the race itself, every optimizer at its
 * chosen rate. Both run the same number of steps from the same starts, record the same points and
 * leave central flows off.
 */
import type { ScenarioDoc } from '../api'
import type { LrGrid } from './tune'

export type RaceOptimizer = { readonly name: string } & Readonly<Record<string, unknown>>

/** Most kept points a race job holds (all runs together). */
export const RACE_POINT_BUDGET = 4_000_000

/**
 * The recording interval: the smallest divisor of `steps` that keeps runs × kept points within the
 * budget, so the last kept point is the last step (the final loss is the loss after `steps`).
 */
export function raceEvery(steps: number, runs: number, budget = RACE_POINT_BUDGET): number {
  if (steps <= 0) return 1
  const perRun = Math.max(2, Math.floor(budget / Math.max(1, runs)))
  let every = Math.max(1, Math.ceil(steps / (perRun - 1)))
  while (steps % every !== 0) every++
  return every
}

function common(base: ScenarioDoc, steps: number, every: number): Record<string, unknown> {
  const { optimizer: _one, optimizers: _many, view: _view, ...rest } = base as Record<string, unknown>
  return { ...rest, steps, record: { every }, central_flow: false }
}

/** `tunable[i]` false: optimizer i has no learning rate and runs once, at its own settings. */
export function tuneDoc(
  base: ScenarioDoc,
  optimizers: readonly RaceOptimizer[],
  tunable: readonly boolean[],
  grid: LrGrid,
  steps: number,
  every: number,
): ScenarioDoc {
  return {
    ...common(base, steps, every),
    optimizers: optimizers.map((o, i) => (tunable[i] ? { ...o, sweep: { lr: { log: [grid.from, grid.to], n: grid.n } } } : { ...o })),
  }
}

export function raceDoc(base: ScenarioDoc, optimizers: readonly RaceOptimizer[], steps: number, every: number): ScenarioDoc {
  return { ...common(base, steps, every), optimizers: optimizers.map((o) => ({ ...o })) }
}
