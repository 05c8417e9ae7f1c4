/**
 * Whether the session has edits that were never saved to a file (or opened from one): the web
 * host warns before the page is closed or reloaded with such edits (the autosave restores them
 * anyway, but a file is what the user can keep and share).
 */
import type { Scenario } from '../store/scenario'
import { useUi } from '../store/ui-store'

let saved: Scenario | null = null
let touched = false

/** The current scenario is what a file holds (saved, opened, or a new session). */
export function markSaved(): void {
  saved = useUi.getState().scenario
  touched = false
}

/** Start noticing edits (called once, after the launch scenario is in place). */
export function trackEdits(): () => void {
  if (saved === null) saved = useUi.getState().scenario
  return useUi.subscribe((s, prev) => {
    if (s.scenario !== prev.scenario) touched = true
  })
}

export function hasUnsavedWork(): boolean {
  return touched && useUi.getState().scenario !== saved
}
