/**
 * The export dialog's state (zustand, apart from the session's store: nothing here is part of
 * a session or its undo history): which tab, the settings of each kind of export (kept between
 * openings), and the task in progress with its outcome.
 */
import { create } from 'zustand'
import { ALL_OVERLAYS, type CameraMotion, NO_OVERLAYS, type Overlays, type SizePreset, type VideoCodecChoice } from './options'
import type { RunSelection } from './data'
import type { ExportProgress } from './video'

export type ExportTab = 'video' | 'image' | 'chart' | 'data'

export interface VideoForm {
  readonly codec: VideoCodecChoice
  readonly size: SizePreset
  readonly custom: readonly [number, number]
  readonly fps: number
  readonly fromStep: number
  /** null: the last step of the run. */
  readonly toStep: number | null
  /** Frame count from a duration, or from a playback speed over the step range. */
  readonly timing: 'duration' | 'speed'
  readonly duration: number
  /** Optimizer steps per second of video. */
  readonly speed: number
  readonly camera: CameraMotion
  readonly orbitDegrees: number
  /** Empty: the landscape's name. */
  readonly title: string
  readonly overlays: Overlays
}

export interface ImageForm {
  readonly size: SizePreset | 'view'
  readonly custom: readonly [number, number]
  readonly title: string
  readonly overlays: Overlays
}

export interface ChartForm {
  readonly width: number
  readonly height: number
  /** PNG pixels per layout pixel. */
  readonly scale: number
}

export interface ExportTask {
  readonly kind: 'video' | 'image' | 'chart' | 'data'
  readonly progress: ExportProgress | null
  readonly cancel: (() => void) | null
}

export interface ExportOutcome {
  readonly kind: 'ok' | 'error' | 'cancelled'
  readonly text: string
  /** Monotonic, so the same text twice still re-renders. */
  readonly id: number
}

/** A finished export whose write failed: it can be saved again without rendering again. */
export interface PendingSave {
  readonly blob: Blob
  readonly suggestedName: string
  readonly summary: string
}

export interface ExportState {
  readonly open: boolean
  readonly tab: ExportTab
  readonly video: VideoForm
  readonly image: ImageForm
  readonly chart: ChartForm
  readonly selection: RunSelection
  readonly task: ExportTask | null
  readonly outcome: ExportOutcome | null
  readonly pending: PendingSave | null
}

export const DEFAULT_VIDEO: VideoForm = {
  codec: 'h264',
  size: '720p',
  custom: [1280, 720],
  fps: 30,
  fromStep: 0,
  toStep: null,
  timing: 'speed',
  duration: 10,
  speed: 30,
  camera: 'fixed',
  orbitDegrees: 360,
  title: '',
  overlays: ALL_OVERLAYS,
}

export const useExport = create<ExportState>()(() => ({
  open: false,
  tab: 'video',
  video: DEFAULT_VIDEO,
  image: { size: 'view', custom: [1920, 1080], title: '', overlays: NO_OVERLAYS },
  chart: { width: 900, height: 460, scale: 2 },
  selection: 'all',
  task: null,
  outcome: null,
  pending: null,
}))

let outcomeId = 0
export function setOutcome(kind: ExportOutcome['kind'], text: string): void {
  useExport.setState({ outcome: { kind, text, id: ++outcomeId } })
}

export function openExport(tab?: ExportTab): void {
  useExport.setState((s) => ({ open: true, tab: tab ?? s.tab, outcome: s.task ? s.outcome : null }))
}

/** Close the dialog (not while a task runs: cancel it first). */
export function closeExport(): void {
  if (useExport.getState().task) return
  useExport.setState({ open: false })
}

export function patchVideo(patch: Partial<VideoForm>): void {
  useExport.setState((s) => ({ video: { ...s.video, ...patch } }))
}

export function patchImage(patch: Partial<ImageForm>): void {
  useExport.setState((s) => ({ image: { ...s.image, ...patch } }))
}

export function patchChart(patch: Partial<ChartForm>): void {
  useExport.setState((s) => ({ chart: { ...s.chart, ...patch } }))
}
