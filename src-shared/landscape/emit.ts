/**
 * Emits straight-line code for a set of expressions, with common-subexpression elimination.
 *
 * The only input is the whitelisted DAG of `expr.ts`; the output uses a closed vocabulary
 * (numeric literals, the caller's variable names, generated temporaries, + − * / and
 * `Math.<whitelisted function>`). The same emitter serves the float64 JavaScript path and
 * the GPU.js kernel source, so both evaluate the same formula.
 */
import type { Expr, FunctionName } from './expr'

export interface EmitOptions {
  /** Identifier to use for each landscape variable, e.g. { x: 'px', y: 'py' }. */
  readonly vars: Readonly<Record<string, string>>
  /** Prefix of generated temporaries; must not clash with the caller's identifiers. */
  readonly tempPrefix?: string
  /** Declaration keyword for temporaries (`const` for JS; GPU.js also accepts it). */
  readonly declare?: 'const' | 'let'
  /** Literal formatting; kernels may need an explicit decimal point. */
  readonly formatNumber?: (value: number) => string
}

/**
 * Deepest subtree written inline. A longer chain of single-use nodes (a power tower, a long sum,
 * their derivatives) gets temporaries along the way: every consumer parses the emitted code with
 * a recursive parser (V8's for `new Function`, acorn for the kernels), and a deeply parenthesised
 * expression overflows its stack where straight-line assignments do not.
 */
export const MAX_INLINE_DEPTH = 32

/** Integer powers up to this size are emitted as products: exact to rounding and defined
 * for negative bases on every backend (GLSL's pow is not). */
const MAX_EXPANDED_POWER = 16

const MATH_NAME: Record<FunctionName, string> = {
  sin: 'Math.sin',
  cos: 'Math.cos',
  tan: 'Math.tan',
  asin: 'Math.asin',
  acos: 'Math.acos',
  atan: 'Math.atan',
  sinh: 'Math.sinh',
  cosh: 'Math.cosh',
  tanh: 'Math.tanh',
  exp: 'Math.exp',
  log: 'Math.log',
  log10: 'Math.log10',
  log2: 'Math.log2',
  sqrt: 'Math.sqrt',
  abs: 'Math.abs',
  sign: 'Math.sign',
  min: 'Math.min',
  max: 'Math.max',
}

export function defaultFormatNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`cannot emit non-finite literal ${value}`)
  const s = String(value)
  return value < 0 ? `(${s})` : s
}

const children = (e: Expr): readonly Expr[] =>
  e.kind === 'num' || e.kind === 'var' ? [] : e.kind === 'neg' ? [e.a] : e.kind === 'fn' ? e.args : [e.a, e.b]

const expandedPower = (e: Expr): number | null =>
  e.kind === 'pow' && e.b.kind === 'num' && Number.isInteger(e.b.value) && Math.abs(e.b.value) <= MAX_EXPANDED_POWER ? e.b.value : null

/**
 * Statements that assign each `[target, expr]` pair, sharing every subexpression that is
 * used more than once. Targets must already be declared by the caller.
 */
export function emitAssignments(outputs: ReadonlyArray<readonly [string, Expr]>, options: EmitOptions): string {
  const prefix = options.tempPrefix ?? '_t'
  const declare = options.declare ?? 'const'
  const fmt = options.formatNumber ?? defaultFormatNumber

  // Post-order walk: children before parents, so temporaries are defined before use.
  const order: Expr[] = []
  const uses = new Map<number, number>()
  const visited = new Set<number>()
  const visit = (root: Expr) => {
    const stack: Array<[Expr, boolean]> = [[root, false]]
    while (stack.length) {
      const [e, expanded] = stack.pop()!
      if (expanded) {
        order.push(e)
        continue
      }
      uses.set(e.id, (uses.get(e.id) ?? 0) + 1)
      if (visited.has(e.id)) continue
      visited.add(e.id)
      stack.push([e, true])
      const cs = children(e)
      for (let i = cs.length - 1; i >= 0; i--) stack.push([cs[i], false])
    }
  }
  for (const [, e] of outputs) visit(e)

  // A base that is multiplied by itself must be a name, not an inlined subtree.
  const forced = new Set<number>()
  for (const e of order) if (expandedPower(e) !== null && e.kind === 'pow') forced.add(e.a.id)

  const names = new Map<number, string>()
  const lines: string[] = []
  let counter = 0
  const ref = (e: Expr): string => names.get(e.id) ?? inline(e)
  const inline = (e: Expr): string => {
    switch (e.kind) {
      case 'num':
        return fmt(e.value)
      case 'var': {
        const name = options.vars[e.name]
        if (name === undefined) throw new Error(`no identifier given for variable ${e.name}`)
        return name
      }
      case 'neg':
        return `(-${ref(e.a)})`
      case 'add':
        return `(${ref(e.a)} + ${ref(e.b)})`
      case 'sub':
        return `(${ref(e.a)} - ${ref(e.b)})`
      case 'mul':
        return `(${ref(e.a)} * ${ref(e.b)})`
      case 'div':
        return `(${ref(e.a)} / ${ref(e.b)})`
      case 'pow': {
        const n = expandedPower(e)
        if (n === null) return `Math.pow(${ref(e.a)}, ${ref(e.b)})`
        const base = ref(e.a)
        const product = Array.from({ length: Math.abs(n) }, () => base).join(' * ')
        return n > 0 ? `(${product})` : `(${fmt(1)} / (${product}))`
      }
      case 'fn':
        return `${MATH_NAME[e.fn]}(${e.args.map(ref).join(', ')})`
    }
  }

  // How deep each node's inline text nests (0 for a name or a leaf); children come first in `order`.
  const inlineDepth = new Map<number, number>()
  for (const e of order) {
    if (e.kind === 'num' || e.kind === 'var') continue
    const depth = 1 + Math.max(0, ...children(e).map((c) => (names.has(c.id) ? 0 : (inlineDepth.get(c.id) ?? 0))))
    if ((uses.get(e.id) ?? 0) > 1 || forced.has(e.id) || depth > MAX_INLINE_DEPTH) {
      const name = `${prefix}${counter++}`
      lines.push(`${declare} ${name} = ${inline(e)};`)
      names.set(e.id, name)
    } else {
      inlineDepth.set(e.id, depth)
    }
  }
  for (const [target, e] of outputs) lines.push(`${target} = ${ref(e)};`)
  return lines.join('\n')
}
