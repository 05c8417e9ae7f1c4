/**
 * The float32 kernel path: kernels advancing N particles by a block of steps per launch, on GPU.js
 * (gpujs.ts: a GPU, or its WebAssembly and CPU backends) or on our WebAssembly SIMD kernel
 * (wasm.ts), both behind the launch interface of launch.ts. Mirrors float64.ts (state between
 * blocks, kept points per block: job.ts) so jobs and the CLI can use either path.
 */
import { assertRunsOn } from '../../../src-shared/optim'
import type { ParticleBatch } from '../float64'
import { gpuFor, gpujsLauncher } from './gpujs'
import type { BackendMode, Float32State, Launcher } from './launch'
import { wasmLauncher } from './wasm'

export { advanceFloat32 } from './job'
export { backendName, float32Kernel, gpuFor, stateKernelFor } from './gpujs'
export { type BackendMode, type Float32State, type Launcher, launches, type RecordedPoints } from './launch'
export { initialState32 } from './state'

/** The mode a job runs on: 'gpu' resolved as above. */
export function resolveMode(mode: BackendMode): BackendMode {
  if (mode !== 'gpu') return mode
  const chosen = (gpuFor('gpu') as unknown as { Kernel?: { name: string } }).Kernel?.name
  return !chosen || chosen === 'WebAssemblyKernel' || chosen === 'CPUKernel' ? 'wasm' : 'gpu'
}

/** The launcher of a job's float32 state on `mode` (resolved: 'gpu' may run on 'wasm'). */
export function float32Launcher(job: ParticleBatch, state: Float32State, mode: BackendMode, threaded = true): Launcher {
  const wasm = resolveMode(mode) === 'wasm'
  // A rule an engine cannot take is refused here, by name, never run as other math.
  assertRunsOn(job.optimizer, wasm ? 'wasm' : 'gpujs')
  return wasm ? wasmLauncher(job, state, threaded) : gpujsLauncher(job, state, mode, threaded)
}
