/**
 * Rule text → rule tree (ast.ts). acorn parses the JavaScript; this module accepts only the
 * rule subset and refuses everything else with the optimizer, the part, the line and the column.
 */
import { parse as acornParse, type Expression, type Node, type Statement } from 'acorn'
import { BINARY_OPERATORS, type BinaryOperator, type Block, type Expr, MATH_FUNCTIONS, type MathFunction, type Pos, type Stmt } from './ast'

/** Which piece of which optimizer a rule text is. */
export interface RuleSite {
  readonly optimizer: string
  readonly part: string
}

export class RuleError extends Error {
  readonly site: RuleSite
  readonly pos: Pos
  /** The bare problem, without the site and position. */
  readonly problem: string
  constructor(site: RuleSite, pos: Pos, problem: string) {
    super(`${site.optimizer} ${site.part}, line ${pos.line} column ${pos.column + 1}: ${problem}`)
    this.name = 'RuleError'
    this.site = site
    this.pos = pos
    this.problem = problem
  }
}

const posOf = (n: Node): Pos => ({ line: n.loc!.start.line, column: n.loc!.start.column })
const isBinary = (op: string): op is BinaryOperator => (BINARY_OPERATORS as readonly string[]).includes(op)
const isMath = (fn: string): fn is MathFunction => (MATH_FUNCTIONS as readonly string[]).includes(fn)

function program(text: string, site: RuleSite) {
  try {
    return acornParse(text, { ecmaVersion: 2020, sourceType: 'script', locations: true })
  } catch (err) {
    const loc = (err as { loc?: { line: number; column: number } }).loc ?? { line: 1, column: 0 }
    throw new RuleError(site, loc, (err as Error).message.replace(/ \(\d+:\d+\)$/, ''))
  }
}

/** Parse a rule's statements (a prelude or an update). */
export function parseRule(text: string, site: RuleSite): Block {
  return program(text, site)
    .body.map((s) => statement(s as Statement, site))
    .flat()
}

/** Parse a rule expression (a preconditioner). */
export function parseRuleExpression(text: string, site: RuleSite): Expr {
  const body = program(text, site).body
  if (body.length !== 1 || body[0].type !== 'ExpressionStatement') {
    throw new RuleError(site, body[1] ? posOf(body[1]) : { line: 1, column: 0 }, 'expected one expression')
  }
  return expression(body[0].expression, site, true)
}

function block(s: Statement, site: RuleSite): Block {
  return s.type === 'BlockStatement' ? s.body.flatMap((b) => statement(b, site)) : statement(s, site)
}

function statement(s: Statement, site: RuleSite): Stmt[] {
  const pos = posOf(s)
  switch (s.type) {
    case 'VariableDeclaration':
      if (s.kind !== 'let') throw new RuleError(site, pos, `'${s.kind}' outside the rule language (use let)`)
      return s.declarations.map((d) => {
        if (d.id.type !== 'Identifier') throw new RuleError(site, posOf(d), 'destructuring outside the rule language')
        if (!d.init) throw new RuleError(site, posOf(d), `let ${d.id.name} needs a starting value`)
        return { kind: 'let', name: d.id.name, init: expression(d.init, site, false), pos: posOf(d) }
      })
    case 'ExpressionStatement': {
      const e = s.expression
      if (e.type !== 'AssignmentExpression') throw new RuleError(site, pos, 'a statement must assign a name')
      if (e.operator !== '=') throw new RuleError(site, pos, `operator ${e.operator} outside the rule language (write a = a … b)`)
      if (e.left.type !== 'Identifier') throw new RuleError(site, posOf(e.left), 'only a name can be assigned')
      return [{ kind: 'assign', name: e.left.name, value: expression(e.right, site, false), pos }]
    }
    case 'IfStatement':
      return [
        {
          kind: 'if',
          test: expression(s.test, site, false),
          then: block(s.consequent, site),
          otherwise: s.alternate ? block(s.alternate, site) : null,
          pos,
        },
      ]
    default:
      throw new RuleError(site, pos, `${s.type} outside the rule language`)
  }
}

function expression(e: Expression | Node, site: RuleSite, conditionals: boolean): Expr {
  const pos = posOf(e)
  const sub = (x: Expression | Node) => expression(x, site, conditionals)
  const node = e as Expression
  switch (node.type) {
    case 'Literal':
      if (typeof node.value !== 'number') throw new RuleError(site, pos, `literal ${node.raw} outside the rule language (numbers only)`)
      return { kind: 'num', value: node.value, raw: node.raw, pos }
    case 'Identifier':
      return { kind: 'name', name: node.name, pos }
    case 'UnaryExpression':
      if (node.operator !== '-' && node.operator !== '!')
        throw new RuleError(site, pos, `operator ${node.operator} outside the rule language`)
      return { kind: 'unary', op: node.operator, arg: sub(node.argument), pos }
    case 'BinaryExpression':
    case 'LogicalExpression':
      if (!isBinary(node.operator)) throw new RuleError(site, pos, `operator ${node.operator} outside the rule language`)
      return { kind: 'binary', op: node.operator, left: sub(node.left), right: sub(node.right), pos }
    case 'CallExpression': {
      const c = node.callee
      if (
        c.type !== 'MemberExpression' ||
        c.computed ||
        c.object.type !== 'Identifier' ||
        c.object.name !== 'Math' ||
        c.property.type !== 'Identifier'
      ) {
        throw new RuleError(site, pos, 'only Math functions can be called')
      }
      if (!isMath(c.property.name)) throw new RuleError(site, posOf(c.property), `Math.${c.property.name} outside the rule language`)
      return { kind: 'call', fn: c.property.name, args: node.arguments.map(sub), pos }
    }
    case 'ConditionalExpression':
      if (!conditionals) throw new RuleError(site, pos, 'a conditional expression outside the rule language (use if)')
      return { kind: 'cond', test: sub(node.test), then: sub(node.consequent), otherwise: sub(node.alternate), pos }
    case 'MemberExpression':
      throw new RuleError(site, pos, 'property access outside the rule language')
    default:
      throw new RuleError(site, pos, `${node.type} outside the rule language`)
  }
}
