/**
 * The playhead: a kept-point index (fractional while animating) that the scene, the timeline and
 * the chart cursor read every frame. It lives here, not in React state, because it changes 60
 * times a second; `playing` and `speed` (which change on a click) live in the zustand store.
 */
import { invalidate } from '@react-three/fiber'
import { useUi } from '../store/ui-store'
import { job, onJobChange, surfaceData } from './job-data'
import { listeners } from './listeners'

/** Where a drawing reads its playhead: the playback clock, or an exporter's own frame time. */
export interface Playhead {
  readonly t: number
}

export const clock = {
  /** Playhead in kept points (0 … kept − 1). */
  t: 0,
  /** Show everything received (after playback ended, an edit shows its whole result at once). */
  followEnd: false,
}

const ticks = listeners()

/** Called after the playhead moved (at most once per frame). */
export const onPlayhead = ticks.on

function notify(): void {
  ticks.emit()
  invalidate()
}

const lastPoint = () => Math.max(0, job.kept - 1)
const available = () => Math.max(0, job.received - 1)

/** Advance by `dt` seconds; returns whether another frame is needed. */
export function tick(dt: number): boolean {
  const { playing, speed } = useUi.getState()
  const before = clock.t
  if (clock.followEnd) {
    clock.t = available()
  } else if (playing) {
    clock.t = Math.min(clock.t + (Math.min(dt, 0.25) * speed) / Math.max(1, job.every), available())
    if (job.done && clock.t >= lastPoint()) {
      clock.t = lastPoint()
      // Playback reached the end: stop (outside the frame callback).
      setTimeout(() => {
        useUi.setState({ playing: false })
        clock.followEnd = true
      }, 0)
    }
  }
  if (clock.t !== before) notify()
  return playing && !clock.followEnd
}

export function play(): void {
  if (clock.followEnd || clock.t >= lastPoint()) clock.t = 0
  clock.followEnd = false
  useUi.setState({ playing: true })
  notify()
}

export function pause(): void {
  useUi.setState({ playing: false })
  clock.t = Math.floor(clock.t)
  notify()
}

export function togglePlay(): void {
  if (useUi.getState().playing) pause()
  else play()
}

/** Move the playhead to kept point `t` (paused). */
export function seek(t: number): void {
  useUi.setState({ playing: false })
  const end = lastPoint()
  clock.t = Math.max(0, Math.min(end, Math.round(t)))
  clock.followEnd = job.done && clock.t >= end
  notify()
}

export function stepBy(n: number): void {
  seek(Math.round(clock.t) + n)
}

export function restart(): void {
  clock.t = 0
  clock.followEnd = false
  useUi.setState({ playing: true })
  notify()
}

export function toEnd(): void {
  useUi.setState({ playing: false })
  clock.followEnd = true
  clock.t = available()
  notify()
}

/** The displayed step number (optimizer steps, not kept points). */
export function currentStep(): number {
  return Math.round(clock.t) * Math.max(1, job.every)
}

/** The data as of the last redraw request: what a change is compared against. */
const requested = { jobId: -1, received: 0, flows: 0, done: false, surface: -1 }

/**
 * New data: follow it when following, and redraw when the view changes. A chunk that only adds
 * points past the playhead (paused mid-run, or a slider drag's job streaming in behind the
 * playhead) changes nothing on screen: no frame for it, so a slow GPU is not kept busy drawing the
 * same picture (the scene copies those points when the playhead reaches them).
 */
onJobChange(() => {
  const before = clock.t
  if (clock.followEnd) clock.t = available()
  else clock.t = Math.min(clock.t, Math.max(lastPoint(), 0))
  const r = requested
  const unchanged =
    clock.t === before && r.jobId === job.jobId && r.flows === job.flows.length && r.done === job.done && r.surface === surfaceData.version
  // The playhead's segment (points floor(t) and floor(t) + 1) was already there.
  const covered = r.received >= Math.min(job.kept, Math.floor(clock.t) + 2)
  r.jobId = job.jobId
  r.received = job.received
  r.flows = job.flows.length
  r.done = job.done
  r.surface = surfaceData.version
  if (unchanged && covered) return
  notify()
})
