/**
 * A scenario is a shallow document (a few levels: optimizers[0].lr.sweep[1]). A payload nested
 * thousands of levels deep parses fine but overflows the stack of whatever walks it recursively
 * later ("Maximum call stack size exceeded"); refuse it up front, naming where it gets too deep.
 */
import { ScenarioError } from '../../src-shared/scenario'

export const MAX_NESTING = 32

interface Frame {
  readonly value: object
  readonly keys: string[] | null
  next: number
}

const pathOf = (frames: readonly Frame[]) =>
  frames.slice(0, -1).reduce((path, f) => {
    const key = f.keys ? f.keys[f.next - 1] : f.next - 1
    return typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key
  }, '')

/**
 * Throws ScenarioError at the first value nested more than MAX_NESTING levels. Depth-first with
 * an explicit stack of containers (memory grows with depth, not with size; no recursion).
 */
export function checkNesting(doc: unknown): void {
  if (typeof doc !== 'object' || doc === null) return
  const frames: Frame[] = [{ value: doc, keys: Array.isArray(doc) ? null : Object.keys(doc), next: 0 }]
  while (frames.length) {
    const top = frames[frames.length - 1]
    const length = top.keys ? top.keys.length : (top.value as unknown[]).length
    if (top.next >= length) {
      frames.pop()
      continue
    }
    const child: unknown = top.keys ? (top.value as Record<string, unknown>)[top.keys[top.next]] : (top.value as unknown[])[top.next]
    top.next++
    if (typeof child !== 'object' || child === null) continue
    frames.push({ value: child, keys: Array.isArray(child) ? null : Object.keys(child), next: 0 })
    if (frames.length > MAX_NESTING)
      throw new ScenarioError(pathOf(frames), `nested more than ${MAX_NESTING} levels deep (a scenario needs a few)`)
  }
}
