/**
 * The optimizer rule language as a typed tree: what `parse` builds from a rule's text, what the
 * transforms rewrite and what `print` turns back into code for the float64 loop or the float32
 * kernels. One small subset of JavaScript: `let` locals, plain assignments, `if`/`else`,
 * arithmetic and comparisons, and a few `Math` functions.
 */

/** 1-based line and 0-based column in the rule text (acorn's convention). */
export interface Pos {
  readonly line: number
  readonly column: number
}

export const MATH_FUNCTIONS = ['sqrt', 'pow', 'abs', 'min', 'max', 'sign', 'exp', 'log'] as const
export type MathFunction = (typeof MATH_FUNCTIONS)[number]

export const BINARY_OPERATORS = ['+', '-', '*', '/', '<', '>', '<=', '>=', '==', '!=', '&&', '||'] as const
export type BinaryOperator = (typeof BINARY_OPERATORS)[number]

export type Expr =
  | { readonly kind: 'num'; readonly value: number; readonly raw?: string; readonly pos?: Pos }
  | { readonly kind: 'name'; readonly name: string; readonly pos?: Pos }
  | { readonly kind: 'unary'; readonly op: '-' | '!'; readonly arg: Expr; readonly pos?: Pos }
  | { readonly kind: 'binary'; readonly op: BinaryOperator; readonly left: Expr; readonly right: Expr; readonly pos?: Pos }
  | { readonly kind: 'call'; readonly fn: MathFunction; readonly args: readonly Expr[]; readonly pos?: Pos }
  /** `a ? b : c`: only in expressions evaluated on the float64 path (the preconditioner). */
  | { readonly kind: 'cond'; readonly test: Expr; readonly then: Expr; readonly otherwise: Expr; readonly pos?: Pos }

export type Stmt =
  /** One `let` per local: `let a = 1, b = 2;` is read as two. */
  | { readonly kind: 'let'; readonly name: string; readonly init: Expr; readonly pos?: Pos }
  | { readonly kind: 'assign'; readonly name: string; readonly value: Expr; readonly pos?: Pos }
  | { readonly kind: 'if'; readonly test: Expr; readonly then: Block; readonly otherwise: Block | null; readonly pos?: Pos }

export type Block = readonly Stmt[]

export const num = (value: number): Expr => ({ kind: 'num', value })
export const name = (n: string): Expr => ({ kind: 'name', name: n })
export const binary = (op: BinaryOperator, left: Expr, right: Expr): Expr => ({ kind: 'binary', op, left, right })
export const call = (fn: MathFunction, ...args: Expr[]): Expr => ({ kind: 'call', fn, args })

/** A stage of a rule (OptimizerDef.stages), parsed. */
export type Stage =
  | { readonly kind: 'coordinates'; readonly block: Block }
  | { readonly kind: 'particle'; readonly block: Block }
  | { readonly kind: 'reduce'; readonly name: string; readonly op: 'sum' | 'max'; readonly of: Expr }
  | { readonly kind: 'gradientAt'; readonly name: string; readonly point: Expr }
  | { readonly kind: 'dense2'; readonly block: Block; readonly defines: readonly string[] }
