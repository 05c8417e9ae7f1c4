/**
 * A tree-walking float64 interpreter for the optimizer rule language (src-shared/optim/rule/ast.ts),
 * for replaying a run in the renderer, whose CSP forbids generated code. It gives the printed
 * JavaScript's meaning: `let` is block-scoped, an assignment writes the nearest declaration,
 * comparisons and `!` yield 1/0 (true/false), `&&`/`||` return an operand, and the Math
 * functions are JavaScript's.
 */
import type { Block, Expr } from '../../src-shared/optim/rule'

/** A chain of scopes: names declared in this block, then the enclosing ones. */
export class Scope {
  private readonly vars = new Map<string, number>()
  constructor(private readonly parent: Scope | null = null) {}

  define(name: string, value: number): void {
    this.vars.set(name, value)
  }

  has(name: string): boolean {
    return this.vars.has(name) || (this.parent?.has(name) ?? false)
  }

  get(name: string): number {
    const v = this.vars.get(name)
    if (v !== undefined) return v
    if (this.parent) return this.parent.get(name)
    throw new ReferenceError(`rule reads '${name}', which is not defined`)
  }

  set(name: string, value: number): void {
    if (this.vars.has(name)) this.vars.set(name, value)
    else if (this.parent) this.parent.set(name, value)
    else throw new ReferenceError(`rule assigns '${name}', which is not defined`)
  }

  /** The names declared in this scope itself, with their values. */
  own(): ReadonlyMap<string, number> {
    return this.vars
  }
}

const truthy = (v: number) => v !== 0 && !Number.isNaN(v)

export function evalExpr(e: Expr, s: Scope): number {
  switch (e.kind) {
    case 'num':
      return e.value
    case 'name':
      return s.get(e.name)
    case 'unary':
      return e.op === '-' ? -evalExpr(e.arg, s) : truthy(evalExpr(e.arg, s)) ? 0 : 1
    case 'cond':
      return truthy(evalExpr(e.test, s)) ? evalExpr(e.then, s) : evalExpr(e.otherwise, s)
    case 'call': {
      const a = e.args.map((x) => evalExpr(x, s))
      switch (e.fn) {
        case 'sqrt':
          return Math.sqrt(a[0])
        case 'pow':
          return Math.pow(a[0], a[1])
        case 'abs':
          return Math.abs(a[0])
        case 'min':
          return Math.min(...a)
        case 'max':
          return Math.max(...a)
        case 'sign':
          return Math.sign(a[0])
        case 'exp':
          return Math.exp(a[0])
        case 'log':
          return Math.log(a[0])
      }
      throw new Error(`unknown function Math.${String(e.fn)}`)
    }
    case 'binary': {
      if (e.op === '&&') {
        const l = evalExpr(e.left, s)
        return truthy(l) ? evalExpr(e.right, s) : l
      }
      if (e.op === '||') {
        const l = evalExpr(e.left, s)
        return truthy(l) ? l : evalExpr(e.right, s)
      }
      const l = evalExpr(e.left, s)
      const r = evalExpr(e.right, s)
      switch (e.op) {
        case '+':
          return l + r
        case '-':
          return l - r
        case '*':
          return l * r
        case '/':
          return l / r
        case '<':
          return l < r ? 1 : 0
        case '>':
          return l > r ? 1 : 0
        case '<=':
          return l <= r ? 1 : 0
        case '>=':
          return l >= r ? 1 : 0
        case '==':
          return l == r ? 1 : 0
        case '!=':
          return l != r ? 1 : 0
      }
    }
  }
}

/** Run a block in `scope` (its `let`s land in `scope`; nested blocks get their own). */
export function runBlock(block: Block, scope: Scope): void {
  for (const st of block) {
    switch (st.kind) {
      case 'let':
        scope.define(st.name, evalExpr(st.init, scope))
        break
      case 'assign':
        scope.set(st.name, evalExpr(st.value, scope))
        break
      case 'if':
        if (truthy(evalExpr(st.test, scope))) runBlock(st.then, new Scope(scope))
        else if (st.otherwise) runBlock(st.otherwise, new Scope(scope))
        break
    }
  }
}
