/**
 * Threads for the WebAssembly kernel: the calling thread runs one share of the particles and
 * `availableParallelism() − 1` workers run the others, all on the job's shared memory (the
 * shares are disjoint lane groups, so no two threads write the same float). A worker
 * instantiates each (kernel, memory) pair once and keeps the most recent few.
 */
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { interleaveModule } from './interleave-rows'
import { LANES, MATH_IMPORTS, type WasmArena } from './kernel'

// The worker's whole program: our own constant text, run by worker_threads' `eval` option so the
// pool needs no separate file in the bundle (no user input reaches it).
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const math = { ${Object.keys(MATH_IMPORTS)
  .map((f) => `${f}: Math.${f}`)
  .join(', ')} };
const instances = new Map();
const interleaves = new Map();
parentPort.on('message', (m) => {
  if (m.evict) { instances.delete(m.evict); interleaves.delete(m.evict); return; }
  try {
    let run = instances.get(m.key);
    if (!run) {
      run = new WebAssembly.Instance(m.module, { env: { ...math, memory: m.memory } }).exports.run;
      instances.set(m.key, run);
      // Each instance holds its job's memory: keep the latest few (finished jobs are also evicted).
      if (instances.size > 4) instances.delete(instances.keys().next().value);
    }
    run(m.from, m.to);
    if (m.runMajor) {
      let interleave = interleaves.get(m.key);
      if (!interleave) {
        interleave = new WebAssembly.Instance(m.runMajor.module, { env: { memory: m.memory } }).exports.interleave;
        interleaves.set(m.key, interleave);
        if (interleaves.size > 4) interleaves.delete(interleaves.keys().next().value);
      }
      interleave(...m.runMajor.args, m.from / 4, m.to / 4);
    }
    parentPort.postMessage({ id: m.id });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String(e && e.message || e) });
  }
});
`

interface PoolWorker {
  readonly worker: Worker
  readonly pending: Map<number, { resolve: () => void; reject: (e: Error) => void }>
}

let workers: PoolWorker[] | null = null
let requests = 0

/** Threads a launch may use (this one included). */
export const poolThreads = () => Math.max(1, Math.min(8, availableParallelism()))

function pool(): PoolWorker[] {
  if (workers) return workers
  const made: PoolWorker[] = Array.from({ length: poolThreads() - 1 }, () => {
    const worker = new Worker(WORKER_SOURCE, { eval: true })
    const entry: PoolWorker = { worker, pending: new Map() }
    const failAll = (e: Error) => {
      for (const p of entry.pending.values()) p.reject(e)
      entry.pending.clear()
    }
    worker.on('message', (m: { id: number; error?: string }) => {
      const p = entry.pending.get(m.id)
      entry.pending.delete(m.id)
      if (entry.pending.size === 0) worker.unref()
      if (m.error) p?.reject(new Error(`WebAssembly kernel worker: ${m.error}`))
      else p?.resolve()
    })
    // A failed or exited worker fails its pending shares and retires the whole pool (a fresh one
    // starts on the next launch); the others are terminated, not leaked.
    worker.on('error', (e) => {
      failAll(e)
      retire()
    })
    worker.on('exit', (code) => {
      failAll(new Error(`WebAssembly kernel worker exited (code ${code})`))
      retire()
    })
    // An idle pool must not keep the process alive; a worker is ref'd while it has work.
    worker.unref()
    return entry
  })
  const retire = () => {
    if (workers !== made) return
    workers = null
    for (const w of made) void w.worker.terminate()
  }
  workers = made
  return made
}

/** Start the pool's threads ahead of the first threaded launch (idle threads keep no process alive). */
export function startPool(): void {
  if (poolThreads() > 1) pool()
}

/** When a job's arena is collected, its instances in the workers go too (they hold its memory). */
const evictions = new FinalizationRegistry<string>((key) => {
  for (const w of workers ?? []) {
    try {
      w.worker.postMessage({ evict: key })
    } catch {
      /* a retired worker */
    }
  }
})
const registered = new WeakSet<WasmArena>()

/**
 * Run the kernel over particles [0, count) of `arena`: one share here, the rest on the pool's
 * workers, resolved when every share is done (rejected, after all have stopped, if one failed).
 * `threaded` false runs everything here. `runMajorPoints`: each thread then copies the points
 * its share recorded run-major (WasmArena.runMajor), while they are still in its cache. Returns
 * the number of threads used.
 */
export async function runShared(arena: WasmArena, count: number, threaded: boolean, runMajorPoints?: number): Promise<number> {
  const total = Math.ceil(count / LANES) * LANES
  const threads = threaded ? poolThreads() : 1
  const runMajor = runMajorPoints === undefined ? undefined : arena.runMajor
  if (runMajorPoints !== undefined && !runMajor) throw new Error('this kernel records no points to copy run-major')
  const runHere = (from: number, to: number) => {
    arena.run(from, to)
    runMajor?.copy(runMajorPoints!, from / 4, to / 4)
  }
  if (threads === 1 || total <= LANES) {
    runHere(0, total)
    return 1
  }
  const ws = pool()
  const groups = total / LANES
  const per = Math.ceil(groups / threads)
  const shares: Array<[number, number]> = []
  for (let g = 0; g < groups; g += per) shares.push([g * LANES, Math.min(groups, g + per) * LANES])
  const key = `${arena.kernel.id}:${arena.id}`
  if (!registered.has(arena)) {
    registered.add(arena)
    evictions.register(arena, key)
  }
  const remote = shares.slice(1).map(
    ([from, to], w) =>
      new Promise<void>((resolve, reject) => {
        const entry = ws[w % ws.length]
        const id = ++requests
        entry.pending.set(id, { resolve, reject })
        try {
          entry.worker.postMessage({
            id,
            key,
            module: arena.kernel.module,
            memory: arena.memory,
            from,
            to,
            ...(runMajor && { runMajor: { module: interleaveModule(), args: runMajor.args(runMajorPoints!) } }),
          })
          entry.worker.ref()
        } catch (e) {
          entry.pending.delete(id)
          reject(e as Error)
        }
      }),
  )
  let failure: unknown = null
  try {
    runHere(shares[0][0], shares[0][1])
  } catch (e) {
    failure = e
  }
  // Wait for every share before reporting a failure: the others are still writing the memory.
  const settled = await Promise.allSettled(remote)
  const rejected = settled.find((r) => r.status === 'rejected')
  if (failure) throw failure
  if (rejected) throw (rejected as PromiseRejectedResult).reason
  return shares.length
}
