/**
 * The kernel compiler's intermediate representation: kernel code after lowering (lower.ts).
 * Names are resolved (a variable is its key, a launch-wide input a scalar, `X[i]` a column),
 * calls are inlined, branches on literals are gone and `for` loops with literal bounds are
 * marked for unrolling. Kinds (uniform f32 / varying v128) are not stored here: analyse.ts
 * computes them as a separate table, so every pass after lowering reads the same tree.
 */

/** Where a node came from, for error messages: its source text and offsets. */
export interface Origin {
  readonly source: string
  readonly start: number
  readonly end: number
}

export const ARITHMETIC = ['+', '-', '*', '/'] as const
export const COMPARISON = ['==', '===', '!=', '!==', '<', '>', '<=', '>='] as const
export type ArithmeticOp = (typeof ARITHMETIC)[number]
export type ComparisonOp = (typeof COMPARISON)[number]

/** Variable key: the source name at the top level, `@n:name` inside inlined call instance n. */
export type VarKey = string

export type Expr =
  | { readonly type: 'num'; readonly value: number; readonly at: Origin }
  | { readonly type: 'var'; readonly key: VarKey; readonly at: Origin }
  | { readonly type: 'scalar'; readonly name: string; readonly at: Origin }
  | { readonly type: 'column'; readonly name: string; readonly at: Origin }
  /** `NAME[index]` of a launch-wide table (index uniform, truncated to a whole entry). */
  | { readonly type: 'table'; readonly name: string; readonly index: Expr; readonly at: Origin }
  /** Math.PI or Math.E. */
  | { readonly type: 'const'; readonly name: 'PI' | 'E'; readonly at: Origin }
  | { readonly type: 'unary'; readonly op: '-' | '+' | '!'; readonly arg: Expr; readonly at: Origin }
  | { readonly type: 'arith'; readonly op: ArithmeticOp; readonly left: Expr; readonly right: Expr; readonly at: Origin }
  | { readonly type: 'compare'; readonly op: ComparisonOp; readonly left: Expr; readonly right: Expr; readonly at: Origin }
  | { readonly type: 'logical'; readonly op: '&&' | '||'; readonly left: Expr; readonly right: Expr; readonly at: Origin }
  | { readonly type: 'select'; readonly test: Expr; readonly then: Expr; readonly else: Expr; readonly at: Origin }
  /** A Math function (validated name and arity). */
  | { readonly type: 'math'; readonly name: string; readonly args: readonly Expr[]; readonly at: Origin }
  /** An inlined call: arguments bound to the instance's parameter keys, then the body, then the result. */
  | {
      readonly type: 'inline'
      readonly fn: string
      readonly params: readonly VarKey[]
      readonly args: readonly Expr[]
      readonly body: readonly Stmt[]
      readonly result: Expr
      readonly at: Origin
    }

/** `let key = init` (init null: `let key;`). */
export interface Declare {
  readonly type: 'declare'
  readonly key: VarKey
  readonly init: Expr | null
  readonly at: Origin
}
/** `key++` / `key--`. */
export interface Step {
  readonly type: 'step'
  readonly key: VarKey
  readonly delta: 1 | -1
  readonly at: Origin
}

export type Stmt =
  | Declare
  | Step
  | { readonly type: 'assign'; readonly key: VarKey; readonly value: Expr; readonly at: Origin }
  /** `NAME[i] = value`: this lane group's particles of a column. */
  | { readonly type: 'store'; readonly column: string; readonly value: Expr; readonly at: Origin }
  /** `NAME[i][row] = value`: point `row` (uniform, truncated to a whole row) of this lane group's particles of a row column. */
  | { readonly type: 'storeRow'; readonly column: string; readonly row: Expr; readonly value: Expr; readonly at: Origin }
  /** `else` null when the source has none (an empty `else {}` is an empty list). */
  | { readonly type: 'if'; readonly test: Expr; readonly then: readonly Stmt[]; readonly else: readonly Stmt[] | null; readonly at: Origin }
  /** A loop run as a loop: its bound must be uniform. */
  | {
      readonly type: 'loop'
      readonly init: Declare
      readonly test: Expr
      readonly update: Step
      readonly body: readonly Stmt[]
      readonly at: Origin
    }
  /** A loop with literal bounds: its body emitted `count` times (one tree, so one inlined instance). */
  | {
      readonly type: 'unrolled'
      readonly count: number
      readonly init: Declare
      readonly test: Expr
      readonly update: Step
      readonly body: readonly Stmt[]
      readonly at: Origin
    }

/** A lowered kernel: the top-level statements and every variable key they use. */
export interface LoweredKernel {
  readonly body: readonly Stmt[]
  /** Keys declared at the top level (inlined instances' keys are not listed). */
  readonly topLevel: ReadonlySet<VarKey>
}

export class KernelCompileError extends Error {}

export function fail(at: Origin | undefined, problem: string): never {
  const start = at?.start ?? 0
  const source = at?.source ?? ''
  const line = source.slice(0, start).split('\n').length
  throw new KernelCompileError(`kernel code, line ${line}: ${problem} (\`${source.slice(start, Math.min(at?.end ?? start, start + 60))}\`)`)
}

/** Child expressions in evaluation (and source) order; an inlined call's body is not included. */
export function operands(e: Expr): readonly Expr[] {
  switch (e.type) {
    case 'unary':
      return [e.arg]
    case 'arith':
    case 'compare':
    case 'logical':
      return [e.left, e.right]
    case 'select':
      return [e.test, e.then, e.else]
    case 'math':
      return e.args
    case 'inline':
      return e.args
    case 'table':
      return [e.index]
    default:
      return []
  }
}

/** A literal as the emitters see one: `2.0` or `-2.0`; null otherwise. */
export function literalValue(e: Expr): number | null {
  if (e.type === 'num') return e.value
  if (e.type === 'unary' && e.op === '-' && e.arg.type === 'num') return -e.arg.value
  return null
}
