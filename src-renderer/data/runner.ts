/**
 * Keeps the host busy with what the UI shows: every scenario edit starts a job (at once; edits in
 * one task coalesced; the host supersedes the previous one), every landscape or region change
 * samples a new surface. Results flow into ./job-data; problems into the store.
 */
import type { GradscapeApi, InputProblem, JobStarted } from '../../src-shared/api'
import { problemOf as sharedProblemOf } from '../../src-shared/problem'
import { type Region, type Scenario, startCount, toDoc } from '../store/scenario'
import { showMessage, useUi } from '../store/ui-store'
import { beginJob, handleJobEvent, onJobError, setSurface } from './job-data'
import { clock, restart } from './playback'
import { NETWORK_SURFACE_SAMPLES, networkSurfaceLandscape, sliceNeedsPath } from '../network/surface'
import { installNetworkRegionFit } from '../network/fit-region'

/** Samples per axis of the drawn surface. */
export const SURFACE_SAMPLES = 129

interface Runner {
  /** Run the current scenario again (after an engine restart). */
  rerun(): void
  /** The next job starts its animation from the beginning. */
  restartPlaybackOnNextJob(): void
  dispose(): void
}

/**
 * The input problem behind a failed call: both hosts deliver it whole (an ApiError's `problem`;
 * the preload passes main's envelope through the context bridge unchanged).
 */
const problemOf = (err: unknown): InputProblem | null => sharedProblemOf((err as { problem?: unknown } | null)?.problem) ?? null

export let runner: Runner | null = null

/**
 * What is on screen: the scenario object whose job was last begun, and the landscape and region
 * of the last surface. `inSync()` says both match the store (and nothing is pending), i.e. the
 * view shows the current session (the automation hook waits for this before exporting).
 */
export const shown = {
  scenario: null as Scenario | null,
  surface: null as { landscape: Scenario['landscape']; region: Region } | null,
  pending: 0,
  /** Why the last surface could not be sampled (null after a success). */
  surfaceError: null as string | null,
}

export function inSync(): boolean {
  const { scenario, region } = useUi.getState()
  return (
    shown.pending === 0 && shown.scenario === scenario && shown.surface?.landscape === scenario.landscape && shown.surface.region === region
  )
}

export function startRunner(api: GradscapeApi): Runner {
  let jobQueued = false
  let startedThisTask = false
  let disposed = false
  let issued = 0
  let onScreen = 0
  let restartNext = true // the first job animates from the start
  let surfaceInFlight = false
  let surfaceDirty = false
  let surfaceFrame = 0

  // The job on screen failed (reported also when its error beat the startJob reply).
  const offErrors = onJobError((e) => useUi.setState({ jobProblem: e.problem }))
  const offEvents = api.onJobEvent((e) => {
    handleJobEvent(e)
    if (e.type === 'engine-restarted') {
      showMessage('info', `Engine restarted (${e.reason}); running the scenario again.`)
      scheduleSurface()
      scheduleJob()
    }
  })

  /**
   * Start a job for the store's scenario now, not on the next animation frame: a slider drag's
   * input then reaches the engine at once (the host supersedes the previous job). The job takes
   * the screen with its first chunk (beginJob), the previous one staying until then.
   */
  function scheduleJob(): void {
    if (disposed || jobQueued) return
    if (startedThisTask) {
      jobQueued = true
      return
    }
    // The first edit of a task starts its job synchronously (before React re-renders the panels);
    // later edits in the same task start one more job, for the last of them, at the task's end.
    startedThisTask = true
    queueMicrotask(() => {
      startedThisTask = false
      if (jobQueued && !disposed) {
        jobQueued = false
        startJob()
      }
    })
    startJob()
  }

  function startJob(): void {
    const { scenario } = useUi.getState()
    const seq = ++issued
    const starts = startCount(scenario.init)
    api.startJob(toDoc(scenario)).then(
      (started: JobStarted) => {
        if (disposed || seq <= onScreen) return // a newer job is already on its way to the screen
        onScreen = seq
        const atEnd = clock.followEnd
        beginJob(started, starts, () => {
          shown.scenario = scenario
          if (useUi.getState().jobProblem) useUi.setState({ jobProblem: null })
          if (restartNext) {
            restartNext = false
            restart()
          } else if (atEnd) clock.followEnd = true
        })
      },
      (err: unknown) => {
        if (seq < issued) return // superseded while starting: expected while dragging
        const problem = problemOf(err)
        if (problem) useUi.setState({ jobProblem: problem })
        else if ((err as Error)?.message !== 'superseded')
          showMessage('error', `Could not start the run: ${(err as Error)?.message ?? err}`)
      },
    )
  }

  function scheduleSurface(): void {
    if (surfaceInFlight) {
      surfaceDirty = true
      return
    }
    if (surfaceFrame) return
    surfaceFrame = requestAnimationFrame(() => {
      surfaceFrame = 0
      const { scenario, region } = useUi.getState()
      surfaceInFlight = true
      surfaceDirty = false
      shown.pending++
      // A network's surface is its view slice, sampled by the engine (../network/surface).
      const n = scenario.landscape.network ? NETWORK_SURFACE_SAMPLES : SURFACE_SAMPLES
      const landscape = scenario.landscape.network ? networkSurfaceLandscape(scenario) : scenario.landscape
      api
        .sampleSurface({ landscape, x: region.x, y: region.y, n: [n, n] })
        .then(
          (s) => {
            shown.surface = { landscape: scenario.landscape, region }
            shown.surfaceError = null
            setSurface(s)
          },
          (err: unknown) => {
            const p = problemOf(err)
            shown.surfaceError = `${p?.message ?? (err as Error)?.message ?? err}`
            showMessage('error', `Could not sample the landscape: ${shown.surfaceError}`)
          },
        )
        .finally(() => {
          shown.pending--
          surfaceInFlight = false
          if (surfaceDirty) scheduleSurface()
        })
    })
  }

  const offFit = installNetworkRegionFit()
  const offStore = useUi.subscribe((s, prev) => {
    const landscapeChanged = s.scenario.landscape !== prev.scenario.landscape
    // A network's slice lives in the scenario's extra fields, and a PCA slice follows the run too.
    const sliceChanged =
      s.scenario !== prev.scenario && (s.scenario.extra.slice !== prev.scenario.extra.slice || sliceNeedsPath(s.scenario))
    if (landscapeChanged || s.region !== prev.region || sliceChanged) scheduleSurface()
    if (landscapeChanged) restartNext = true
    if (s.scenario !== prev.scenario) scheduleJob()
  })

  api.info().then(
    (info) => useUi.setState({ info }),
    (err: unknown) => showMessage('error', `Could not reach the engine: ${(err as Error)?.message ?? err}`),
  )
  scheduleSurface()
  scheduleJob()

  runner = {
    rerun: () => {
      scheduleSurface()
      scheduleJob()
    },
    restartPlaybackOnNextJob: () => {
      restartNext = true
    },
    dispose() {
      offEvents()
      offErrors()
      offStore()
      offFit()
      disposed = true
      jobQueued = false
      cancelAnimationFrame(surfaceFrame)
      runner = null
    },
  }
  return runner
}
