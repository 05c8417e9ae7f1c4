/**
 * Test-only timing hook for the UI benchmark (bench/ui-latency.ts, `npm run bench -- --ui`).
 *
 * Inert in the product: it is active only when a benchmark defined `window.__gradscapePerf`
 * before the app's scripts ran (playwright's addInitScript). Otherwise `perfProbe` is undefined,
 * nothing is registered, and each call site costs one falsy check per frame.
 */
import { addAfterEffect, addEffect } from '@react-three/fiber'

export interface PerfProbe {
  /** An R3F frame-loop tick begins (before any useFrame); performance.now(). */
  frameStart(now: number): void
  /** The tick ended: every useFrame ran and gl.render issued its WebGL calls; performance.now(). */
  frameEnd(now: number): void
  /**
   * Trajectories' useFrame ran in this tick: the job on screen, how many of its kept points are in
   * the GPU buffer (0 = nothing of it drawn yet), the callback's start and end (performance.now()),
   * and whether the frame shows the job complete: it is done and every point the view shows (up to
   * the playhead) is in the buffer (points past a paused playhead are copied when it gets there).
   */
  trajectories(jobId: number, points: number, t0: number, t1: number, complete: boolean): void
  /** The loss chart redrew (spec and canvas strokes): start and end, performance.now(). */
  chart?(t0: number, t1: number): void
}

export const perfProbe: PerfProbe | undefined =
  typeof window === 'undefined' ? undefined : (window as { __gradscapePerf?: PerfProbe }).__gradscapePerf

if (perfProbe) {
  addEffect(() => perfProbe.frameStart(performance.now()))
  addAfterEffect(() => perfProbe.frameEnd(performance.now()))
}
