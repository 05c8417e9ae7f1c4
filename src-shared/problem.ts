/**
 * Errors as data, for every boundary that carries them (Electron IPC, the WebSocket wire, the
 * renderer): the message, and the input problem when the host refused the input. Defined once
 * so that each side sanitises a problem the same way.
 */
import type { InputProblem } from './api'

/** A plain object (not null, not an array). */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** An InputProblem rebuilt from its known fields, or undefined when `p` is none. */
export function problemOf(p: unknown): InputProblem | undefined {
  if (!isObject(p) || typeof p.field !== 'string' || typeof p.message !== 'string') return undefined
  return { field: p.field, message: p.message, ...(typeof p.position === 'number' ? { position: p.position } : {}) }
}

/** What a failed call carries across a boundary. */
export interface ErrorEnvelope {
  readonly message: string
  /** Present when the failure is a problem with the input (the engine's EngineError). */
  readonly problem?: InputProblem
}

/** The envelope of any thrown value: its message, and its `problem` when it has a valid one. */
export function errorEnvelope(err: unknown): ErrorEnvelope {
  const e = err as { message?: unknown; problem?: unknown } | null | undefined
  const message = typeof e?.message === 'string' ? e.message : String(err)
  const problem = problemOf(e?.problem)
  return problem ? { message, problem } : { message }
}
