/** @vitest-environment node */
/**
 * Exactness of the landscape's symbolic derivatives. The oracle is math.js's own
 * `derivative` (an independent symbolic differentiator), applied to the original text and
 * evaluated by math.js; the project's compiled float64 functions and its tree-walking
 * `evaluate` must agree with it to ~1e-9 relative.
 *
 * math.js cannot differentiate log2, min or max, so the oracle rewrites them first:
 * log2(u) → log(u)/log(2) everywhere, and min/max → the branch that is active at the
 * evaluation point (points are chosen away from ties).
 */
import { derivative as mjDerivative, type MathNode, parse as mjParse } from 'mathjs'
import { describe, expect, it } from 'vitest'
import {
  countNodes,
  emitAssignments,
  evaluate,
  type Expr,
  landscapeFromExpression,
  parseExpression,
  PRESETS,
} from '../../src-shared/landscape'

type Point = readonly [number, number]

/** Components in the order the project reports them, as differentiation orders. */
const COMPONENTS: ReadonlyArray<{ name: string; order: string[] }> = [
  { name: 'L', order: [] },
  { name: 'Lx', order: ['x'] },
  { name: 'Ly', order: ['y'] },
  { name: 'Lxx', order: ['x', 'x'] },
  { name: 'Lxy', order: ['x', 'y'] },
  { name: 'Lyy', order: ['y', 'y'] },
  { name: 'Lxxx', order: ['x', 'x', 'x'] },
  { name: 'Lxxy', order: ['x', 'x', 'y'] },
  { name: 'Lxyy', order: ['x', 'y', 'y'] },
  { name: 'Lyyy', order: ['y', 'y', 'y'] },
]

/** The oracle's text for `src` at point (x, y): log2 and min/max rewritten. */
function oracleText(src: string, x: number, y: number): string {
  const handler = (node: MathNode, options: object): string | undefined => {
    if (node.type !== 'FunctionNode') return undefined
    const fn = node as MathNode & { fn: { name: string }; args: MathNode[] }
    const name = fn.fn.name
    const args = fn.args.map((a) => a.toString(options))
    if (name === 'log2') return `(log(${args[0]}) / log(2))`
    if (name === 'min' || name === 'max') {
      const a = Number(mjParse(args[0]).evaluate({ x, y }))
      const b = Number(mjParse(args[1]).evaluate({ x, y }))
      if (!(Math.abs(a - b) > 1e-6 * (Math.abs(a) + Math.abs(b) + 1))) throw new Error(`test bug: ${src} has a tie at ${x}, ${y}`)
      const pickFirst = name === 'min' ? a < b : a > b
      return `(${pickFirst ? args[0] : args[1]})`
    }
    return undefined
  }
  return mjParse(src).toString({ handler, implicit: 'show', parenthesis: 'keep' } as object)
}

/** All ten components at (x, y) from math.js. */
function oracle(src: string, x: number, y: number): number[] {
  const root = mjParse(oracleText(src, x, y))
  const cache = new Map<string, MathNode>([['', root]])
  const nodeFor = (order: string[]): MathNode => {
    const key = order.join('')
    const hit = cache.get(key)
    if (hit) return hit
    const d = mjDerivative(nodeFor(order.slice(0, -1)), order[order.length - 1], { simplify: false })
    cache.set(key, d)
    return d
  }
  return COMPONENTS.map(({ name, order }) => {
    const v: unknown = nodeFor(order).evaluate({ x, y })
    if (typeof v !== 'number') throw new Error(`test bug: oracle ${name} of ${src} at ${x}, ${y} is not a real number`)
    return v
  })
}

/** All ten components at (x, y) from the project's compiled float64 functions. */
function compiledAt(src: string, x: number, y: number): number[] {
  const c = landscapeFromExpression(src).compiled
  const vg = new Float64Array(3)
  const h = new Float64Array(3)
  const t = new Float64Array(4)
  c.valueAndGradient(x, y, vg)
  c.hessian(x, y, h)
  c.third(x, y, t)
  expect(c.value(x, y)).toBe(vg[0])
  return [...vg, ...h, ...t]
}

function exprsOf(src: string): Expr[] {
  const d = landscapeFromExpression(src).derivatives
  return [d.value, ...d.gradient, ...d.hessian, ...d.third]
}

/**
 * Compare per component; the tolerance is relative to the component's magnitude over the
 * sampled points (a component that is large somewhere may legitimately cancel to ~0
 * elsewhere), with a tiny absolute floor for components that vanish identically.
 */
function checkAgainstOracle(src: string, points: readonly Point[], rtol = 1e-9) {
  const want = points.map(([x, y]) => oracle(src, x, y))
  const got = points.map(([x, y]) => compiledAt(src, x, y))
  const tree = points.map(([x, y]) => exprsOf(src).map((e) => evaluate(e, { x, y })))
  for (let k = 0; k < COMPONENTS.length; k++) {
    const scale = Math.max(...want.map((w) => Math.abs(w[k])))
    for (let i = 0; i < points.length; i++) {
      const w = want[i][k]
      const where = `${src} ${COMPONENTS[k].name} at (${points[i].join(', ')})`
      expect(Number.isFinite(w), `oracle ${where}`).toBe(true)
      const tol = rtol * Math.max(Math.abs(w), scale) + 1e-13
      expect(Math.abs(got[i][k] - w), `compiled ${where}: ${got[i][k]} vs ${w}`).toBeLessThanOrEqual(tol)
      expect(Math.abs(tree[i][k] - w), `evaluate ${where}: ${tree[i][k]} vs ${w}`).toBeLessThanOrEqual(tol)
    }
  }
}

/** A 3×3 set of interior points of a view box, avoiding its centre and symmetry lines. */
function interior(view: { x: readonly [number, number]; y: readonly [number, number] }): Point[] {
  const frx = [0.137, 0.419, 0.773]
  const fry = [0.229, 0.587, 0.851]
  const pts: Point[] = []
  for (const fy of fry) {
    for (const fx of frx) {
      pts.push([view.x[0] + fx * (view.x[1] - view.x[0]), view.y[0] + fy * (view.y[1] - view.y[0])])
    }
  }
  return pts
}

describe('oracle sanity', () => {
  it('the oracle differentiates correctly on a case with a known closed form', () => {
    // L = x^3 y^2: Lx = 3x^2y^2, Lxy = 6xy^2 … written out by hand.
    const [x, y] = [1.7, -0.6]
    const o = oracle('x^3 * y^2', x, y)
    const hand = [
      x ** 3 * y ** 2,
      3 * x ** 2 * y ** 2,
      2 * x ** 3 * y,
      6 * x * y ** 2,
      6 * x ** 2 * y,
      2 * x ** 3,
      6 * y ** 2,
      12 * x * y,
      6 * x ** 2,
      0,
    ]
    for (let k = 0; k < hand.length; k++) expect(o[k]).toBeCloseTo(hand[k], 12)
  })

  it('the oracle rewrites min/max to the active branch and log2 to log/log(2)', () => {
    expect(oracle('min(x, y)', 1, 2).slice(0, 3)).toEqual([1, 1, 0])
    expect(oracle('max(x, y)', 1, 2).slice(0, 3)).toEqual([2, 0, 1])
    expect(oracle('log2(x)', 8, 0)[1]).toBeCloseTo(1 / (8 * Math.LN2), 14)
  })
})

describe('derivatives of every preset match math.js', () => {
  it.each(PRESETS.map((p) => [p.id, p] as const))('%s', (_id, preset) => {
    checkAgainstOracle(preset.expr, interior(preset.view))
  })
})

describe('derivatives of extra expressions match math.js', () => {
  const cases: ReadonlyArray<readonly [string, readonly Point[]]> = [
    [
      'tan(x) + tan(x*y/3)',
      [
        [0.3, 0.7],
        [-1.1, 0.4],
        [0.9, -1.6],
      ],
    ],
    [
      'asin(x*y/4) + acos(x/3)',
      [
        [0.3, 0.7],
        [-1.1, 2.4],
        [2.2, -1.6],
      ],
    ],
    [
      'atan(x*y) + atan(x - 2*y)',
      [
        [0.3, 0.7],
        [-1.1, 2.4],
        [2.2, -1.6],
      ],
    ],
    [
      'sinh(x) * cosh(y) + tanh(x - y)',
      [
        [0.3, 0.7],
        [-1.1, 2.4],
        [2.2, -1.6],
      ],
    ],
    [
      'exp(-x^2) * exp(y/2)',
      [
        [0.3, 0.7],
        [-1.1, 2.4],
        [2.2, -1.6],
      ],
    ],
    [
      'log(1 + x^2 + y^4) + log10(x^2 + 1) * y + log2(y^2 + 2) * x',
      [
        [0.3, 0.7],
        [-1.1, 2.4],
        [2.2, -1.6],
      ],
    ],
    [
      'sqrt(x^2 + y^2 + 1) + sqrt(x*y)',
      [
        [0.3, 0.7],
        [1.1, 2.4],
        [-2.2, -1.6],
      ],
    ],
    [
      'abs(x - y) + abs(x*y - 1)^3',
      [
        [0.3, 0.7],
        [-1.1, 2.4],
        [2.2, -1.6],
        [0.2, 0.1],
      ],
    ],
    [
      'min(x^2, y) + max(sin(x), cos(y))',
      [
        [0.3, 0.7],
        [-1.1, 2.4],
        [2.2, -1.6],
        [0.5, 0.01],
      ],
    ],
    [
      'min(x, y) * max(x*y, 1)',
      [
        [0.3, 0.7],
        [-1.1, 2.4],
        [2.2, -1.6],
        [3, 2],
      ],
    ],
    [
      'x^y',
      [
        [0.3, 0.7],
        [1.1, 2.4],
        [2.2, -1.6],
      ],
    ],
    [
      '2^x * e^(x*y) + (x^2 + 1)^(sin(y))',
      [
        [0.3, 0.7],
        [-1.1, 2.4],
        [2.2, -1.6],
      ],
    ],
    [
      '(x-3)^3 + (y+2)^5 - (x - 3)^(-2)',
      [
        [0.3, -2.7],
        [-1.1, -4.4],
        [2.2, -3.6],
        [4, 1],
      ],
    ],
    [
      '(x*y - 3)^17 / 1e6 + x^2.5 * y',
      [
        [0.3, 0.7],
        [1.1, 2.4],
        [2.2, -1.6],
      ],
    ],
    [
      'exp(sin(x)*cos(y)) / (1 + x^2*y^2) - 1/(x^2 + y^2)',
      [
        [0.3, 0.7],
        [-1.1, 2.4],
        [2.2, -1.6],
      ],
    ],
    [
      '-(x - y)^2 / (2*pi) + (-x)^4 - -y',
      [
        [0.3, 0.7],
        [-1.1, 2.4],
        [2.2, -1.6],
      ],
    ],
  ]
  it.each(cases)('%s', (src, points) => {
    checkAgainstOracle(src, points)
  })
})

describe('non-smooth conventions', () => {
  const grad = (src: string, x: number, y: number) => {
    const out = new Float64Array(3)
    landscapeFromExpression(src).compiled.valueAndGradient(x, y, out)
    return [out[1], out[2]]
  }

  it('d|u| is sign(u)·du, so 0 where u = 0', () => {
    expect(grad('abs(x)', 0, 0)).toEqual([0, 0])
    expect(grad('abs(x - 1) + abs(y + 2)', 1, -2)).toEqual([0, 0])
    expect(grad('abs(x)', -2, 0)).toEqual([-1, 0])
    expect(grad('abs(x)', 2, 0)).toEqual([1, 0])
    // The Hessian of |x| is 0 everywhere, including the kink.
    const h = new Float64Array(3)
    landscapeFromExpression('abs(x) * 3').compiled.hessian(0, 0, h)
    expect([...h]).toEqual([0, 0, 0])
  })

  it('min and max take the mean of both sides at a tie', () => {
    expect(grad('min(x, y)', 1, 1)).toEqual([0.5, 0.5])
    expect(grad('max(x, y)', 1, 1)).toEqual([0.5, 0.5])
    // min(x, 2y) at x = 2y: the mean of (1, 0) and (0, 2)
    expect(grad('min(x, 2*y)', 2, 1)).toEqual([0.5, 1])
    expect(grad('max(x, 2*y)', 2, 1)).toEqual([0.5, 1])
    // away from the tie, the active side
    expect(grad('min(x, y)', 0, 1)).toEqual([1, 0])
    expect(grad('max(x, y)', 0, 1)).toEqual([0, 1])
    expect(grad('abs(x) + min(x, y) + max(x, 2*y)', 0, 0)).toEqual([1, 1.5])
  })

  it('d sqrt(u) is infinite at u = 0', () => {
    expect(grad('sqrt(x)', 0, 0)[0]).toBe(Infinity)
  })
})

describe('constant folding keeps IEEE semantics', () => {
  it('does not fold coefficients into a non-finite constant', () => {
    // In float64, 1e200*x*1e200 at x = 1e-300 is 1e100; it must not become Infinity·x
    // (and must still compile).
    const src = '1e200*x*1e200'
    const want = 1e200 * 1e-300 * 1e200
    expect(Number.isFinite(want)).toBe(true)
    expect(evaluate(parseExpression(src), { x: 1e-300, y: 0 }) / want).toBeCloseTo(1, 12)
    expect(landscapeFromExpression(src).compiled.value(1e-300, 0) / want).toBeCloseTo(1, 12)
  })
})

describe('every expression that validates compiles', () => {
  const all = (src: string, x: number, y: number) => {
    const c = landscapeFromExpression(src).compiled
    const vg = new Float64Array(3)
    const h = new Float64Array(3)
    const t = new Float64Array(4)
    c.valueAndGradient(x, y, vg)
    c.hessian(x, y, h)
    c.third(x, y, t)
    return { value: c.value(x, y), vg, h, t }
  }

  it.each(['(x^1e200)^1e200', '((x^2)^1e308)', '(x^1e300)^1e10', '(x^(10^200))^(10^200)', '((x*y)^400)^1e306'])(
    '%s: (f^p)^q with an infinite pq stays symbolic instead of emitting Infinity',
    (src) => {
      for (const [x, y] of [
        [1, 1],
        [-1, 1],
        [0.5, 2],
        [1.0000001, 1],
      ] as const) {
        const { value, vg } = all(src, x, y)
        expect(Object.is(value, evaluate(parseExpression(src), { x, y })), `${src} at ${x}`).toBe(true)
        expect(vg[0]).toBe(value)
      }
      expect(all('(x^1e200)^1e200', -1, 0).value).toBe(((-1) ** 1e200) ** 1e200) // 1: both exponents even
    },
  )

  it('(f^p)^q folds to f^(pq) only while pq is exact (past 2^53 it rounds to even, losing the sign)', () => {
    const p = 3 ** 33 // odd, below 2^53; p·3 is odd and above 2^53, so it would round to an even number
    expect(Number.isSafeInteger(p) && !Number.isSafeInteger(p * 3) && (p * 3) % 2 === 0).toBe(true)
    const src = `(x^${p})^3`
    expect(evaluate(parseExpression(src), { x: -1, y: 0 })).toBe(-1)
    expect(landscapeFromExpression(src).compiled.value(-1, 0)).toBe(-1)
    // Exact products still fold.
    expect(parseExpression('(x^3)^4')).toBe(parseExpression('x^12'))
  })

  it('a 199-level power tower compiles, with derivatives that agree with finite differences', () => {
    const levels = 199
    const src = 'x^'.repeat(levels) + 'x'
    const x = 0.5
    const y = 0.25
    let want = x
    for (let i = 0; i < levels; i++) want = x ** want
    const { value, vg, h, t } = all(src, x, y)
    expect(value).toBeCloseTo(want, 14)
    // Central differences of each order against the next one up.
    const d = 1e-5
    const at = (px: number) => all(src, px, y)
    expect(vg[1]).toBeCloseTo((at(x + d).value - at(x - d).value) / (2 * d), 5)
    expect(h[0]).toBeCloseTo((at(x + d).vg[1] - at(x - d).vg[1]) / (2 * d), 4)
    expect(t[0]).toBeCloseTo((at(x + d).h[0] - at(x - d).h[0]) / (2 * d), 3)
    expect([h[1], h[2], t[1], t[2], t[3]]).toEqual([0, 0, 0, 0, 0])
  })

  it('emitted code stays shallow however deep the expression (parsers of the code recurse)', () => {
    const third = landscapeFromExpression('x^'.repeat(199) + 'x').derivatives.third
    const code = emitAssignments(
      third.map((e, i) => [`out[${i}]`, e] as const),
      { vars: { x: 'x', y: 'y' } },
    )
    let depth = 0
    let deepest = 0
    for (const ch of code) {
      if (ch === '(') deepest = Math.max(deepest, ++depth)
      else if (ch === ')') depth--
    }
    expect(deepest).toBeGreaterThan(5)
    expect(deepest).toBeLessThanOrEqual(70)
  })
})

/** Size of the expression as a tree (shared subexpressions counted once per use). */
function treeSize(roots: readonly Expr[]): number {
  const memo = new Map<number, number>()
  const size = (e: Expr): number => {
    const hit = memo.get(e.id)
    if (hit !== undefined) return hit
    let s = 1
    if (e.kind === 'neg') s += size(e.a)
    else if (e.kind === 'fn') for (const a of e.args) s += size(a)
    else if (e.kind !== 'num' && e.kind !== 'var') s += size(e.a) + size(e.b)
    memo.set(e.id, s)
    return s
  }
  return roots.reduce((s, e) => s + size(e), 0)
}

describe('common-subexpression elimination in the emitted code', () => {
  const gp = PRESETS.find((p) => p.id === 'goldstein_price')!

  it('the third-derivative DAG of Goldstein–Price is far smaller than its tree', () => {
    const third = landscapeFromExpression(gp.expr).derivatives.third
    const dag = countNodes(third)
    const tree = treeSize(third)
    expect(dag).toBeGreaterThan(10)
    expect(dag * 10).toBeLessThan(tree)
  })

  it('defines each temporary exactly once, before any use, and uses it', () => {
    const third = landscapeFromExpression(gp.expr).derivatives.third
    const code = emitAssignments(
      third.map((e, i) => [`out[${i}]`, e] as const),
      { vars: { x: 'px', y: 'py' }, tempPrefix: 'tmp', declare: 'let' },
    )
    const lines = code.split('\n')
    const defined = new Map<string, number>()
    lines.forEach((line, i) => {
      const m = /^let (tmp\d+) = /.exec(line)
      if (m) {
        expect(defined.has(m[1]), `${m[1]} defined twice`).toBe(false)
        defined.set(m[1], i)
      }
    })
    expect(defined.size).toBeGreaterThan(5)
    expect(defined.size).toBeLessThanOrEqual(countNodes(third))
    // Only the last four lines assign the outputs, once each.
    expect(lines.slice(-4)).toEqual(lines.slice(-4).map((l, i) => (l.startsWith(`out[${i}] = `) ? l : `<bad ${l}>`)))
    expect(lines.length).toBe(defined.size + 4)
    for (const [name, at] of defined) {
      const uses = lines.flatMap((line, i) => (new RegExp(`\\b${name}\\b`).test(line.replace(/^let tmp\d+ = /, '')) ? [i] : []))
      expect(uses.length, `${name} unused`).toBeGreaterThan(0)
      expect(Math.min(...uses), `${name} used before its definition`).toBeGreaterThan(at)
    }
    // Closed vocabulary: temporaries, the given variable names, the outputs, Math.<fn>.
    const ids = code.replace(/(?<![\w$.])\d+(\.\d*)?(e[+-]?\d+)?/gi, '0').match(/[A-Za-z_$][\w$.]*/g) ?? []
    for (const id of ids)
      expect(id).toMatch(
        /^(let|tmp\d+|px|py|out|Math\.(sin|cos|tan|asin|acos|atan|sinh|cosh|tanh|exp|log|log10|log2|sqrt|abs|sign|min|max|pow))$/,
      )
    // And the emitted code computes the same numbers as the compiled landscape.
    const run = new Function('px', 'py', 'out', `"use strict";\n${code}`) as (x: number, y: number, out: Float64Array) => void
    const mine = new Float64Array(4)
    const theirs = new Float64Array(4)
    run(0.37, -0.81, mine)
    landscapeFromExpression(gp.expr).compiled.third(0.37, -0.81, theirs)
    expect([...mine]).toEqual([...theirs])
  })
})
