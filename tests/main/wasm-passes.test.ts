/**
 * The WebAssembly kernel compiler's passes one by one (src-main/engine/wasm/: lower, analyse,
 * schedule, print-ir), on small programs per construct, through printIr snapshots. What the
 * compiled code computes is checked lane by lane in wasm-compile.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { analyse } from '../../src-main/engine/wasm/analyse'
import { KernelCompileError } from '../../src-main/engine/wasm/ir'
import { type LoweringInput, lower } from '../../src-main/engine/wasm/lower'
import { printIr, printSchedule } from '../../src-main/engine/wasm/print-ir'
import { schedule } from '../../src-main/engine/wasm/schedule'

const program = (body: string, more: Partial<LoweringInput> = {}): LoweringInput => ({
  columns: ['X', 'Y'],
  scalars: ['lr', 'u'],
  functions: '',
  body,
  ...more,
})
const lowered = (body: string, more: Partial<LoweringInput> = {}) => printIr(lower(program(body, more)).body)
const kinds = (body: string, more: Partial<LoweringInput> = {}) => {
  const k = lower(program(body, more))
  return printIr(k.body, analyse(k))
}
const scheduled = (body: string) => {
  const k = lower(program(body))
  const a = analyse(k)
  return printSchedule(schedule(k, a), a)
}
const refusal = (f: () => unknown) => {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(KernelCompileError)
    return (e as Error).message
  }
  throw new Error('not refused')
}

describe('lowering', () => {
  it('resolves names: variables, scalars, columns, Math constants', () => {
    expect(lowered('let a = X[i] * lr + Math.PI; a = -a; Y[i] = a;')).toMatchInlineSnapshot(`
      "let a = ((X[i] * lr) + Math.PI)
      a = -a
      Y[i] = a"
    `)
  })

  it('folds a branch on literals to the side that runs, and flattens blocks', () => {
    expect(
      lowered('let a = X[i]; if (0.0 > 0.5) { a = 1.0; } else { { a = 2.0; } } if (1.0 > 0.5) a = 3.0; if (!(0.0 > 0.5)) {} X[i] = a;'),
    ).toMatchInlineSnapshot(`
      "let a = X[i]
      a = 2.0
      a = 3.0
      X[i] = a"
    `)
  })

  it('keeps a branch on values, with an empty else apart from none', () => {
    expect(lowered('let a = X[i]; if (a > u) { a = 1.0; } else {} if (u > 0.5) { a = 2.0; } X[i] = a;')).toMatchInlineSnapshot(`
      "let a = X[i]
      if ((a > u)) {
        a = 1.0
      } else {
      }
      if ((u > 0.5)) {
        a = 2.0
      }
      X[i] = a"
    `)
  })

  it('marks a loop with literal bounds for unrolling, and keeps a loop on a scalar bound', () => {
    expect(lowered('let a = X[i]; for (let r = 0; r < 3; r++) { a = a * 2.0; } for (let s = 1; s <= u; s++) { a = a + 1.0; } X[i] = a;'))
      .toMatchInlineSnapshot(`
      "let a = X[i]
      unroll 3× (let r = 0.0; (r < 3.0); r++) {
        a = (a * 2.0)
      }
      for (let s = 1.0; (s <= u); s++) {
        a = (a + 1.0)
      }
      X[i] = a"
    `)
  })

  it("declares a loop's other variables before it", () => {
    expect(lowered('let a = X[i]; for (let r = 0, k = 2.0; r < 2; r++) { a = a * k; } X[i] = a;')).toMatchInlineSnapshot(`
      "let a = X[i]
      let k = 2.0
      unroll 2× (let r = 0.0; (r < 2.0); r++) {
        a = (a * k)
      }
      X[i] = a"
    `)
  })

  it('inlines calls, one instance per call site in the source: copies of a call site share it', () => {
    const functions = 'function sq(v) { let w = v * v; return w; }\nfunction quad(v) { return sq(sq(v)); }'
    expect(lowered('let a = quad(X[i]); let b = quad(lr); X[i] = a + b;', { functions })).toMatchInlineSnapshot(`
      "let a = quad{ @0:v = X[i]; return sq{ @2:v = sq{ @1:v = @0:v; let @1:w = (@1:v * @1:v); return @1:w }; let @2:w = (@2:v * @2:v); return @2:w } }
      let b = quad{ @3:v = lr; return sq{ @2:v = sq{ @1:v = @3:v; let @1:w = (@1:v * @1:v); return @1:w }; let @2:w = (@2:v * @2:v); return @2:w } }
      X[i] = (a + b)"
    `)
  })

  it('refuses what is outside the subset, with the construct and its line', () => {
    expect(refusal(() => lower(program('let a = X[i];\na += 1.0;')))).toMatchInlineSnapshot(
      `"kernel code, line 2: only plain assignment (=), not += (\`a += 1.0\`)"`,
    )
    expect(refusal(() => lower(program('let a = q;')))).toMatchInlineSnapshot(`"kernel code, line 1: unknown identifier 'q' (\`q\`)"`)
    expect(refusal(() => lower(program('{ let a = 1.0; } { let a = 2.0; }')))).toMatchInlineSnapshot(
      `"kernel code, line 1: 'a' is declared twice (kernels have one namespace: no shadowing) (\`a = 2.0\`)"`,
    )
    expect(refusal(() => lower(program('let a = Math.hypot(1.0, 2.0);')))).toMatchInlineSnapshot(
      `"kernel code, line 1: Math.hypot is not available in kernels (\`Math.hypot(1.0, 2.0)\`)"`,
    )
    expect(refusal(() => lower(program('let a = X[j];')))).toMatchInlineSnapshot(
      `"kernel code, line 1: unsupported member access (\`X[j]\`)"`,
    )
    expect(refusal(() => lower(program('let a = f(1.0);', { functions: 'function f(v) { return f(v); }' })))).toMatchInlineSnapshot(
      `"kernel code, line 1: f calls itself (inlined calls cannot recurse) (\`f(v)\`)"`,
    )
    expect(refusal(() => lower(program('for (let r = 0; r < 3; r++) { r = 1.0; }')))).toMatchInlineSnapshot(
      `"kernel code, line 1: the body of a counted loop must not assign its counter (\`for (let r = 0; r < 3; r++) { r = 1.0; }\`)"`,
    )
    expect(refusal(() => lower(program('while (u > 0.0) {}')))).toMatchInlineSnapshot(
      `"kernel code, line 1: unsupported statement WhileStatement (\`while (u > 0.0) {}\`)"`,
    )
  })
})

describe('uniform/varying analysis', () => {
  it('a value from a column is varying, one from scalars and literals uniform', () => {
    expect(kinds('let a = X[i]; let b = lr * 2.0; let c = a * b; Y[i] = c;')).toMatchInlineSnapshot(`
      "let a: v128 = X[i]
      let b: f32 = (lr * 2.0)
      let c: v128 = (a * b)
      Y[i] = c"
    `)
  })

  it('an assignment under a varying condition makes the variable varying; a uniform condition does not', () => {
    expect(kinds('let a = X[i]; let m = 0.0; let n = 0.0; if (a > 0.0) { m = 1.0; } if (u > 0.0) { n = 1.0; } Y[i] = m + n;'))
      .toMatchInlineSnapshot(`
      "let a: v128 = X[i]
      let m: v128 = 0.0
      let n: f32 = 0.0
      if mask ((a > 0.0)) {
        m = 1.0
      }
      if bool ((u > 0.0)) {
        n = 1.0
      }
      Y[i] = (m + n)"
    `)
  })

  it('reaches a fixpoint through a loop that carries a varying value back', () => {
    expect(kinds('let a = 0.0; let b = 0.0; for (let s = 1; s <= u; s++) { a = b; b = X[i]; } Y[i] = a;')).toMatchInlineSnapshot(`
      "let a: v128 = 0.0
      let b: v128 = 0.0
      for (let s: f32 = 1.0; (s <= u); s++) {
        a = b
        b = X[i]
      }
      Y[i] = a"
    `)
  })

  it('an inlined call is varying when an argument is; its body runs unmasked', () => {
    expect(
      kinds('let a = X[i]; let b = 0.0; if (a > 0.0) { b = f(lr); } Y[i] = b + f(a);', {
        functions: 'function f(v) { let w = v + 1.0; return w; }',
      }),
    ).toMatchInlineSnapshot(`
      "let a: v128 = X[i]
      let b: v128 = 0.0
      if mask ((a > 0.0)) {
        b = f{ @0:v = lr; let @0:w = (@0:v + 1.0); return @0:w }
      }
      Y[i] = (b + f{ @1:v = a; let @1:w = (@1:v + 1.0); return @1:w })"
    `)
  })

  it('refuses a varying loop bound, a column written under a condition, a condition used as a number', () => {
    expect(refusal(() => analyse(lower(program('for (let s = 0; s < X[i]; s++) {}'))))).toMatchInlineSnapshot(
      `"kernel code, line 1: a loop bound must be the same for every particle (\`s < X[i]\`)"`,
    )
    expect(refusal(() => analyse(lower(program('if (X[i] > 0.0) { Y[i] = 1.0; }'))))).toMatchInlineSnapshot(
      `"kernel code, line 1: a particle column cannot be written under a condition (\`Y[i] = 1.0\`)"`,
    )
    expect(refusal(() => analyse(lower(program('let a = (u > 0.0) + 1.0;'))))).toMatchInlineSnapshot(
      `"kernel code, line 1: a condition used as a number (\`u > 0.0\`)"`,
    )
  })
})

describe('scheduling', () => {
  it('runs uniform statements once and per-particle runs per lane group, hoisting uniform vector operands', () => {
    expect(scheduled('let c = 1.0 - lr; let a = X[i]; a = a * c + lr * 0.5; let d = c * c; Y[i] = a * d;')).toMatchInlineSnapshot(`
      "once: let c: f32 = (1.0 - lr)
      per group hoisting c, (lr * 0.5) {
        let a: v128 = X[i]
        a = ((a * c) + (lr * 0.5))
      }
      once: let d: f32 = (c * c)
      per group hoisting d {
        Y[i] = (a * d)
      }"
    `)
  })

  it('does not hoist a name the run assigns (an unrolled counter), only the others', () => {
    expect(scheduled('let a = X[i]; for (let r = 0; r < 2; r++) { a = a * r + lr; } Y[i] = a;')).toMatchInlineSnapshot(`
      "per group hoisting lr {
        let a: v128 = X[i]
        unroll 2× (let r: f32 = 0.0; (r < 2.0); r++) {
          a = ((a * r) + lr)
        }
        Y[i] = a
      }"
    `)
  })

  it('branches and loops once on uniform conditions, around per-group bodies', () => {
    expect(scheduled('let a = X[i]; if (u > 0.5) { a = a * 2.0; } for (let s = 1; s <= u; s++) { a = a - lr; } X[i] = a;'))
      .toMatchInlineSnapshot(`
      "per group {
        let a: v128 = X[i]
      }
      branch ((u > 0.5)) {
        per group {
          a = (a * 2.0)
        }
      }
      loop (let s: f32 = 1.0; (s <= u); s++) {
        per group hoisting lr {
          a = (a - lr)
        }
      }
      per group {
        X[i] = a
      }"
    `)
  })

  it('refuses a shared value assigned in per-particle code', () => {
    expect(refusal(() => scheduled('let n = 0.0; for (let r = 0; r < 2; r++) { n = n + 1.0; X[i] = X[i] + 1.0; }'))).toMatchInlineSnapshot(
      `"kernel code, line 1: 'n', shared by all particles, is assigned in per-particle code (\`for (let r = 0; r < 2; r++) { n = n + 1.0; X[i] = X[i] + 1.0\`)"`,
    )
  })
})

describe('point rows (KernelProgram.rows)', () => {
  const rows = { rows: { columns: ['R'] } }
  it('lowers `R[i][row] = v` to a row store, scheduled per lane group with its row uniform', () => {
    const k = lower(program('let row = u; if (u > 0.0) { R[i][row] = X[i]; row = row + 1.0; }', rows))
    const a = analyse(k)
    expect(printIr(k.body, a)).toMatchInlineSnapshot(`
      "let row: f32 = u
      if bool ((u > 0.0)) {
        R[i][row] = X[i]
        row = (row + 1.0)
      }"
    `)
    expect(printSchedule(schedule(k, a), a)).toMatchInlineSnapshot(`
      "once: let row: f32 = u
      branch ((u > 0.0)) {
        per group {
          R[i][row] = X[i]
        }
        once: row = (row + 1.0)
      }"
    `)
  })

  it('refuses a row that differs between particles, and a row write under a per-particle condition', () => {
    expect(refusal(() => analyse(lower(program('R[i][X[i]] = 1.0;', rows))))).toMatchInlineSnapshot(
      `"kernel code, line 1: a point row must be the same for every particle (\`X[i]\`)"`,
    )
    expect(refusal(() => analyse(lower(program('if (X[i] > 0.0) { R[i][u] = 1.0; }', rows))))).toMatchInlineSnapshot(
      `"kernel code, line 1: a point row cannot be written under a condition (\`R[i][u] = 1.0\`)"`,
    )
  })
})
