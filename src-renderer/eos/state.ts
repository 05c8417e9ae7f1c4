/**
 * The EoS view's transient state, outside React and zustand (it changes on every pointer move):
 * the highlighted step shared by the charts and the 3-D view, the run shown, and the central
 * flows restarted from GD's iterates. Listeners are called synchronously; the 3-D markers read
 * `eos` in useFrame and only need an invalidate().
 */
import { invalidate } from '@react-three/fiber'
import type { FlowData } from '../../src-shared/api'
import { listeners } from '../data/listeners'

export interface RestartedFlow {
  /** The job and run it was restarted from. */
  readonly jobId: number
  readonly run: number
  /** Kept-point index of GD's iterate it starts from: flow point i is the job's point start + i. */
  readonly start: number
  readonly flow: FlowData
}

export const eos = {
  /** Highlighted kept point (hover on a chart or on the path), or null: the playhead is used. */
  highlight: null as number | null,
  /** A step pinned by a click on the charts: the highlight when the pointer is elsewhere. */
  pinned: null as number | null,
  /** Index of the run shown (into the job's runs). */
  run: 0,
  restarted: [] as RestartedFlow[],
  /** Bumped to ask the 3-D view to frame the shown run's path (EosMarkers honours it). */
  frameRequest: 0,
  /** The last frame request the 3-D view carried out. */
  framed: 0,
  /** Bumped on every change. */
  version: 0,
}

const changes = listeners()

export const onEosChange = changes.on

function changed(): void {
  eos.version++
  changes.emit()
  invalidate()
}

export function setHighlight(k: number | null): void {
  if (eos.highlight === k) return
  eos.highlight = k
  changed()
}

export function setEosRun(run: number): void {
  if (eos.run === run) return
  eos.run = run
  eos.highlight = null
  eos.pinned = null
  changed()
}

export function addRestartedFlow(f: RestartedFlow): void {
  eos.restarted = [...eos.restarted.filter((r) => r.jobId === f.jobId), f].slice(-4)
  changed()
}

/** Restarted flows of another job are dropped (the scenario changed). */
export function restartedFor(jobId: number, run: number): RestartedFlow[] {
  return eos.restarted.filter((r) => r.jobId === jobId && r.run === run)
}

/** Ask the 3-D view to frame the shown run's path (on opening the view, or "Zoom to path"). */
export function requestPathFrame(): void {
  eos.frameRequest++
  changed()
}

/** The 3-D view framed the path for request `n`. */
export function pathFramed(n: number): void {
  if (eos.framed === n) return
  eos.framed = n
  changed()
}
