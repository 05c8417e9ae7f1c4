/**
 * Spawning the engine worker outside Electron (web host, tests): the worker is TypeScript, so
 * it starts through a tiny loader that registers tsx. Inside Electron, electron-vite bundles
 * it (`?nodeWorker`).
 */
import { Worker } from 'node:worker_threads'

export function spawnNodeWorker(): Worker {
  return new Worker(new URL('./tsx-worker.mjs', import.meta.url))
}
