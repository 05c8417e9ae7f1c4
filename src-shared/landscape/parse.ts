/**
 * User-typed landscape expression → whitelisted expression DAG.
 *
 * math.js does the parsing (its syntax is what users type); this module walks math.js's AST
 * and accepts only numbers, x, y, pi, e, + − * / ^, unary ±, parentheses and the functions
 * of `USER_FUNCTIONS`. Everything else is refused with a message that names the problem and
 * its 1-based character position. math.js nodes carry no positions, so positions of refused
 * nodes are recovered from a small scan of the source text.
 */
import { create, type MathNode, parseDependencies } from 'mathjs'

// Only math.js's parser: the full instance builds every function at import (≈0.5 s of CLI start).
const { parse: mathParse } = create({ parseDependencies })
import { add, call, div, type Expr, mul, neg, num, pow, sub, USER_FUNCTIONS, type UserFunction, variable } from './expr'

export const MAX_EXPRESSION_LENGTH = 4000

export class ExpressionError extends Error {
  /** 1-based character position of the problem in the expression. */
  readonly position: number
  /** The bare problem, without the position suffix. */
  readonly problem: string
  constructor(problem: string, position: number) {
    super(`${problem} at position ${position}`)
    this.name = 'ExpressionError'
    this.problem = problem
    this.position = position
  }
}

const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E }
const VARIABLES = new Set(['x', 'y'])
const ALLOWED_OPERATORS = new Set(['add', 'subtract', 'multiply', 'divide', 'pow', 'unaryMinus', 'unaryPlus'])
const isUserFunction = (name: string): name is UserFunction => Object.hasOwn(USER_FUNCTIONS, name)

interface Token {
  readonly text: string
  readonly start: number
}

/** A rough math.js-compatible tokenizer, used only to point at the offending token. */
function tokenize(src: string): Token[] {
  const tokens: Token[] = []
  const re =
    /\s+|(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_$\u00C0-\uFFFF][\w$\u00C0-\uFFFF]*)|("(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?)|(\.\*|\.\/|\.\^|==|!=|<=|>=|<<|>>>|>>|.)/gsy
  let m: RegExpExecArray | null
  while ((m = re.exec(src)) !== null) {
    if (m[0].trim() !== '') tokens.push({ text: m[0], start: m.index })
    if (re.lastIndex === m.index) re.lastIndex++
  }
  return tokens
}

class Locator {
  private readonly tokens: Token[]
  constructor(src: string) {
    this.tokens = tokenize(src)
  }
  /** 1-based position of the first token satisfying `pred`, or 1 when none does. */
  find(pred: (t: Token, next: Token | undefined) => boolean): number {
    for (let i = 0; i < this.tokens.length; i++) {
      if (pred(this.tokens[i], this.tokens[i + 1])) return this.tokens[i].start + 1
    }
    return 1
  }
  token(text: string): number {
    return this.find((t) => t.text === text)
  }
}

const OPERATOR_WORDS: Record<string, string> = {
  mod: 'the modulo operator',
  '%': 'the modulo operator',
  '!': 'factorial',
  "'": 'transpose',
  and: 'logical operators',
  or: 'logical operators',
  xor: 'logical operators',
  not: 'logical operators',
}

function describeOperator(op: string): string {
  if (OPERATOR_WORDS[op]) return OPERATOR_WORDS[op]
  if (['==', '!=', '<', '>', '<=', '>='].includes(op)) return `comparison '${op}'`
  if (op.startsWith('.')) return `element-wise operator '${op}'`
  return `operator '${op}'`
}

/** Node types outside the whitelist: the problem, and the tokens that mark it in the text. */
const NODE_PROBLEMS: Record<string, [string, string[]]> = {
  AssignmentNode: ['assignment is not allowed', ['=']],
  FunctionAssignmentNode: ['defining functions is not allowed', ['=']],
  BlockNode: ['only one expression is allowed (found a separator)', [';']],
  AccessorNode: ['property access is not allowed', ['.', '[']],
  IndexNode: ['indexing is not allowed', ['[']],
  ArrayNode: ['matrices are not allowed', ['[']],
  ObjectNode: ['objects are not allowed', ['{']],
  RangeNode: ['ranges are not allowed', [':']],
  ConditionalNode: ['conditional expressions are not allowed', ['?']],
  RelationalNode: ['comparisons are not allowed', ['<', '>', '<=', '>=', '==', '!=']],
}

/**
 * Parse a landscape expression in x and y. Throws `ExpressionError` naming the first
 * problem and its position; never evaluates anything.
 */
export function parseExpression(src: string): Expr {
  if (typeof src !== 'string') throw new ExpressionError('the expression must be text', 1)
  if (src.trim() === '') throw new ExpressionError('the expression is empty', 1)
  if (src.length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionError(`the expression is longer than ${MAX_EXPRESSION_LENGTH} characters`, MAX_EXPRESSION_LENGTH + 1)
  }
  // Newlines and ';' make math.js build a block; refuse them before parsing for a clear message.
  const separator = src.search(/[;\n\r]/)
  if (separator >= 0) throw new ExpressionError('only one expression is allowed (found a separator)', separator + 1)

  // Deep nesting exhausts math.js's recursive parser before our own depth check could speak:
  // measure bracket depth first, and treat a stack overflow inside math.js the same way.
  let depth = 0
  for (let i = 0; i < src.length; i++) {
    if (src[i] === '(') depth++
    else if (src[i] === ')') depth--
    if (depth > MAX_DEPTH) throw new ExpressionError(`the expression is nested more than ${MAX_DEPTH} levels deep`, i + 1)
  }
  let root: MathNode
  try {
    root = mathParse(src)
  } catch (err) {
    if (err instanceof RangeError) throw new ExpressionError(`the expression is nested too deeply to parse`, 1)
    const e = err as { message?: string; char?: number }
    const message = String(e.message ?? err).replace(/\s*\(char \d+\)\s*$/, '')
    throw new ExpressionError(`syntax error: ${message}`, typeof e.char === 'number' ? e.char : 1)
  }
  const locate = new Locator(src)
  return convert(root, locate, 0)
}

const MAX_DEPTH = 200

/**
 * Operators that chain without nesting: math.js reads `a+b-c+d` as ((a+b)-c)+d, yet a flat sum
 * is one level to the reader (and to every later stage: the tree is only as deep as the text is
 * long, which MAX_EXPRESSION_LENGTH bounds). A left operand of the same family continues the
 * chain at the same depth; parentheses, functions, powers and mixed operators still nest.
 */
const CHAIN_FAMILY: Readonly<Record<string, string>> = { add: '+', subtract: '+', multiply: '*', divide: '*' }

function operandDepth(parentFn: string, operand: MathNode, depth: number): number {
  const family = CHAIN_FAMILY[parentFn]
  const operandFn = operand.type === 'OperatorNode' ? (operand as MathNode & { fn: string }).fn : undefined
  return family !== undefined && operandFn !== undefined && CHAIN_FAMILY[operandFn] === family ? depth : depth + 1
}

function convert(node: MathNode, locate: Locator, depth: number): Expr {
  if (depth > MAX_DEPTH) throw new ExpressionError(`the expression is nested more than ${MAX_DEPTH} levels deep`, 1)
  const n = node as MathNode & Record<string, unknown>
  switch (node.type) {
    case 'ParenthesisNode':
      // Not a level of its own: the operator it wraps is one (and bare brackets are counted in the text).
      return convert(n.content as MathNode, locate, depth)
    case 'ConstantNode': {
      const value = n.value
      if (typeof value !== 'number') {
        const pos = locate.find((t) => t.text.startsWith('"') || t.text.startsWith("'") || t.text === String(value))
        throw new ExpressionError(
          `only numbers are allowed as constants (found ${typeof value === 'string' ? 'text' : String(value)})`,
          pos,
        )
      }
      if (!Number.isFinite(value)) {
        // math.js reads the names Infinity and NaN as constants, and huge literals as Infinity.
        let named = false
        const pos = locate.find((t) => {
          named = t.text === 'Infinity' || t.text === 'NaN'
          return named || (/^[\d.]/.test(t.text) && !Number.isFinite(Number(t.text)))
        })
        throw new ExpressionError(
          Number.isNaN(value) ? 'NaN is not allowed' : named ? 'Infinity is not allowed' : 'number is too large (not finite in float64)',
          pos,
        )
      }
      return num(value)
    }
    case 'SymbolNode': {
      const name = n.name as string
      if (VARIABLES.has(name)) return variable(name)
      if (Object.hasOwn(CONSTANTS, name)) return num(CONSTANTS[name])
      const pos = locate.find((t, next) => t.text === name && next?.text !== '(')
      if (isUserFunction(name)) throw new ExpressionError(`'${name}' is a function: write ${name}(…)`, pos)
      throw new ExpressionError(`unknown symbol '${name}' (use x, y, pi, e)`, pos)
    }
    case 'OperatorNode': {
      const fn = n.fn as string
      const op = n.op as string
      const args = n.args as MathNode[]
      if (!ALLOWED_OPERATORS.has(fn)) {
        throw new ExpressionError(`${describeOperator(op)} is not allowed`, locate.token(op))
      }
      const a = args.map((arg) => convert(arg, locate, operandDepth(fn, arg, depth)))
      switch (fn) {
        case 'add':
          return add(a[0], a[1])
        case 'subtract':
          return sub(a[0], a[1])
        case 'multiply':
          return mul(a[0], a[1])
        case 'divide':
          return div(a[0], a[1])
        case 'pow':
          return pow(a[0], a[1])
        case 'unaryMinus':
          return neg(a[0])
        default:
          return a[0] // unaryPlus
      }
    }
    case 'FunctionNode': {
      const fnNode = n.fn as MathNode & { name?: string }
      const args = n.args as MathNode[]
      if (fnNode.type !== 'SymbolNode' || typeof fnNode.name !== 'string') {
        throw new ExpressionError('only named functions can be called', locate.token('('))
      }
      const name = fnNode.name
      const pos = locate.find((t, next) => t.text === name && next?.text === '(')
      if (!isUserFunction(name)) {
        throw new ExpressionError(`unknown function '${name}' (allowed: ${Object.keys(USER_FUNCTIONS).join(', ')})`, pos)
      }
      const arity = USER_FUNCTIONS[name]
      if (args.length !== arity) {
        throw new ExpressionError(`${name} takes ${arity} argument${arity === 1 ? '' : 's'}, got ${args.length}`, pos)
      }
      return call(
        name,
        args.map((arg) => convert(arg, locate, depth + 1)),
      )
    }
    default: {
      const [problem, tokens] = NODE_PROBLEMS[node.type] ?? [`${node.type} is not allowed`, []]
      throw new ExpressionError(
        problem,
        locate.find((t) => tokens.includes(t.text)),
      )
    }
  }
}
