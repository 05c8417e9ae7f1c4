/**
 * Spawning the engine worker outside Electron (web host, tests): the worker is TypeScript, so
 * it starts through a tiny loader that registers tsx. Inside Electron, electron-vite bundles
 * it (`?nodeWorker`).
 */
import { Worker } from 'node:worker_threads'
import type { PlanOptions } from './plan'

/** `plan`: the worker's jobs run with these options (benchmarks compare paths, e.g. `pointsPerLaunch: 0`); the app passes none. */
export function spawnNodeWorker(plan?: PlanOptions): Worker {
  return new Worker(new URL('./tsx-worker.mjs', import.meta.url), plan ? { workerData: { plan } } : undefined)
}
