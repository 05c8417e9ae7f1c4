/**
 * Parts of a session that live outside the scenario store (the camera, the sweep panel's
 * settings): each registers how to save itself and how to take a saved value back. A session
 * file carries them under `view.<name>`; a part that cannot read its value says why and is
 * left as it is (a session is never refused for a view detail).
 */
export interface SessionPart {
  save(): unknown
  /** Apply a saved value; a string says why it could not be read. */
  load(value: unknown): string | null
}

const parts = new Map<string, SessionPart>()

/** Register (or replace) a part; returns the unregister function. */
export function registerSessionPart(name: string, part: SessionPart): () => void {
  parts.set(name, part)
  return () => {
    if (parts.get(name) === part) parts.delete(name)
  }
}

export function saveSessionParts(): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, part] of parts) {
    const v = part.save()
    if (v !== undefined) out[name] = v
  }
  return out
}

/** Hand each registered part its value from a session's `view`; returns the problems found. */
export function loadSessionParts(view: Readonly<Record<string, unknown>>): string[] {
  const problems: string[] = []
  for (const [name, part] of parts) {
    if (view[name] === undefined) continue
    const p = part.load(view[name])
    if (p) problems.push(`view.${name}: ${p}`)
  }
  return problems
}
