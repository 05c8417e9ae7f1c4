/**
 * The session survives a reload or a closed window: it is written to local storage shortly after
 * every change (and when the page is hidden), and on launch a shared link (#s=…) or else the last
 * session is restored — in the desktop app too (its renderer keeps local storage per user).
 * Closing the web page with edits never saved to a file asks first.
 */
import type { GradscapeApi } from '../../src-shared/api'
import { getConnection } from '../api'
import { useUi } from '../store/ui-store'
import { loadSessionText, sessionDocument } from './session'
import { decodeSessionText, sessionInHash } from './share-link'
import { hasUnsavedWork, trackEdits } from './unsaved'

export const AUTOSAVE_KEY = 'gradscape.session.v1'
const AUTOSAVE_DELAY_MS = 800

type Store = Pick<Storage, 'getItem' | 'setItem'>

/** Write the session now; false when storage refused (full, or disabled). */
export function writeAutosave(storage: Store): boolean {
  try {
    storage.setItem(AUTOSAVE_KEY, JSON.stringify(sessionDocument()))
    return true
  } catch {
    return false
  }
}

/**
 * Restore on launch: the link's session if the URL carries one, else the autosaved one. The
 * restore is not an undo step (the history starts with it).
 */
export async function restoreOnLaunch(api: GradscapeApi, storage: Store | null, hash: string): Promise<'link' | 'restore' | null> {
  const shared = sessionInHash(hash)
  if (shared) {
    let text: string
    try {
      text = await decodeSessionText(shared)
    } catch (err) {
      useUi.setState({ message: { kind: 'error', text: `Could not open the shared link: ${(err as Error).message}`, id: Date.now() } })
      return null
    }
    const r = await loadSessionText(api, text, 'the shared link', 'link')
    if (r.ok) {
      useUi.setState({ past: [], future: [] })
      return 'link'
    }
    return null
  }
  const saved = storage?.getItem(AUTOSAVE_KEY)
  if (!saved) return null
  const r = await loadSessionText(api, saved, 'the last session', 'restore')
  if (r.ok) {
    useUi.setState({ past: [], future: [] })
    return 'restore'
  }
  return null
}

/** Start autosaving (after the restore) and the unload warning; returns the stop function. */
export function startAutosave(storage: Store): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null
  const schedule = () => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => {
      timer = null
      writeAutosave(storage)
    }, AUTOSAVE_DELAY_MS)
  }
  const offStore = useUi.subscribe((s, prev) => {
    if (s.scenario !== prev.scenario || s.region !== prev.region || s.view !== prev.view || s.speed !== prev.speed) schedule()
  })
  const offEdits = trackEdits()
  // Hidden or closing: write now (this also catches the camera, which changes outside the store).
  const onHide = () => {
    if (timer) clearTimeout(timer)
    timer = null
    writeAutosave(storage)
  }
  const onBeforeUnload = (e: BeforeUnloadEvent) => {
    onHide()
    // Only the web page asks: in the desktop app a prompt here would silently block closing.
    if (!getConnection().shell && hasUnsavedWork()) {
      e.preventDefault()
      e.returnValue = ''
    }
  }
  window.addEventListener('pagehide', onHide)
  window.addEventListener('beforeunload', onBeforeUnload)
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') onHide()
  })
  return () => {
    offStore()
    offEdits()
    if (timer) clearTimeout(timer)
    window.removeEventListener('pagehide', onHide)
    window.removeEventListener('beforeunload', onBeforeUnload)
  }
}
