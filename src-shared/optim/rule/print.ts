/**
 * Rule tree → code. One printer for every reader: the float64 loop, the float32 kernels and
 * `cli optimizers --source`. Parentheses follow the tree exactly (a right operand of equal
 * precedence is parenthesised), so the printed code computes what the tree says, operation
 * for operation.
 */
import type { Block, Expr } from './ast'

export interface PrintOptions {
  /** How a number literal is written; default: as written in the rule, else String(value). */
  readonly number?: (value: number, raw: string | undefined) => string
  /** Indentation of the outermost statements. */
  readonly indent?: string
}

/** A literal with a decimal point or an exponent, so GPU.js types it as a float (`2` → `2.0`, `1e-8` stays). */
export function floatLiteral(v: number): string {
  const s = String(v)
  return /[.eE]/.test(s) || !Number.isFinite(v) ? s : `${s}.0`
}

/** Number format for kernel code: every literal a float. */
export const KERNEL_NUMBERS: PrintOptions['number'] = (v) => floatLiteral(v)
const PLAIN_NUMBERS: NonNullable<PrintOptions['number']> = (v, raw) => raw ?? String(v)

const PRECEDENCE: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '>': 4,
  '<=': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
}
const UNARY = 7
const ATOM = 8

function precedence(e: Expr): number {
  switch (e.kind) {
    case 'cond':
      return 0
    case 'binary':
      return PRECEDENCE[e.op]
    case 'unary':
      return UNARY
    case 'num':
      return e.value < 0 || Object.is(e.value, -0) ? UNARY : ATOM
    default:
      return ATOM
  }
}

export function printExpr(e: Expr, options: PrintOptions = {}): string {
  const format = options.number ?? PLAIN_NUMBERS
  const p = (x: Expr, min: number): string => {
    const s = printExpr(x, options)
    return precedence(x) < min ? `(${s})` : s
  }
  switch (e.kind) {
    case 'num': {
      const s = format(e.value, e.raw)
      // A negative value (a substituted hyperparameter) in parentheses, so `a - -1` cannot read as `a--1`.
      return e.value < 0 || Object.is(e.value, -0) ? `(${s})` : s
    }
    case 'name':
      return e.name
    // The operand of a unary minus is parenthesised unless it is an atom (`-(-g)`, never `--g`).
    case 'unary':
      return `${e.op}${p(e.arg, ATOM)}`
    case 'binary':
      return `${p(e.left, PRECEDENCE[e.op])} ${e.op} ${p(e.right, PRECEDENCE[e.op] + 1)}`
    case 'call':
      return `Math.${e.fn}(${e.args.map((a) => printExpr(a, options)).join(', ')})`
    case 'cond':
      return `${p(e.test, 1)} ? ${p(e.then, 1)} : ${p(e.otherwise, 1)}`
  }
}

export function printBlock(block: Block, options: PrintOptions = {}): string {
  const indent = options.indent ?? ''
  const inner = { ...options, indent: `${indent}  ` }
  const expr = (e: Expr) => printExpr(e, options)
  return block
    .map((s) => {
      switch (s.kind) {
        case 'let':
          return `${indent}let ${s.name} = ${expr(s.init)};`
        case 'assign':
          return `${indent}${s.name} = ${expr(s.value)};`
        case 'if': {
          const head = `${indent}if (${expr(s.test)}) {\n${printBlock(s.then, inner)}\n${indent}}`
          if (s.otherwise === null) return head
          // `else if` stays a chain (a lone `if` in the else block).
          if (s.otherwise.length === 1 && s.otherwise[0].kind === 'if')
            return `${head} else ${printBlock(s.otherwise, options).trimStart()}`
          return `${head} else {\n${printBlock(s.otherwise, inner)}\n${indent}}`
        }
      }
    })
    .join('\n')
}
