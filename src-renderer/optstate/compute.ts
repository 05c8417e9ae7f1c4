/**
 * The optimizer-state view's model at the playhead: which run and step, the replayed update (a
 * cached Replay per run, advanced incrementally while the playhead moves forward), and why there
 * is none when the replay cannot be trusted or run. No React; the card calls it per frame at most.
 */
import type { JobData } from '../data/job-data'
import type { Scenario } from '../store/scenario'
import { Replay, ReplayError, type StepView } from './replay'

/** Most steps replayed to reach the playhead (a few tens of ms of float64 interpretation per 10⁴). */
export const MAX_REPLAY_STEPS = 200_000

export type StateModel =
  | {
      readonly ok: true
      readonly run: number
      readonly view: StepView
      /** The step asked for (the view's own step is earlier when the run diverged before it). */
      readonly requested: number
      /** Distance from the replayed head to the drawn point, relative to the region's size. */
      readonly mismatch: number
    }
  | { readonly ok: false; readonly run: number; readonly reason: string }

let cached: { key: string; replay: Replay } | null = null

export function stateAtPlayhead(job: JobData, run: number, t: number, scenario: Scenario, regionSize: number): StateModel | null {
  if (job.runs.length === 0 || job.received === 0) return null
  const r = Math.max(0, Math.min(job.runs.length - 1, run))
  const k = Math.max(0, Math.min(Math.floor(t), job.received - 1))
  const step = k * Math.max(1, job.every)
  if (step > MAX_REPLAY_STEPS)
    return { ok: false, run: r, reason: `Step ${step} is past the ${MAX_REPLAY_STEPS.toLocaleString('en')} steps the view replays.` }
  const info = job.runs[r]
  // The run's noise stream is its start point's index, as the engines draw (data/estimates.ts pointQuad).
  const draws = { stream: r % Math.max(1, job.starts), noise: scenario.noise }
  const key = JSON.stringify([scenario.landscape, info.optimizer, info.init, draws])
  try {
    if (cached?.key !== key) cached = { key, replay: new Replay(scenario.landscape, info.optimizer, info.init, draws) }
    cached.replay.seek(step)
    const view = cached.replay.view()
    const i = r * job.kept + k
    const mismatch = Math.hypot(view.head[0] - job.xy[2 * i], view.head[1] - job.xy[2 * i + 1]) / regionSize
    return { ok: true, run: r, view, requested: step, mismatch }
  } catch (err) {
    cached = null
    const why = (err as Error).message
    return { ok: false, run: r, reason: err instanceof ReplayError ? `Not available: ${why}.` : `The replay failed: ${why}` }
  }
}
