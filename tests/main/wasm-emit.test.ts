/**
 * The WebAssembly kernel compiler's emission (src-main/engine/wasm/emit.ts, emit-locals.ts) on
 * its own: locals per lane group, constants and temporaries, and what is emitted once or once per
 * lane group. What the code computes is checked lane by lane in wasm-compile.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { analyse, type Kinds } from '../../src-main/engine/wasm/analyse'
import { FunctionBody } from '../../src-main/engine/wasm/encoder'
import { emitKernel } from '../../src-main/engine/wasm/emit'
import { Locals } from '../../src-main/engine/wasm/emit-locals'
import { lower } from '../../src-main/engine/wasm/lower'
import { schedule } from '../../src-main/engine/wasm/schedule'

const kinds: Kinds = { variable: (key) => (key.startsWith('v') ? 'v128' : 'f32'), of: () => 'f32' }

describe('kernel locals', () => {
  it('a varying variable has a local per lane group, a uniform one a single local', () => {
    const locals = new Locals(new FunctionBody(['i32', 'i32']), kinds)
    expect(locals.addr).toBe(2)
    expect([locals.variable('v', 0), locals.variable('v', 1), locals.variable('v', 0)]).toEqual([3, 4, 3])
    expect([locals.variable('u', 0), locals.variable('u', 1)]).toEqual([5, 5])
  })

  it('reuses released temporaries by type, and keeps +0 and −0 apart as vector constants', () => {
    const locals = new Locals(new FunctionBody([]), kinds)
    const t = locals.temp('v128')
    locals.release('v128', t)
    expect(locals.temp('v128')).toBe(t)
    expect(locals.temp('f32')).not.toBe(t)
    expect(locals.vectorConstant(0)).not.toBe(locals.vectorConstant(-0))
    expect(locals.vectorConstant(0.1)).toBe(locals.vectorConstant(Math.fround(0.1)))
  })

  it('imports each Math function once, in order of first use', () => {
    const locals = new Locals(new FunctionBody([]), kinds)
    expect([locals.importOf('exp'), locals.importOf('pow'), locals.importOf('exp')]).toEqual([0, 1, 0])
    expect(locals.imports).toEqual([
      { name: 'exp', arity: 1 },
      { name: 'pow', arity: 2 },
    ])
    expect(() => locals.importOf('sqrt')).toThrow(/not imported/)
  })
})

describe('kernel emission', () => {
  const emitted = (body: string, interleave: number) => {
    const kernel = lower({ columns: ['X'], scalars: ['lr'], functions: '', body })
    const k = analyse(kernel)
    return emitKernel(schedule(kernel, k), k, { columns: ['X'], scalars: ['lr'], stride: 64, interleave })
  }

  it('emits uniform code once whatever the interleave, per-particle code once per lane group', () => {
    const uniform = 'let a = lr * 2.0; let b = Math.exp(a);'
    // (Only the loop's address step, 16 · interleave, differs: a one-byte immediate for both.)
    expect(emitted(uniform, 3).body.code.length).toBe(emitted(uniform, 2).body.code.length)
    const varying = 'let a = X[i] * lr; X[i] = a;'
    const one = emitted(varying, 1).body.code.length
    const two = emitted(varying, 2).body.code.length
    const three = emitted(varying, 3).body.code.length
    expect(two).toBeGreaterThan(one)
    expect(three - two).toBe(two - one)
  })

  it('lays the scalars out after the columns', () => {
    const c = emitted('X[i] = X[i] + lr;', 2)
    expect(c.scalarOffset).toBe(64 * 4)
    expect(c.bytes).toBe(64 * 4 + 4)
    expect(emitted('X[i] = Math.tanh(X[i]);', 1).imports).toEqual([{ name: 'tanh', arity: 1 }])
  })
})
