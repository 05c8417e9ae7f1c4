/**
 * The WebAssembly SIMD kernel compiler (src-main/engine/wasm/compile.ts) on small programs:
 * each result is checked against the same code evaluated in float32 by JavaScript, lane by lane.
 * The optimizers themselves are checked through it in kernel-path.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { compileKernel, KernelCompileError } from '../../src-main/engine/wasm/compile'
import { encodeModule } from '../../src-main/engine/wasm/encoder'
import { MATH_IMPORTS } from '../../src-main/engine/wasm/kernel'
import { RANDOM_CODE, uniform } from '../../src-shared/random'
import { parseScenario } from '../../src-shared/scenario'
import { runScenario } from '../../src-main/engine/run-scenario'
import { poolThreads, runShared } from '../../src-main/engine/wasm/pool'
import { FunctionBody } from '../../src-main/engine/wasm/encoder'
import type { WasmArena } from '../../src-main/engine/wasm/kernel'

interface Options {
  readonly scalars?: Record<string, number>
  readonly functions?: string
  readonly interleave?: number
}

/** Compile `body` over the given columns, run it on every particle, return the columns after. */
function run(body: string, columns: Record<string, number[]>, options: Options = {}): Record<string, Float32Array> {
  const names = Object.keys(columns)
  const n = columns[names[0]].length
  const interleave = options.interleave ?? 2
  const stride = Math.ceil(n / (4 * interleave)) * 4 * interleave
  const scalarNames = Object.keys(options.scalars ?? {})
  const program = compileKernel({ columns: names, scalars: scalarNames, functions: options.functions ?? '', body, interleave, stride })
  const pages = Math.ceil(program.bytes / 65536) + 1
  const bytes = encodeModule({
    imports: program.imports,
    memoryPages: [pages, pages],
    exportName: 'run',
    params: ['i32', 'i32'],
    body: program.body,
  })
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true })
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { ...MATH_IMPORTS, memory } })
  const views = Object.fromEntries(names.map((name, j) => [name, new Float32Array(memory.buffer, j * stride * 4, n)]))
  names.forEach((name) => views[name].set(columns[name]))
  scalarNames.forEach((name, j) => {
    new Float32Array(memory.buffer, program.scalarOffset + 4 * j, 1)[0] = options.scalars![name]
  })
  ;(instance.exports.run as (from: number, to: number) => void)(0, stride)
  return views
}

const f = Math.fround
const VALUES = [-3, -1.5, -0, 0, 0.25, 1, 2, 7.5, NaN, Infinity, -Infinity, 1e-3, 12, -12, 3.3, 100, 0.5]

describe('WebAssembly kernel compiler', () => {
  it('if-converts a branch on a per-particle value, testing once before either side runs', () => {
    // The consequent changes what the test reads: the else side must not re-test the new value.
    const out = run(
      `let a = A[i];
      if (a > 1.0) { a = 0.0; } else { a = a + 10.0; }
      A[i] = a;`,
      { A: VALUES },
    )
    VALUES.forEach((v, j) => expect(out.A[j], `lane ${j} (${v})`).toBe(f(v) > 1 ? 0 : f(f(v) + 10)))
  })

  it('nests lane-varying branches under the outer mask', () => {
    const out = run(
      `let a = A[i];
      let b = 0.0;
      if (a > 0.0) { if (a < 5.0) { b = 1.0; } else { b = 2.0; } } else { b = 3.0; }
      B[i] = b;`,
      { A: VALUES, B: VALUES.map(() => 9) },
    )
    VALUES.forEach((v, j) => expect(out.B[j], `lane ${j} (${v})`).toBe(v > 0 ? (v < 5 ? 1 : 2) : 3))
  })

  it('branches for real on a value every particle shares, both ways', () => {
    for (const u of [0, 1]) {
      const out = run(
        `let a = A[i];
        if (u > 0.5) { a = a * 3.0; } else { a = a - 1.0; }
        A[i] = a;`,
        { A: VALUES },
        { scalars: { u } },
      )
      VALUES.forEach((v, j) => expect(out.A[j]).toBe(u ? f(f(v) * 3) : f(f(v) - 1)))
    }
  })

  it('folds a branch on literals (a fixed switch) and takes only its side', () => {
    const out = run(
      `let a = A[i];
      if (0.0 > 0.5) { a = a * 3.0; } else { a = a - 1.0; }
      A[i] = a;`,
      { A: VALUES },
    )
    VALUES.forEach((v, j) => expect(out.A[j]).toBe(f(f(v) - 1)))
  })

  it('gives Math.sign, min, max, abs, floor, sqrt their JavaScript meaning (±0, NaN, ±Infinity)', () => {
    const out = run(
      `let a = A[i];
      S[i] = Math.sign(a);
      M[i] = Math.min(a, 1.0) + Math.max(a, -2.0) * 0.5;
      Q[i] = Math.sqrt(Math.abs(a)) + Math.floor(a);`,
      { A: VALUES, S: VALUES, M: VALUES, Q: VALUES },
    )
    VALUES.forEach((v, j) => {
      const a = f(v)
      expect(Object.is(out.S[j], Math.sign(a)), `sign(${a}) = ${out.S[j]}`).toBe(true)
      expect(out.M[j]).toBe(f(Math.min(a, 1) + f(Math.max(a, -2) * 0.5)))
      expect(out.Q[j]).toBe(f(f(Math.sqrt(Math.abs(a))) + Math.floor(a)))
    })
  })

  it('evaluates the other transcendental functions lane by lane, rounded to float32', () => {
    const xs = VALUES.filter((v) => Number.isFinite(v)).map((v) => v / 7)
    const out = run(
      `let a = A[i];
      S[i] = Math.tanh(a) + Math.atan(a);
      P[i] = Math.pow(Math.abs(a) + 1.0, a);
      L[i] = Math.log2(Math.abs(a) + 0.5);`,
      { A: xs, S: xs, P: xs, L: xs },
    )
    xs.forEach((v, j) => {
      const a = f(v)
      expect(out.S[j]).toBe(f(f(Math.tanh(a)) + f(Math.atan(a))))
      expect(out.P[j]).toBe(f(Math.pow(f(Math.abs(a) + 1), a)))
      expect(out.L[j]).toBe(f(Math.log2(f(Math.abs(a) + 0.5))))
    })
  })

  /** Error of a float32 result in units in the last place of the exact value's float32. */
  const ulps = (got: number, exact: number) => {
    const a = Math.abs(f(exact))
    const ulp = a < 1.1754943508222875e-38 ? 2 ** -149 : 2 ** (Math.floor(Math.log2(a)) - 23)
    return Math.abs(got - exact) / ulp
  }
  const sweep = (lo: number, hi: number, n: number, log = false) =>
    Array.from({ length: n }, (_, k) =>
      f(log ? Math.exp(Math.log(lo) + ((Math.log(hi) - Math.log(lo)) * k) / (n - 1)) : lo + ((hi - lo) * k) / (n - 1)),
    )

  it('computes sin and cos four lanes at once: within 2 ulp for |x| ≤ 10, 1e-7 absolute up to 8192', () => {
    for (const [lo, hi] of [
      [-10, 10],
      [-8192, 8192],
    ]) {
      const xs = sweep(lo, hi, 20001)
      const out = run('S[i] = Math.sin(A[i]);\nC[i] = Math.cos(A[i]);', { A: xs, S: xs, C: xs })
      xs.forEach((x, j) => {
        for (const [got, exact] of [
          [out.S[j], Math.sin(x)],
          [out.C[j], Math.cos(x)],
        ]) {
          if (hi <= 10) expect(ulps(got, exact), `at ${x}`).toBeLessThanOrEqual(2)
          expect(Math.abs(got - exact), `at ${x}`).toBeLessThanOrEqual(1e-7)
        }
      })
    }
  })

  it('computes exp and log four lanes at once within 1 ulp', () => {
    const xs = sweep(-87, 88, 20001)
    const e = run('E[i] = Math.exp(A[i]);', { A: xs, E: xs })
    xs.forEach((x, j) => expect(ulps(e.E[j], Math.exp(x)), `exp(${x})`).toBeLessThanOrEqual(1))
    const ys = sweep(1e-37, 1e37, 20001, true)
    const l = run('L[i] = Math.log(A[i]);', { A: ys, L: ys })
    ys.forEach((y, j) => expect(ulps(l.L[j], Math.log(y)), `log(${y})`).toBeLessThanOrEqual(1))
  })

  it('takes the exact lane-by-lane path for a vector with any lane outside the fast domain', () => {
    // One lane each: NaN, ±Infinity, |x| > 8192, exp overflow and underflow, log of 0, −1, a subnormal.
    const xs = [1, 2, NaN, 3, 0.5, Infinity, -Infinity, 4, 1e5, -2, 7, 9, 100, -100, 1e-40, 0, -1, 5, 6, 8]
    const out = run('S[i] = Math.sin(A[i]);\nC[i] = Math.cos(A[i]);\nE[i] = Math.exp(A[i]);\nL[i] = Math.log(A[i]);', {
      A: xs,
      S: xs,
      C: xs,
      E: xs,
      L: xs,
    })
    xs.forEach((v, j) => {
      const a = f(v)
      const lanes = xs.slice(j - (j % 4), j - (j % 4) + 4).map(f)
      const outside = (test: (x: number) => boolean) => lanes.some((x) => !test(x))
      if (outside((x) => Math.abs(x) <= 8192)) {
        expect(Object.is(out.S[j], f(Math.sin(a)))).toBe(true)
        expect(Object.is(out.C[j], f(Math.cos(a)))).toBe(true)
      }
      if (outside((x) => x >= -87 && x <= 88)) expect(Object.is(out.E[j], f(Math.exp(a)))).toBe(true)
      if (outside((x) => x >= 1.17549435e-38 && x <= 3.4028234e38)) expect(Object.is(out.L[j], f(Math.log(a)))).toBe(true)
    })
    // The vectors fully inside agree to a few ulp (checked above); here just the first one.
    expect(Math.abs(out.S[0] - Math.sin(1))).toBeLessThan(1e-7)
  })

  it('inlines the noise hash: the same uniforms as the float64 path (every intermediate is an exact integer)', () => {
    const a = Array.from({ length: 37 }, (_, j) => j * 977)
    const b = Array.from({ length: 37 }, (_, j) => (j * 31) % 50)
    const out = run('R[i] = gsUniform(12345.0, A[i], B[i], 1.0);', { A: a, B: b, R: a.map(() => 0) }, { functions: RANDOM_CODE })
    a.forEach((_, j) => {
      // The last line combines three integers into one float: float32 rounds it once more.
      expect(Math.abs(out.R[j] - uniform(12345, a[j], b[j], 1))).toBeLessThan(1e-7)
    })
  })

  it('computes the same lanes whatever the interleave', () => {
    const body = `let a = A[i];
      let s = 0.0;
      for (let r = 0; r < 5; r++) { if (a > s) { s = s + Math.sqrt(a - s); } else { s = s * 0.5; } }
      A[i] = s;`
    const xs = Array.from({ length: 100 }, (_, j) => (j - 30) * 0.37)
    const one = run(body, { A: xs }, { interleave: 1 })
    const eight = run(body, { A: xs }, { interleave: 8 })
    expect([...eight.A]).toEqual([...one.A])
  })

  it.each([
    ['while (true) { }', /line 1: unsupported statement WhileStatement/],
    ['A[i] = b;', /line 1: unknown identifier 'b'/],
    ['let a = A[i];\nif (a) { a = 1.0; }', /line 2: a number used as a condition/],
    ['let a = A[i];\na += 1.0;', /line 2: only plain assignment/],
    ['let a = A[i];\nA[i] = Math.random();', /line 2: Math\.random is not available/],
    ['let a = A[i];\nif (a > 0.0) { A[i] = 1.0; }', /line 2: a particle column cannot be written under a condition/],
    ['let a = A[i];\nif (a > 0.0) { let a = 2.0; }', /line 2: 'a' is declared twice/],
    ['let q = 1.0;\nif (u > 0.5) { let q = 2.0; }\nA[i] = q;', /line 2: 'q' is declared twice/],
    ['let c = A[i];\nc += 1.0;', /only plain assignment/],
    [
      'let u2 = 1.0;\nfor (let r = 0; r < 2; r++) { u2 = u2 * 2.0; A[i] = A[i] + u2; }',
      /'u2', shared by all particles, is assigned in per-particle code/,
    ],
    ['let b = 0.0;\nfor (let r = 0; r < 4; r++) { b = b + A[i]; r = r + 1.0; }', /must not assign its counter/],
  ])('refuses %j with the line and the problem', (body, message) => {
    expect(() => run(body, { A: [1, 2, 3] }, { scalars: { u: 1 } })).toThrow(KernelCompileError)
    expect(() => run(body, { A: [1, 2, 3] }, { scalars: { u: 1 } })).toThrow(message)
  })

  it('refuses a recursive function instead of inlining forever', () => {
    expect(() => run('A[i] = f(A[i]);', { A: [1] }, { functions: 'function f(v) { return f(v); }' })).toThrow(/f calls itself/)
  })

  it('counts with ++ per lane under a mask, and in a counted loop inside a lane-varying branch', () => {
    const xs = [1, -1, 2, -2, 0.5, -0.5, 3, -3, 4]
    const out = run(
      `let cnt = 0.0;
      let a = A[i];
      if (a > 0.0) { cnt++; for (let r = 0; r < 3; r++) { a = a + 1.0; } }
      B[i] = cnt;
      A[i] = a;`,
      { A: xs, B: xs.map(() => 9) },
    )
    xs.forEach((v, j) => {
      expect(out.B[j]).toBe(v > 0 ? 1 : 0)
      expect(out.A[j]).toBe(v > 0 ? v + 3 : v)
    })
  })

  it('keeps the sign of a −0 literal in vector code', () => {
    const out = run('A[i] = 1.0 / (-0.0 * A[i]);', { A: [1, 2, 3, 4] })
    expect([...out.A]).toEqual([-Infinity, -Infinity, -Infinity, -Infinity])
  })
})

describe("the 'wasm' backend's thread pool", () => {
  it('gives bit-identical trajectories on one thread and on all of them', async () => {
    const doc = {
      landscape: { preset: 'rastrigin' },
      optimizer: { name: 'adam', lr: 0.05 },
      steps: 100,
      precision: 'float32',
      init: { random: { x: [-4, 4], y: [-4, 4], count: 5000, seed: 4 } },
      record: { every: 50 },
    }
    const pooled = await runScenario(parseScenario(doc), { backend: 'wasm', threaded: true })
    const alone = await runScenario(parseScenario(doc), { backend: 'wasm', threaded: false })
    expect(pooled.backends[0]).toMatch(poolThreads() > 1 ? /wasm-simd \(\d threads\)/ : /wasm-simd/)
    expect(alone.backends[0]).toBe('float32 wasm-simd')
    expect(pooled.runs.map((r) => r.trajectory)).toEqual(alone.runs.map((r) => r.trajectory))
  })

  it('reports a trapping share after every share has stopped, and runs the next launch', async () => {
    if (poolThreads() < 2) return
    // A kernel whose run() traps (`unreachable`), in place of a real one.
    const body = new FunctionBody(['i32', 'i32'])
    body.op(0x00)
    const bytes = encodeModule({ imports: [], memoryPages: [1, 1], exportName: 'run', params: ['i32', 'i32'], body })
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true })
    const module = new WebAssembly.Module(bytes)
    const run = new WebAssembly.Instance(module, { env: { memory } }).exports.run as (a: number, b: number) => void
    const trapping = { kernel: { id: -1, module }, memory, run, id: -1 } as unknown as WasmArena
    await expect(runShared(trapping, 4096, true)).rejects.toThrow(/unreachable/)
    // The pool still works: a real job, threaded, equals itself on one thread.
    const doc = {
      landscape: { preset: 'booth' },
      optimizer: { name: 'sgd', lr: 0.01 },
      steps: 100,
      precision: 'float32',
      init: { random: { x: [-4, 4], y: [-4, 4], count: 3000, seed: 1 } },
      record: { every: 100 },
    }
    const pooled = await runScenario(parseScenario(doc), { backend: 'wasm', threaded: true })
    const alone = await runScenario(parseScenario(doc), { backend: 'wasm', threaded: false })
    expect(pooled.backends[0]).toMatch(/threads/)
    expect(pooled.runs.map((r) => r.trajectory)).toEqual(alone.runs.map((r) => r.trajectory))
  })
})
