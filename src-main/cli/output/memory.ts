/**
 * Whether a whole result fits before it is computed. The CLI holds every kept point in the
 * engine's arrays (outside the JS heap: 24 B per point for x, y and loss, 12 B on the float32 path, more with
 * sharpness or extra trajectories) and streams every file format from them, so the real limit is
 * the machine's free memory, not a fixed count; central flows are JS arrays and count against
 * the heap. Scenarios that would not fit are refused here with the figures, instead of failing
 * mid-run (or crashing V8 with a heap dump).
 */
import { freemem } from 'node:os'
import { getHeapStatistics } from 'node:v8'
import { runCount, type Scenario } from '../../../src-shared/scenario'

/** Share of the free memory a result may take: the files' write buffers and the kernels need the rest. */
const SHARE_OF_FREE = 0.8
/** A central flow keeps ~10 JS arrays per kept point (pairs as small arrays): measured ≈ 200 B. */
const FLOW_BYTES_PER_POINT = 200

export interface MemoryNeed {
  readonly offHeap: number
  readonly heap: number
}

/** Bytes the result's arrays take. */
export function resultBytes(s: Scenario): MemoryNeed {
  const points = runCount(s) * (Math.floor(s.steps / s.record.every) + 1)
  // Positions and loss: float64, or float32 where the path computes float32 (result.ts partOutput).
  let perPoint = s.precision === 'float32' ? 12 : 24
  if (s.record.sharpness) perPoint += 8 + 16 + (s.optimizers.some((o) => o.def.preconditioner) ? 8 : 0)
  perPoint += 16 * Math.max(0, ...s.optimizers.map((o) => Object.keys(o.def.outputs ?? {}).length))
  return { offHeap: points * perPoint, heap: s.centralFlow ? points * FLOW_BYTES_PER_POINT : 0 }
}

/** Free memory: the smaller of the machine's and the container's (cgroup) limit; GRADSCAPE_MEMORY (bytes) overrides. */
export function availableBytes(): number {
  const forced = Number(process.env.GRADSCAPE_MEMORY)
  if (forced > 0) return forced
  const limit = process.constrainedMemory?.() ?? 0
  return limit > 0 ? Math.min(freemem(), limit) : freemem()
}

const gb = (b: number) => `${(b / 2 ** 30).toFixed(b < 2 ** 30 ? 2 : 1)} GB`

/** A one-line reason when the result would not fit, else null. */
export function memoryProblem(s: Scenario): string | null {
  const need = resultBytes(s)
  const free = availableBytes() * SHARE_OF_FREE
  const heap = getHeapStatistics()
  const heapFree = (heap.heap_size_limit - heap.used_heap_size) * SHARE_OF_FREE
  if (need.offHeap + need.heap > free) {
    return `the result needs ${gb(need.offHeap + need.heap)} of memory and ${gb(free)} is free: record fewer points (raise record.every) or use fewer runs`
  }
  if (need.heap > heapFree) {
    return `the central flows need ${gb(need.heap)} and the JS heap holds ${gb(heapFree)}: raise record.every, use fewer runs, or run without central_flow`
  }
  return null
}
