/**
 * What the float32 path's backends share: the state of a job's particles between launches and
 * the launch interface each backend (gpujs.ts, wasm.ts) implements. The kept-point loop
 * (job.ts) drives a launcher and never looks inside it.
 */

/**
 * Backends we can be asked for: GPU.js's modes ('webasm' is GPU.js's WebAssembly backend) and
 * 'wasm', our WebAssembly SIMD kernel (wasm/kernel.ts). 'gpu' is the automatic choice: GPU.js's
 * order (WebGPU, headless GL, …) where it finds a GPU backend, else 'wasm' in place of GPU.js's
 * WebAssembly and CPU fallbacks.
 */
export type BackendMode = 'gpu' | 'webgpu' | 'headlessgl' | 'webgl2' | 'webgl' | 'webasm' | 'wasm' | 'cpu'

/** A job's particles between launches; backends keep their own compiled kernels and memory. */
export interface Float32State {
  /** Particles; the arrays below are padded to whole thread groups (padding particles dead from step 0). */
  readonly n: number
  /** On the 'wasm' backend these arrays become views of the kernel's memory after the first launch. */
  x: Float32Array
  y: Float32Array
  /** Per-coordinate slots as [slot_x, slot_y]..., then per-particle slots. */
  slots: Float32Array[]
  /** Death step per particle (-1 alive), float for the kernel. */
  dead: Float32Array
  readonly stream: Float32Array
  readonly hparams: Float32Array[]
  /** Hyperparameters equal for every particle (kernel-source.ts passes them as scalars). */
  uniform?: ReadonlySet<string>
  /** Slots no particle of the job uses (left out of the kernel's output). */
  unused?: ReadonlySet<string>
  /** Steps taken so far. */
  t: number
}

/**
 * Kept points a launch wrote while it ran (Launcher.record): point j (0-based within the launch)
 * of particle i at j · stride + i. Positions are the kernel's own floats; `loss` is the float32
 * loss the kernel computed at that point. Points at or after a particle's death step are
 * whatever the kernel computed: the reader masks them with `state.dead`.
 */
export interface RecordedPoints {
  /** Kept points written (steps first + every, first + 2·every, …, up to the launch's target). */
  readonly count: number
  /** Step of the first point. */
  readonly first: number
  readonly stride: number
  readonly x: Float32Array
  readonly y: Float32Array
  readonly loss: Float32Array
  /**
   * Where the launch was asked for them and the backend reshuffles natively (the WebAssembly
   * kernel, inside its memory, each thread its own particles): the same points run-major,
   * particle i's point j at xy[2 · (i · count + j)] (x, then y) and loss[i · count + j].
   */
  readonly runMajor?: { readonly xy: Float32Array; readonly loss: Float32Array }
}

/** One backend of the float32 path, bound to one job and its state. */
export interface Launcher {
  /** One launch from `state.t` to `target`; afterwards the state holds the particles at `target`. */
  advance(target: number): Promise<void>
  /**
   * Where the backend records inside the kernel: one launch from `state.t` to `target` that keeps
   * steps `first`, `first + every`, … ≤ `target` as it goes (`first` ≥ `state.t`; at most
   * `maxPoints()` of them). The views are valid until the next launch. `runMajor`: the caller
   * wants RecordedPoints.runMajor too (a backend that cannot make it leaves it out).
   */
  record?(first: number, target: number, every: number, runMajor?: boolean): Promise<RecordedPoints>
  /** After the job's last launch: the backend may release what the job held (the state stays readable). */
  finish?(): void
  /** Kept points one recording launch can hold (from the memory the backend allows). */
  maxPoints?(): number
  /**
   * Kept points per launch this backend runs fastest with by default (≤ maxPoints()); 0: a launch
   * per kept point, read by the host (where recording costs more than it saves, e.g. GPU.js's CPU
   * backends, whose recording launches repeat steps). Absent: maxPoints().
   */
  preferredPoints?(): number
  /** The backend of the latest launch (or the one the next will use), e.g. 'wasm-simd (2 threads)'. */
  backend(): string
}

/** Kernel launches so far (tests check that a sweep is one launch, not one per configuration). */
export const launches = { count: 0 }

/** Work per launch (particle-steps) from which a worker pool pays for its messaging (measured: 10³ particles × 1 step take 0.21 ms alone, 0.39 ms pooled). */
export const POOL_WORK = 100_000
