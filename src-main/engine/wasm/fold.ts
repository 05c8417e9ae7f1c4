/**
 * Source-level decisions lowering takes on literals: whether an `if` tests literals only (a
 * fixed switch: the side that runs is kept, the other dropped) and a loop's literal trip count
 * (the loop is unrolled).
 */
import type { Expression, ForStatement, Pattern, PrivateIdentifier, SpreadElement, Super } from 'acorn'

/** The value of an expression of literals only (a fixed switch's test: `0.0 > 0.5`), else null. */
export function constantOf(node: Expression | Pattern | Super | PrivateIdentifier | SpreadElement): number | boolean | null {
  switch (node.type) {
    // Literals as the kernel holds them (float32), so a folded comparison decides as it would at run time.
    case 'Literal':
      return typeof node.value === 'number' ? Math.fround(node.value) : null
    case 'UnaryExpression': {
      const a = constantOf(node.argument)
      if (a === null) return null
      return node.operator === '-' ? -a : node.operator === '+' ? +a : node.operator === '!' ? !a : null
    }
    case 'BinaryExpression':
    case 'LogicalExpression': {
      const a = constantOf(node.left)
      const b = constantOf(node.right)
      if (a === null || b === null) return null
      switch (node.operator) {
        case '<':
          return a < b
        case '>':
          return a > b
        case '<=':
          return a <= b
        case '>=':
          return a >= b
        case '==':
        case '===':
          return a === b
        case '!=':
        case '!==':
          return a !== b
        case '&&':
          return Boolean(a) && Boolean(b)
        case '||':
          return Boolean(a) || Boolean(b)
        default:
          return null // arithmetic stays in float32, as written
      }
    }
    default:
      return null
  }
}

/** Trip count of `for (let v = A; v < B; v++)` (or `<=`) with literal A, B; null otherwise. */
export function unrollCount(s: ForStatement): number | null {
  const init = s.init?.type === 'VariableDeclaration' ? s.init.declarations[0] : undefined
  const v = init?.id.type === 'Identifier' ? init.id.name : undefined
  const test = s.test
  if (
    v === undefined ||
    init?.init?.type !== 'Literal' ||
    test?.type !== 'BinaryExpression' ||
    test.left.type !== 'Identifier' ||
    test.left.name !== v ||
    test.right.type !== 'Literal'
  )
    return null
  if (
    s.update?.type !== 'UpdateExpression' ||
    s.update.operator !== '++' ||
    s.update.argument.type !== 'Identifier' ||
    s.update.argument.name !== v
  )
    return null
  const a = init.init.value
  const b = test.right.value
  if (typeof a !== 'number' || typeof b !== 'number') return null
  const n = test.operator === '<' ? b - a : test.operator === '<=' ? b - a + 1 : NaN
  return Number.isInteger(n) && n >= 0 && n <= 64 ? n : null
}
