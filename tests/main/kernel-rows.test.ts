/**
 * Point rows in the WebAssembly kernel compiler (KernelProgram.rows, used by the recording
 * kernel): `NAME[i][j] = v` writes point j of each particle, point-major, at j · stride + p.
 */
import { describe, expect, it } from 'vitest'
import { compileKernel, KernelCompileError } from '../../src-main/engine/wasm/compile'
import { encodeModule } from '../../src-main/engine/wasm/encoder'
import { MATH_IMPORTS } from '../../src-main/engine/wasm/kernel'

/** Run `body` over column A with `count` rows of columns Q and R (scalars k = 10, n = count); returns R's floats. */
function rows(body: string, a: number[], count: number, interleave = 2): Float32Array {
  const stride = Math.ceil(a.length / (4 * interleave)) * 4 * interleave
  const program = compileKernel({
    columns: ['A'],
    scalars: ['k', 'n'],
    functions: '',
    body,
    interleave,
    stride,
    rows: { columns: ['Q', 'R'], count },
  })
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
  new Float32Array(memory.buffer, 0, a.length).set(a)
  new Float32Array(memory.buffer, program.scalarOffset, 2).set([10, count])
  ;(instance.exports.run as (from: number, to: number) => void)(0, stride)
  // R is the second row column, after Q's count · stride floats.
  return new Float32Array(memory.buffer, program.rowOffset + count * stride * 4, count * stride)
}

describe('point rows', () => {
  it('writes point j of every particle at j · stride + p, in a loop with a uniform row index', () => {
    const a = Array.from({ length: 21 }, (_, p) => p + 0.5)
    const stride = 24
    const r = rows(
      `let x = A[i];
      let row = 0.0;
      for (let s = 1; s <= n; s++) {
        x = x * 2.0 + k;
        R[i][row] = x;
        row = row + 1.0;
      }`,
      a,
      3,
    )
    for (let p = 0; p < a.length; p++) {
      let x = a[p]
      for (let j = 0; j < 3; j++) {
        x = Math.fround(Math.fround(x * 2) + 10)
        expect(r[j * stride + p]).toBe(x)
      }
    }
  })

  it('refuses a row index that differs between particles, and a row write under a per-particle condition', () => {
    expect(() => rows('let x = A[i]; R[i][x] = x;', [1, 2, 3, 4], 2)).toThrow(KernelCompileError)
    expect(() => rows('let x = A[i]; if (x > 1.0) { R[i][0.0] = x; }', [1, 2, 3, 4], 2)).toThrow(/under a condition/)
  })
})
