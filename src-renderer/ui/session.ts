/**
 * Sessions on disk: the scenario document (SCENARIO.md, so the CLI runs a saved session as is)
 * plus a `view` field. Loading refuses a corrupt file with the reason (the host's
 * validateScenario names the field) and leaves the current session untouched.
 *
 * Inside Electron the shell's native dialogs are used (Save writes in place once a file is known);
 * in a browser, Save downloads the file and Open reads one through a file input.
 */
import { networkRegion } from '../network/surface'
import type { GradscapeApi } from '../../src-shared/api'
import { decodeUtf8Text } from '../../src-shared/utf8'
import { getConnection } from '../api'
import { runner } from '../data/runner'
import { scenarioCapacityProblem } from '../data/view-capacity'
import { DEFAULT_REGION, DEFAULT_SCENARIO, fromDoc, type Region, type Scenario, toDoc } from '../store/scenario'
import { DEFAULT_SPEED, DEFAULT_VIEW, edit, type HeightScale, showMessage, useUi, type ViewOptions } from '../store/ui-store'
import { markSaved } from './unsaved'
import { loadSessionParts, saveSessionParts } from './session-parts'
import { isObject } from '../../src-shared/problem'

export interface SessionView {
  readonly region: Region
  readonly heightScale: HeightScale
  readonly topDown: boolean
  readonly contours: boolean
  readonly floorPaths: boolean
  readonly hidden: readonly number[]
  readonly speed: number
}

export const MAX_SESSION_BYTES = 16 * 1024 * 1024

export function sessionDocument(): Record<string, unknown> {
  const s = useUi.getState()
  const view: SessionView = {
    region: s.region,
    heightScale: s.view.heightScale,
    topDown: s.view.topDown,
    contours: s.view.contours,
    floorPaths: s.view.floorPaths,
    hidden: s.view.hidden,
    speed: s.speed,
  }
  // The camera and the sweep settings (and any other registered part) ride along in `view`.
  return { ...toDoc(s.scenario), view: { ...saveSessionParts(), ...view } }
}

export function sessionFileName(s: Scenario): string {
  const name = s.landscape.expr !== undefined ? 'custom' : (s.landscape.preset ?? 'session')
  const d = new Date()
  const pad = (n: number) => String(n).padStart(2, '0')
  return `gradscape-${name}-${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}.json`
}

/** Hand a file to the browser's downloads (in Electron: the shell's download handling). */
export function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** Save the session: in place (Electron, once a file is known), else through a dialog or a download. */
export async function saveSession(asNew = false): Promise<void> {
  const text = JSON.stringify(sessionDocument(), null, 2) + '\n'
  const { scenario, currentFile } = useUi.getState()
  const shell = getConnection().shell
  if (shell) {
    try {
      const saved = await shell.saveSessionFile(text, currentFile?.name ?? sessionFileName(scenario), asNew ? undefined : currentFile?.path)
      if (!saved) return
      useUi.setState({ currentFile: saved })
      markSaved()
      showMessage('info', `Saved ${saved.name}`)
    } catch (err) {
      showMessage('error', `Could not save: ${(err as Error).message}`)
    }
    return
  }
  const name = sessionFileName(scenario)
  download(name, new Blob([text], { type: 'application/json' }))
  useUi.setState({ currentFile: { name } })
  markSaved()
  showMessage('info', `Saved ${name}`)
}

const isRange = (v: unknown): v is [number, number] =>
  Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && Number.isFinite(x)) && (v[0] as number) < (v[1] as number)

/** Check the `view` field; a string says what is wrong. */
export function parseView(v: unknown): Partial<SessionView> | string {
  if (v === undefined) return {}
  if (!isObject(v)) return 'view: must be an object'
  const out: { -readonly [K in keyof SessionView]?: SessionView[K] } = {}
  if (v.region !== undefined) {
    if (!isObject(v.region) || !isRange(v.region.x) || !isRange(v.region.y))
      return 'view.region: must be {"x": [min, max], "y": [min, max]} with min < max'
    out.region = { x: v.region.x, y: v.region.y }
  }
  if (v.heightScale !== undefined) {
    if (v.heightScale !== 'auto' && v.heightScale !== 'linear' && v.heightScale !== 'log')
      return 'view.heightScale: must be "auto", "linear" or "log"'
    out.heightScale = v.heightScale
  }
  for (const key of ['topDown', 'contours', 'floorPaths'] as const) {
    if (v[key] !== undefined) {
      if (typeof v[key] !== 'boolean') return `view.${key}: must be true or false`
      out[key] = v[key]
    }
  }
  if (v.hidden !== undefined) {
    if (!Array.isArray(v.hidden) || !v.hidden.every((i) => Number.isInteger(i) && i >= 0 && i < 64))
      return 'view.hidden: must be a list of optimizer indices'
    out.hidden = v.hidden as number[]
  }
  if (v.speed !== undefined) {
    if (typeof v.speed !== 'number' || !(v.speed > 0 && v.speed <= 100_000))
      return 'view.speed: must be a positive number of steps per second'
    out.speed = v.speed
  }
  return out
}

/** Where a session text comes from: a file, the autosave of the last session, or a shared link. */
export type SessionSource = 'file' | 'restore' | 'link'

/**
 * Read a session file. On success the scenario, region and view are replaced (one undoable step);
 * on failure nothing changes and the reason is returned (and shown).
 */
export async function loadSessionText(
  api: GradscapeApi,
  text: string,
  fileName = 'file',
  source: SessionSource = 'file',
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const refuse = (reason: string) => {
    showMessage('error', `Could not open ${fileName}: ${reason}`)
    return { ok: false as const, reason }
  }
  if (text.length > MAX_SESSION_BYTES) return refuse('the file is too large to be a session')
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (err) {
    return refuse(`not valid JSON (${(err as Error).message})`)
  }
  if (!isObject(doc)) return refuse('a session must be a JSON object')
  const view = parseView(doc.view)
  if (typeof view === 'string') return refuse(view)
  const { view: _view, ...scenarioDoc } = doc
  let validation
  try {
    validation = await api.validateScenario(scenarioDoc)
  } catch (err) {
    return refuse(`the engine could not check it (${(err as Error).message})`)
  }
  if (!validation.ok) {
    const p = validation.problem
    return refuse(p.position !== undefined && !p.message.includes('position') ? `${p.message} (position ${p.position})` : p.message)
  }
  const scenario = fromDoc(scenarioDoc)
  const tooLarge = scenarioCapacityProblem(scenario) // the engine's limits are not the view's
  if (tooLarge) return refuse(tooLarge)
  const info = useUi.getState().info
  const presetView = info?.presets.find((p) => p.id === scenario.landscape.preset)?.view
  const region: Region =
    view.region ??
    networkRegion(scenario) ??
    (scenario.landscape.expr === undefined && presetView ? { x: presetView.x, y: presetView.y } : useUi.getState().region)
  runner?.restartPlaybackOnNextJob()
  edit(() => ({ scenario, region }))
  const viewPatch: { -readonly [K in keyof ViewOptions]?: ViewOptions[K] } = {}
  if (view.heightScale) viewPatch.heightScale = view.heightScale
  if (view.topDown !== undefined) viewPatch.topDown = view.topDown
  if (view.contours !== undefined) viewPatch.contours = view.contours
  if (view.floorPaths !== undefined) viewPatch.floorPaths = view.floorPaths
  viewPatch.hidden = view.hidden ?? []
  useUi.setState((s) => ({
    view: { ...s.view, ...viewPatch },
    ...(view.speed ? { speed: view.speed } : {}),
    ...(source === 'file' ? { currentFile: { name: fileName } } : {}),
  }))
  const partProblems = loadSessionParts((doc.view as Record<string, unknown>) ?? {})
  if (source !== 'restore') markSaved()
  const opened = source === 'file' ? `Opened ${fileName}` : source === 'link' ? 'Opened the shared session' : 'Restored your last session'
  showMessage('info', partProblems.length ? `${opened} (kept the current ${partProblems.join('; ')})` : opened)
  return { ok: true }
}

export async function loadSessionFile(api: GradscapeApi, file: File): Promise<void> {
  if (file.size > MAX_SESSION_BYTES) {
    showMessage('error', `Could not open ${file.name}: the file is too large to be a session`)
    return
  }
  // Not file.text(): it replaces bytes that are not UTF-8 without a word.
  let text: string
  try {
    text = decodeUtf8Text(new Uint8Array(await file.arrayBuffer()))
  } catch (err) {
    showMessage('error', `Could not open ${file.name}: ${(err as Error).message}`)
    return
  }
  await loadSessionText(api, text, file.name)
}

/** Open: the native dialog inside Electron, else `pickFile` (the page's file input). */
export async function openSession(pickFile: () => void): Promise<void> {
  const { api, shell } = getConnection()
  if (!shell) {
    pickFile()
    return
  }
  try {
    const file = await shell.openSessionFile()
    if (!file) return
    const r = await loadSessionText(api, file.text, file.name)
    if (r.ok) useUi.setState({ currentFile: { name: file.name, path: file.path } })
  } catch (err) {
    showMessage('error', `Could not open: ${(err as Error).message}`)
  }
}

/** A file the shell already read (File ▸ Open Recent). */
export async function openShellFile(file: { name: string; path: string; text: string }): Promise<void> {
  const r = await loadSessionText(getConnection().api, file.text, file.name)
  if (r.ok) useUi.setState({ currentFile: { name: file.name, path: file.path } })
}

/** File ▸ New: the first-launch scene (undoable). */
export function newSession(): void {
  runner?.restartPlaybackOnNextJob()
  edit(() => ({ scenario: DEFAULT_SCENARIO, region: DEFAULT_REGION }))
  useUi.setState({ view: DEFAULT_VIEW, speed: DEFAULT_SPEED, currentFile: null })
  markSaved()
}

/** Save a PNG of the 3-D view (a download; Electron asks where). */
export async function exportSnapshot(snapshot: () => Promise<Blob | null>): Promise<void> {
  const blob = await snapshot()
  if (!blob) {
    showMessage('error', 'Could not capture the view')
    return
  }
  const name = sessionFileName(useUi.getState().scenario).replace(/\.json$/, '.png')
  download(name, blob)
  showMessage('info', `Exported ${name}`)
}
