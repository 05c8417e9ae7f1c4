/**
 * Which engines run which rule. Every engine expands the same step program, so every rule runs
 * everywhere unless its definition says otherwise (OptimizerDef.unsupported, with the reason);
 * the picker reads `supportedBackends`, and an engine asked for an excluded rule refuses it by
 * name instead of running different math.
 */
import type { Backend, OptimizerDef } from './types'

export const BACKENDS: readonly Backend[] = ['float64', 'wasm', 'gpujs']

const BACKEND_NAMES: Record<Backend, string> = {
  float64: 'the float64 reference path',
  wasm: 'the float32 WebAssembly kernel',
  gpujs: 'the float32 GPU.js kernel',
}

export function supportedBackends(def: OptimizerDef): Backend[] {
  return BACKENDS.filter((b) => !def.unsupported?.[b])
}

export class UnsupportedBackendError extends Error {
  constructor(
    readonly optimizer: string,
    readonly backend: Backend,
    reason: string,
  ) {
    super(`${optimizer} cannot run on ${BACKEND_NAMES[backend]}: ${reason}`)
    this.name = 'UnsupportedBackendError'
  }
}

/** Throws UnsupportedBackendError when `def` excludes `backend`. */
export function assertRunsOn(def: OptimizerDef, backend: Backend): void {
  const reason = def.unsupported?.[backend]
  if (reason) throw new UnsupportedBackendError(def.name, backend, reason)
}
