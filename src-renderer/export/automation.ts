/**
 * `window.gradscapeAutomation`, installed only when the page is opened with `?automation` (the
 * headless `gradscape render` and the end-to-end tests): load a session, wait until the view
 * shows it, and run an export through the dialog's own code path (the form is filled as a user
 * would, then the same start function runs). It can do nothing the UI cannot.
 */
import { getApi } from '../api'
import { job } from '../data/job-data'
import { eosModel } from '../eos/model'
import { eos, restartedFor } from '../eos/state'
import { inSync, shown } from '../data/runner'
import { useUi } from '../store/ui-store'
import { loadSessionText } from '../ui/session'
import { lastVideo, startVideoExport } from './run'
import { simulateWriteFailure } from './save'
import { openExport, patchVideo, useExport, type VideoForm } from './state'
import type { ExportProgress } from './video'

export interface AutomationVideoRequest extends Partial<VideoForm> {
  /** Exact frame count: sets the duration to frames / fps. */
  readonly frames?: number
}

export interface AutomationResult {
  readonly ok: boolean
  readonly kind: 'ok' | 'error' | 'cancelled'
  readonly text: string
  readonly name?: string
  readonly frames?: number
  readonly codecString?: string
  readonly bytes?: number
  readonly msPerFrame?: number
  readonly renderMsPerFrame?: number
  readonly encodeMsPerFrame?: number
  readonly seconds?: number
}

export interface GradscapeAutomation {
  /** Load a session or scenario document (validated like File ▸ Open). */
  loadSession(text: string, name?: string): Promise<{ ok: boolean; reason?: string }>
  /** The view shows the session's finished run and its surface. */
  ready(): boolean
  /** Resolves when ready(); rejects with the job's problem or after `timeoutMs`. */
  waitReady(timeoutMs?: number): Promise<void>
  /** The last step of the run on screen. */
  lastStep(): number
  exportVideo(request: AutomationVideoRequest): Promise<AutomationResult>
  progress(): ExportProgress | null
  cancel(): void
  /** The next export write fails with `message` (testing error reporting). */
  simulateWriteFailure(message: string | null): void
  /** Read-only: what the edge-of-stability view shows (numbers for the end-to-end tests). */
  eosState(): EosAutomationState
}

export interface EosAutomationState {
  readonly open: boolean
  readonly jobId: number
  readonly done: boolean
  readonly run: number
  /** Steps per kept point. */
  readonly every: number
  /** The run's kept iterates so far, interleaved x, y. */
  readonly xy: number[]
  /** Step of the EoS onset, or null. */
  readonly onsetStep: number | null
  /** The run's central flow's last point and stop, when it has one. */
  readonly flowEnd: readonly [number, number] | null
  readonly flowStoppedAt: number | null
  /** The run's central flow's predicted loss L + ½⟨H, Σ⟩ per kept point (NaN where it stopped), when it has one. */
  readonly flowPredictedLoss: number[] | null
  /** The run's smoothed loss per kept point (panel (a)'s bold line). */
  readonly smoothedLoss: number[]
  /** Restarted flows of this run: their start steps and last points. */
  readonly restarted: ReadonlyArray<{ readonly startStep: number; readonly end: readonly [number, number] }>
  /** Highlighted step (chart or path hover), or null. */
  readonly highlightStep: number | null
  /** The region the 3-D view draws (plane coordinates a, b for a network). */
  readonly region: { readonly x: readonly [number, number]; readonly y: readonly [number, number] }
}

declare global {
  interface Window {
    gradscapeAutomation?: GradscapeAutomation
  }
}

const ready = () => inSync() && job.done && job.runs.length > 0

export function installAutomation(): void {
  if (!new URLSearchParams(window.location.search).has('automation')) return
  const automation: GradscapeAutomation = {
    async loadSession(text, name = 'scenario.json') {
      const r = await loadSessionText(getApi(), text, name)
      return r.ok ? { ok: true } : { ok: false, reason: r.reason }
    },
    ready,
    waitReady(timeoutMs = 120_000) {
      const t0 = performance.now()
      return new Promise((resolve, reject) => {
        const check = () => {
          const problem = useUi.getState().jobProblem
          if (problem) {
            reject(new Error(problem.message))
            return
          }
          if (shown.surfaceError && shown.pending === 0) {
            reject(new Error(`the landscape could not be sampled: ${shown.surfaceError}`))
            return
          }
          if (ready()) {
            resolve()
            return
          }
          if (performance.now() - t0 > timeoutMs) {
            reject(new Error('the run did not finish in time'))
            return
          }
          setTimeout(check, 50)
        }
        check()
      })
    },
    lastStep: () => Math.max(0, (job.kept - 1) * Math.max(1, job.every)),
    async exportVideo(request) {
      const { frames, ...form } = request
      patchVideo(form)
      if (frames !== undefined) {
        const fps = useExport.getState().video.fps
        patchVideo({ timing: 'duration', duration: frames / fps })
      }
      openExport('video')
      const outcome = await startVideoExport()
      const v = outcome.kind === 'ok' ? lastVideo : null
      return {
        ok: outcome.kind === 'ok',
        kind: outcome.kind,
        text: outcome.text,
        ...(v
          ? {
              name: v.name,
              frames: v.frames,
              codecString: v.codecString,
              bytes: v.bytes,
              msPerFrame: v.msPerFrame,
              renderMsPerFrame: v.renderMsPerFrame,
              encodeMsPerFrame: v.encodeMsPerFrame,
              seconds: v.seconds,
            }
          : {}),
      }
    },
    progress: () => useExport.getState().task?.progress ?? null,
    cancel: () => useExport.getState().task?.cancel?.(),
    simulateWriteFailure,
    eosState() {
      const r = Math.max(0, Math.min(job.runs.length - 1, eos.run))
      const m = eosModel(job, r, restartedFor(job.jobId, r))
      const every = Math.max(1, job.every)
      const last = (xy: Float32Array): [number, number] => [xy[xy.length - 2], xy[xy.length - 1]]
      return {
        open: useUi.getState().eosOpen,
        jobId: job.jobId,
        done: job.done,
        run: r,
        every,
        xy: m ? Array.from(m.xy) : [],
        onsetStep: m?.onset != null ? m.onset * every : null,
        flowEnd: m?.flow ? last(m.flow.xy) : null,
        flowStoppedAt: m?.flow?.stoppedAt ?? null,
        flowPredictedLoss: m?.flow ? Array.from(m.flow.predictedLoss) : null,
        smoothedLoss: m ? Array.from(m.smoothedLoss) : [],
        restarted: (m?.restarted ?? []).map((f) => ({ startStep: f.start * every, end: last(f.flow.xy) })),
        highlightStep: eos.highlight === null ? null : eos.highlight * every,
        region: useUi.getState().region,
      }
    },
  }
  window.gradscapeAutomation = automation
}
