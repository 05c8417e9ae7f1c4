/**
 * What an export draws, frozen when it starts: a copy of the job's arrays, the surface, the view
 * options, the camera pose and the labels. Editing the scenario while a video renders starts a
 * new job on screen; the export keeps drawing the run it began with.
 */
import type { HostInfo, ScenarioDoc, Surface } from '../../src-shared/api'
import { type JobData, job, surfaceData } from '../data/job-data'
import { cameraControls, type CameraPose } from '../scene/CameraRig'
import { OPTIMIZER_COLORS } from '../scene/palette'
import type { SceneLook } from '../scene/Scene'
import { landscapeExpr, optimizerLabel, presetOf, type Scenario, toDoc } from '../store/scenario'
import { useUi } from '../store/ui-store'

export interface ExportData {
  readonly job: JobData
  readonly surface: Surface
  readonly look: SceneLook
  readonly pose: CameraPose
  /** One label and colour per optimizer (the job's order). */
  readonly labels: readonly string[]
  readonly colors: readonly string[]
  /** The preset's title, or "Custom landscape". */
  readonly defaultTitle: string
  /** f(x, y) = … */
  readonly expression: string
  readonly scenario: ScenarioDoc
  /** The last optimizer step of the run. */
  readonly lastStep: number
  readonly version: string
}

/** Labels of the job's optimizers, from the hyperparameters each run actually used. */
export function optimizerLabels(data: Pick<JobData, 'runs' | 'starts' | 'optimizers'>, info: HostInfo | null): string[] {
  const out: string[] = []
  for (let o = 0; o < data.optimizers; o++) {
    const run = data.runs[o * Math.max(1, data.starts)]
    out.push(run ? optimizerLabel(run.optimizer, info) : `optimizer ${o + 1}`)
  }
  return out
}

export function defaultTitle(scenario: Scenario, info: HostInfo | null): string {
  return presetOf(scenario, info)?.title ?? 'Custom landscape'
}

/** Why nothing can be exported right now (no data yet), or null. */
export function exportBlocker(needDone = true): string | null {
  if (!surfaceData.surface) return 'The landscape has not been sampled yet.'
  if (job.runs.length === 0 || job.received === 0) return 'There is no run to export yet.'
  if (needDone && !job.done) return 'The run is still being computed.'
  return null
}

/** Freeze what is on screen. Call when exportBlocker() is null. */
export function captureExport(): ExportData {
  const surface = surfaceData.surface
  if (!surface) throw new Error('no surface')
  const n = job.runs.length * job.kept
  const frozen: JobData = {
    ...job,
    xy: job.xy.slice(0, 2 * n),
    loss: job.loss.slice(0, n),
    divergedAt: job.divergedAt ? job.divergedAt.slice() : null,
    flows: [...job.flows],
  }
  const { view, scenario, info } = useUi.getState()
  return {
    job: frozen,
    surface,
    look: {
      heightScale: view.heightScale,
      topDown: view.topDown,
      contours: view.contours,
      floorPaths: view.floorPaths,
      hidden: [...view.hidden],
    },
    pose: cameraControls.pose(),
    labels: optimizerLabels(job, info),
    colors: OPTIMIZER_COLORS,
    defaultTitle: defaultTitle(scenario, info),
    expression: landscapeExpr(scenario, info),
    scenario: toDoc(scenario),
    lastStep: Math.max(0, (job.kept - 1) * Math.max(1, job.every)),
    version: info?.version ?? '',
  }
}

/** Median finite loss of optimizer `o`'s runs at kept point `j` (NaN when none is finite). */
export function medianLoss(data: JobData, o: number, j: number): number {
  const values: number[] = []
  const k = Math.max(0, Math.min(j, data.kept - 1, data.received - 1))
  for (let s = 0; s < data.starts; s++) {
    const v = data.loss[(o * data.starts + s) * data.kept + k]
    if (Number.isFinite(v)) values.push(v)
  }
  if (values.length === 0) return NaN
  values.sort((a, b) => a - b)
  return values[Math.floor((values.length - 1) / 2)]
}
