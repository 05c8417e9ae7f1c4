/**
 * UI state (zustand): the scenario being edited with its undo/redo history, view options,
 * playback controls, selection and messages. Never trajectory arrays: those live in
 * ../data/job-data.ts and reach the GPU without passing through React.
 */
import { create } from 'zustand'
import type { HostInfo, InputProblem } from '../../src-shared/api'
import { DEFAULT_REGION, DEFAULT_SCENARIO, type Region, type Scenario } from './scenario'

export type HeightScale = 'auto' | 'linear' | 'log'

export interface ViewOptions {
  readonly heightScale: HeightScale
  readonly topDown: boolean
  readonly contours: boolean
  /** Shadows of the trajectories on the floor. */
  readonly floorPaths: boolean
  /** Indices of optimizers hidden in the scene and chart. */
  readonly hidden: readonly number[]
}

/** What undo/redo restores: the scenario and the drawn region (a preset change sets both). */
export interface Snapshot {
  readonly scenario: Scenario
  readonly region: Region
}

export interface Message {
  readonly kind: 'error' | 'info'
  readonly text: string
  /** Monotonic id, so the same text twice still shows. */
  readonly id: number
}

export interface UiState extends Snapshot {
  readonly info: HostInfo | null
  readonly view: ViewOptions
  readonly playing: boolean
  /** Optimizer steps per second. */
  readonly speed: number
  /** Clicks on the surface add start points. */
  readonly pickMode: boolean
  readonly helpOpen: boolean
  readonly aboutOpen: boolean
  /** The scenario panels are hidden (more room for the view). */
  readonly panelsHidden: boolean
  /** The edge-of-stability view is open beside the 3-D view (../eos/EosView.tsx). */
  readonly eosOpen: boolean
  /** The session file last opened or saved (path only inside Electron). */
  readonly currentFile: { readonly name: string; readonly path?: string } | null
  /** A share link just made (shown in its dialog until closed). */
  readonly shareLink: string | null
  /** The Open link dialog (./ui/OpenLinkDialog.tsx) is open. */
  readonly openLinkOpen: boolean
  /** The last job's problem (host refused the scenario), shown until the next good job. */
  readonly jobProblem: InputProblem | null
  readonly message: Message | null
  readonly past: readonly Snapshot[]
  readonly future: readonly Snapshot[]
}

export const SPEEDS = [5, 10, 15, 30, 60, 120, 240, 480, 960] as const
export const DEFAULT_SPEED = 30

export const DEFAULT_VIEW: ViewOptions = { heightScale: 'auto', topDown: false, contours: true, floorPaths: true, hidden: [] }

const HISTORY_LIMIT = 200
/** Edits with the same key this close together are one undo step (a slider drag, typing). */
const COALESCE_MS = 1200

export const initialUiState: UiState = {
  scenario: DEFAULT_SCENARIO,
  region: DEFAULT_REGION,
  info: null,
  view: DEFAULT_VIEW,
  playing: true,
  speed: DEFAULT_SPEED,
  pickMode: false,
  helpOpen: false,
  aboutOpen: false,
  panelsHidden: false,
  eosOpen: false,
  currentFile: null,
  shareLink: null,
  openLinkOpen: false,
  jobProblem: null,
  message: null,
  past: [],
  future: [],
}

export const useUi = create<UiState>()(() => initialUiState)

let lastEdit: { key: string; at: number } | null = null
/** A pointer gesture in progress (a slider held down): all its edits are one undo step. */
let gesture: { key: string; started: boolean } | null = null
let messageId = 0

/**
 * Apply a scenario edit as one undoable step. Consecutive edits with the same `coalesce` key
 * within a short time (dragging a slider, typing) merge into the step that started them.
 */
export function edit(change: (s: Snapshot) => Partial<Snapshot>, coalesce?: string): void {
  const state = useUi.getState()
  const current: Snapshot = { scenario: state.scenario, region: state.region }
  const patch = change(current)
  const next: Snapshot = { ...current, ...patch }
  if (next.scenario === current.scenario && next.region === current.region) return
  const now = performance.now()
  let merge: boolean
  if (gesture && coalesce === gesture.key) {
    merge = gesture.started && state.past.length > 0
    gesture.started = true
  } else {
    merge = coalesce !== undefined && lastEdit?.key === coalesce && now - lastEdit.at < COALESCE_MS && state.past.length > 0
  }
  lastEdit = coalesce === undefined ? null : { key: coalesce, at: now }
  useUi.setState({
    ...next,
    past: merge ? state.past : [...state.past, current].slice(-HISTORY_LIMIT),
    future: [],
  })
}

/** Shorthand for edits of the scenario alone. */
export function editScenario(change: (s: Scenario) => Scenario, coalesce?: string): void {
  edit((snap) => ({ scenario: change(snap.scenario) }), coalesce)
}

/** A pointer went down on a control: its edits (with this coalesce key) form one undo step until endGesture. */
export function beginGesture(key: string): void {
  gesture = { key, started: false }
}

/** End the current gesture and coalescing window (pointer released, field committed). */
export function endGesture(): void {
  gesture = null
  lastEdit = null
}

export function undo(): void {
  const s = useUi.getState()
  const prev = s.past[s.past.length - 1]
  if (!prev) return
  lastEdit = null
  useUi.setState({ ...prev, past: s.past.slice(0, -1), future: [{ scenario: s.scenario, region: s.region }, ...s.future] })
}

export function redo(): void {
  const s = useUi.getState()
  const next = s.future[0]
  if (!next) return
  lastEdit = null
  useUi.setState({ ...next, past: [...s.past, { scenario: s.scenario, region: s.region }], future: s.future.slice(1) })
}

export function setView(patch: Partial<ViewOptions>): void {
  useUi.setState((s) => ({ view: { ...s.view, ...patch } }))
}

export function toggleHidden(index: number): void {
  useUi.setState((s) => ({
    view: { ...s.view, hidden: s.view.hidden.includes(index) ? s.view.hidden.filter((i) => i !== index) : [...s.view.hidden, index] },
  }))
}

export function showMessage(kind: Message['kind'], text: string): void {
  useUi.setState({ message: { kind, text, id: ++messageId } })
}

export function clearMessage(): void {
  useUi.setState({ message: null })
}
