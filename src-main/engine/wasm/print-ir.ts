/**
 * The compiler's IR as text, for debugging and for the passes' snapshot tests: JavaScript-like,
 * with variables by key (`@n:name` inside inlined call instance n), kinds where the analysis
 * has run (`let a: v128`, `if mask (…)`), and the schedule's once / per-group blocks.
 */
import type { Kinds } from './analyse'
import type { Expr, Stmt } from './ir'
import type { Scheduled } from './schedule'

const number = (v: number) => (Object.is(v, -0) ? '-0.0' : Number.isInteger(v) ? `${v}.0` : String(v))

export function printExpr(e: Expr): string {
  switch (e.type) {
    case 'num':
      return number(e.value)
    case 'var':
      return e.key
    case 'scalar':
      return e.name
    case 'column':
      return `${e.name}[i]`
    case 'table':
      return `${e.name}[${printExpr(e.index)}]`
    case 'const':
      return `Math.${e.name}`
    case 'unary':
      return `${e.op}${printExpr(e.arg)}`
    case 'arith':
    case 'compare':
    case 'logical':
      return `(${printExpr(e.left)} ${e.op} ${printExpr(e.right)})`
    case 'select':
      return `(${printExpr(e.test)} ? ${printExpr(e.then)} : ${printExpr(e.else)})`
    case 'math':
      return `Math.${e.name}(${e.args.map(printExpr).join(', ')})`
    case 'inline': {
      const bind = e.params.map((p, j) => `${p} = ${printExpr(e.args[j])}`)
      const body = printIr(e.body)
        .split('\n')
        .filter(Boolean)
        .map((l) => l.trim())
      return `${e.fn}{ ${[...bind, ...body, `return ${printExpr(e.result)}`].join('; ')} }`
    }
  }
}

function lines(stmts: readonly Stmt[], kinds: Kinds | undefined, indent: string, out: string[]): void {
  const block = (body: readonly Stmt[]) => lines(body, kinds, indent + '  ', out)
  const test = (e: Expr) => (kinds ? `${kinds.of(e)} (${printExpr(e)})` : `(${printExpr(e)})`)
  for (const s of stmts) {
    switch (s.type) {
      case 'declare':
      case 'step':
        out.push(indent + simple(s, kinds))
        break
      case 'assign':
        out.push(`${indent}${s.key} = ${printExpr(s.value)}`)
        break
      case 'store':
        out.push(`${indent}${s.column}[i] = ${printExpr(s.value)}`)
        break
      case 'storeRow':
        out.push(`${indent}${s.column}[i][${printExpr(s.row)}] = ${printExpr(s.value)}`)
        break
      case 'if':
        out.push(`${indent}if ${test(s.test)} {`)
        block(s.then)
        if (s.else) {
          out.push(`${indent}} else {`)
          block(s.else)
        }
        out.push(`${indent}}`)
        break
      case 'loop':
      case 'unrolled':
        out.push(
          `${indent}${s.type === 'loop' ? 'for' : `unroll ${s.count}×`} (${simple(s.init, kinds)}; ${printExpr(s.test)}; ${simple(s.update, kinds)}) {`,
        )
        block(s.body)
        out.push(`${indent}}`)
        break
    }
  }
}

function simple(s: Extract<Stmt, { type: 'declare' | 'step' }>, kinds: Kinds | undefined): string {
  if (s.type === 'step') return `${s.key}${s.delta > 0 ? '++' : '--'}`
  const kind = kinds ? `: ${kinds.variable(s.key)}` : ''
  return `let ${s.key}${kind}${s.init ? ` = ${printExpr(s.init)}` : ''}`
}

/** Statements as text, one per line; with `kinds`, declarations and conditions show their kinds. */
export function printIr(stmts: readonly Stmt[], kinds?: Kinds): string {
  const out: string[] = []
  lines(stmts, kinds, '', out)
  return out.join('\n')
}

/** A schedule as text: `once`, `per group` (with the hoisted expressions), uniform branches and loops. */
export function printSchedule(plan: readonly Scheduled[], kinds: Kinds, indent = ''): string {
  const out: string[] = []
  for (const item of plan) {
    switch (item.type) {
      case 'once':
        out.push(`${indent}once: ${printIr([item.stmt], kinds).split('\n').join(`\n${indent}  `)}`)
        break
      case 'groups': {
        const hoisted = item.hoisted.length ? ` hoisting ${item.hoisted.map(printExpr).join(', ')}` : ''
        out.push(`${indent}per group${hoisted} {`)
        lines(item.stmts, kinds, indent + '  ', out)
        out.push(`${indent}}`)
        break
      }
      case 'branch':
        out.push(`${indent}branch (${printExpr(item.stmt.test)}) {`, printSchedule(item.then, kinds, indent + '  '))
        if (item.else) out.push(`${indent}} else {`, printSchedule(item.else, kinds, indent + '  '))
        out.push(`${indent}}`)
        break
      case 'loop':
        out.push(
          `${indent}loop (${simple(item.stmt.init, kinds)}; ${printExpr(item.stmt.test)}; ${simple(item.stmt.update, kinds)}) {`,
          printSchedule(item.body, kinds, indent + '  '),
          `${indent}}`,
        )
        break
    }
  }
  return out.filter((l) => l !== '').join('\n')
}
