/**
 * When a typed expression becomes the landscape: validation runs on every keystroke (so errors
 * show while typing), but a valid text is committed only after a pause in typing, or at once on
 * Enter / leaving the field. Prefixes that happen to be valid on the way (`x` of `x^^2 + y`) are
 * never run, and each committed edit is one undo step.
 */
import type { Validation } from '../../src-shared/api'

export const COMMIT_PAUSE_MS = 700

export interface ExpressionCommitter {
  /** The text changed (a keystroke, a paste). */
  input(text: string): void
  /** Enter or blur: commit now if the text is valid (or as soon as its validation says so). */
  flush(): void
  /** An outside change replaced the text: forget what was pending. */
  cancel(): void
}

export function expressionCommitter(opts: {
  readonly validate: (text: string) => Promise<Validation>
  readonly commit: (text: string) => void
  readonly onResult: (text: string, v: Validation) => void
  readonly onError?: (text: string, err: unknown) => void
  readonly pauseMs?: number
}): ExpressionCommitter {
  const pause = opts.pauseMs ?? COMMIT_PAUSE_MS
  let seq = 0
  let latest = ''
  let valid: boolean | null = null // null: validation in flight
  let flushWanted = false
  let timer: ReturnType<typeof setTimeout> | null = null
  const clear = () => {
    if (timer) {
      clearTimeout(timer)
      timer = null
    }
  }
  const commitNow = () => {
    clear()
    flushWanted = false
    if (valid) opts.commit(latest)
  }
  return {
    input(text) {
      clear()
      latest = text
      valid = null
      const n = ++seq
      opts.validate(text).then(
        (v) => {
          if (n !== seq) return
          valid = v.ok && text.trim() !== ''
          opts.onResult(text, v)
          if (!valid) return
          if (flushWanted) commitNow()
          else timer = setTimeout(commitNow, pause)
        },
        (err: unknown) => {
          if (n !== seq) return
          valid = false
          opts.onError?.(text, err)
        },
      )
    },
    flush() {
      if (valid === null) {
        if (seq > 0) flushWanted = true
        return
      }
      commitNow()
    },
    cancel() {
      clear()
      seq++
      valid = false
      flushWanted = false
    },
  }
}
