/** @vitest-environment node */
/**
 * The landscape expression parser: what a user may type, and what is refused with a
 * 1-based position pointing at the offending token. Accepted expressions are checked by
 * evaluating the parsed DAG against values computed directly in JavaScript (an oracle that
 * does not go through math.js or the project's code).
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  evaluate,
  ExpressionError,
  landscapeFromExpression,
  MAX_EXPRESSION_LENGTH,
  parseExpression,
  USER_FUNCTIONS,
} from '../../src-shared/landscape'

const X = 0.3
const Y = 0.7
const at = (src: string, x = X, y = Y) => evaluate(parseExpression(src), { x, y })

/** Parse `src`, expecting an ExpressionError; return it. */
function refuse(src: string): ExpressionError {
  let caught: unknown
  try {
    parseExpression(src)
  } catch (err) {
    caught = err
  }
  expect(caught, `expected ${JSON.stringify(src.slice(0, 60))} to be refused`).toBeInstanceOf(ExpressionError)
  const e = caught as ExpressionError
  // The message carries the same position as the field, and the bare problem.
  expect(e.message).toBe(`${e.problem} at position ${e.position}`)
  expect(Number.isInteger(e.position)).toBe(true)
  expect(e.position).toBeGreaterThanOrEqual(1)
  return e
}

/** 1-based position of the first occurrence of `token` in `src` (after `from` characters). */
const pos = (src: string, token: string, from = 0) => {
  const i = src.indexOf(token, from)
  if (i < 0) throw new Error(`test bug: ${token} not in ${src}`)
  return i + 1
}

describe('accepted syntax', () => {
  it.each([
    ['42', () => 42],
    ['1.5e-3', () => 1.5e-3],
    ['.25', () => 0.25],
    ['1e-400', () => 0], // underflows to 0: finite, so accepted
    ['x', () => X],
    ['y', () => Y],
    ['pi', () => Math.PI],
    ['e', () => Math.E],
    ['x + y', () => X + Y],
    ['x - y - 1', () => X - Y - 1],
    ['x * y', () => X * Y],
    ['x / y / 2', () => X / Y / 2],
    ['x ^ 3', () => X ** 3],
    ['2^3^2', () => 512], // right-associative
    ['-x', () => -X],
    ['-x^2', () => -(X ** 2)], // ^ binds tighter than unary minus
    ['--x', () => X],
    ['+x', () => X],
    ['x^-2', () => X ** -2],
    ['(x + 1) * (y - 1)', () => (X + 1) * (Y - 1)],
    ['((((x))))', () => X],
    ['2x', () => 2 * X],
    ['3x^2', () => 3 * X ** 2],
    ['x y', () => X * Y],
    ['2(x + 1)', () => 2 * (X + 1)],
    ['2 pi', () => 2 * Math.PI],
    ['sin(x)cos(y)', () => Math.sin(X) * Math.cos(Y)],
    ['e^x', () => Math.exp(X)],
    ['  x  +  y  ', () => X + Y],
    ['(1-x)^2 + 100*(y-x^2)^2', () => (1 - X) ** 2 + 100 * (Y - X ** 2) ** 2],
  ])('%s', (src, expected) => {
    const v = at(src)
    const want = expected()
    expect(Math.abs(v - want)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(want)))
  })

  it('accepts every function of USER_FUNCTIONS with its arity and gives Math semantics', () => {
    const names = Object.keys(USER_FUNCTIONS)
    // The documented whitelist, written out independently.
    expect(new Set(names)).toEqual(
      new Set([
        'sin',
        'cos',
        'tan',
        'asin',
        'acos',
        'atan',
        'sinh',
        'cosh',
        'tanh',
        'exp',
        'log',
        'log10',
        'log2',
        'sqrt',
        'abs',
        'min',
        'max',
      ]),
    )
    const math = Math as unknown as Record<string, (...a: number[]) => number>
    for (const [name, arity] of Object.entries(USER_FUNCTIONS)) {
      const expectedArity = name === 'min' || name === 'max' ? 2 : 1
      expect(arity, name).toBe(expectedArity)
      const src = arity === 1 ? `${name}(x)` : `${name}(x, y)`
      const want = arity === 1 ? math[name](X) : math[name](X, Y)
      expect(at(src), src).toBe(want)
      // Nested in a bigger expression too.
      const nested = arity === 1 ? `1 + ${name}(x*y)` : `1 + ${name}(x*y, y/2)`
      const wantNested = 1 + (arity === 1 ? math[name](X * Y) : math[name](X * Y, Y / 2))
      expect(at(nested), nested).toBe(wantNested)
    }
  })

  it('hash-conses: structurally equal expressions are the same node', () => {
    expect(parseExpression('x + y')).toBe(parseExpression('y + x'))
    expect(parseExpression('(x + 1)^2')).toBe(parseExpression('( x+1 ) ^ 2'))
    expect(parseExpression('x * y')).toBe(parseExpression('y x'))
    expect(parseExpression('x - y')).not.toBe(parseExpression('y - x'))
  })
})

describe('refused input names the problem and points at it', () => {
  it.each([
    ['x +', 4, /syntax error/], // the end of the input
    ['(x', 3, /syntax error.*\)/],
    ['x)', 2, /syntax error.*\)/],
    ['x +* y', 4, /syntax error/],
    ['sin(x))', 7, /syntax error/],
  ])('syntax error %j at %i', (src, position, problem) => {
    const e = refuse(src)
    expect(e.position).toBe(position)
    expect(e.problem).toMatch(problem)
  })

  it('empty and blank input', () => {
    expect(refuse('').problem).toMatch(/empty/)
    expect(refuse('   ').problem).toMatch(/empty/)
  })

  it('unknown symbol', () => {
    const e = refuse('x + z')
    expect(e.position).toBe(5)
    expect(e.problem).toMatch(/unknown symbol 'z'/)
    expect(refuse('x+z+zz').position).toBe(3)
    expect(refuse('zz+z').position).toBe(1)
    expect(refuse('zz+z').problem).toMatch(/'zz'/)
    const spaced = 'x + \t z'
    expect(refuse(spaced).position).toBe(pos(spaced, 'z'))
    // math.js's own constant names are not part of the language
    expect(refuse('PI').problem).toMatch(/unknown symbol 'PI'/)
    expect(refuse('x + i').position).toBe(5)
    expect(refuse('x + 10 cm').position).toBe(pos('x + 10 cm', 'cm'))
  })

  it('unknown function', () => {
    const e = refuse('foo(x)')
    expect(e.position).toBe(1)
    expect(e.problem).toMatch(/unknown function 'foo'/)
    const src = '3 + foo(x)'
    expect(refuse(src).position).toBe(pos(src, 'foo'))
    // a variable is not a function either
    expect(refuse('y + x(1)').problem).toMatch(/unknown function 'x'/)
  })

  it('a function used without parentheses', () => {
    const e = refuse('sin x')
    expect(e.position).toBe(1)
    expect(e.problem).toMatch(/'sin' is a function/)
    const src = 'cos(x) + cos'
    expect(refuse(src).position).toBe(pos(src, 'cos', 1))
    expect(refuse('cos(sin)').position).toBe(5)
  })

  it('wrong arity, for every function', () => {
    const e = refuse('min(x)')
    expect(e.position).toBe(1)
    expect(e.problem).toMatch(/min takes 2 arguments, got 1/)
    for (const [name, arity] of Object.entries(USER_FUNCTIONS)) {
      for (const n of [arity - 1, arity + 1]) {
        if (n < 0) continue
        const args = Array.from({ length: n }, (_, i) => (i % 2 ? 'y' : 'x')).join(', ')
        const src = `x + ${name}(${args})`
        const err = refuse(src)
        expect(err.position, src).toBe(5)
        expect(err.problem, src).toContain(`${name} takes ${arity} argument`)
        expect(err.problem, src).toContain(`got ${n}`)
      }
    }
    const inner = 'sin(min(x)) + 1'
    expect(refuse(inner).position).toBe(pos(inner, 'min'))
  })

  it('strings and other non-numeric constants', () => {
    for (const src of ['"abc"', "'abc'", 'x + "1"']) {
      const e = refuse(src)
      expect(e.problem, src).toMatch(/only numbers/)
      expect(e.position, src).toBe(src.search(/["']/) + 1)
    }
    const b = refuse('x + true')
    expect(b.problem).toMatch(/only numbers/)
    expect(b.position).toBe(5)
  })

  it('non-finite literals', () => {
    const e = refuse('1e400')
    expect(e.position).toBe(1)
    expect(e.problem).toMatch(/not finite|too large/)
    for (const src of ['x + 1e400', 'x^1e400', '-1e400', 'x + .5e400', 'y*2 + 1.5e400']) {
      expect(refuse(src).position, src).toBe(src.search(/[.\d]+e400/) + 1)
    }
  })

  it('non-finite named constants point at the constant', () => {
    // math.js turns Infinity and NaN into constants; they must be refused where they stand.
    for (const src of ['x + Infinity', 'x + NaN']) {
      const e = refuse(src)
      expect(e.position, src).toBe(5)
    }
    expect(refuse('x + NaN').problem).not.toMatch(/too large/)
  })

  it.each([
    // [expression, token the position must point at, expected problem]
    ['constructor', 'constructor', /unknown symbol 'constructor'/],
    ['x + constructor', 'constructor', /unknown symbol 'constructor'/],
    ['x.constructor', '.', /property access/],
    ['y + x.constructor', '.', /property access/],
    ['x["constructor"]', '[', /property access|indexing/],
    ['__proto__', '__proto__', /unknown symbol '__proto__'/],
    ['toString', 'toString', /unknown symbol/],
    ['import(x)', 'import', /unknown function 'import'/],
    ['x; y', ';', /one expression/],
    ['x = 1', '=', /assignment/],
    ['f(x) = x', '=', /defining functions/],
    ['[1,2]', '[', /matrices/],
    ['x + [1]', '[', /matrices/],
    ['{a: 1}', '{', /objects/],
    ['x ? 1 : 2', '?', /conditional/],
    ['x + (y ? 1 : 2)', '?', /conditional/],
    ['x > 1', '>', /comparison/],
    ['x == y', '==', /comparison/],
    ['3!', '!', /factorial/],
    ['x mod 2', 'mod', /modulo/],
    ['x % 2', '%', /modulo/],
    ['1:3', ':', /range/],
    ["x'", "'", /transpose/],
    ['x and y', 'and', /logical/],
    ['x & y', '&', /not allowed/],
    ['x .* y', '.*', /element-wise/],
    ['eval(x)', 'eval', /unknown function 'eval'/],
    ['x + eval(x)', 'eval', /unknown function 'eval'/],
    ['Function(x)', 'Function', /unknown function 'Function'/],
    ['hasOwnProperty(x)', 'hasOwnProperty', /unknown function/],
    ['process', 'process', /unknown symbol 'process'/],
    ['x\ny', '\n', /one expression/],
    ['x\r\ny', '\r', /one expression/],
    ['sin(x)\nx', '\n', /one expression/],
  ])('code smuggling / outside the language: %j', (src, token, problem) => {
    const e = refuse(src)
    expect(e.problem).toMatch(problem)
    expect(e.position).toBe(pos(src, token))
  })

  it('over-long input', () => {
    const ok = 'x'.padEnd(MAX_EXPRESSION_LENGTH, ' ')
    expect(ok.length).toBe(MAX_EXPRESSION_LENGTH)
    expect(() => parseExpression(ok)).not.toThrow()
    const long = '1+'.repeat(MAX_EXPRESSION_LENGTH) + 'x'
    const e = refuse(long)
    expect(e.problem).toMatch(new RegExp(`longer than ${MAX_EXPRESSION_LENGTH}`))
    expect(e.position).toBe(MAX_EXPRESSION_LENGTH + 1)
    expect(refuse('x'.repeat(MAX_EXPRESSION_LENGTH + 1)).position).toBe(MAX_EXPRESSION_LENGTH + 1)
  })

  it('excessive nesting', () => {
    for (const deep of ['('.repeat(250) + 'x' + ')'.repeat(250), '-'.repeat(500) + 'x', 'x' + '^x'.repeat(500)]) {
      expect(deep.length).toBeLessThan(MAX_EXPRESSION_LENGTH)
      expect(refuse(deep).problem).toMatch(/nested/)
    }
  })

  it('a flat sum or product is not nesting, however many terms it has', () => {
    const terms = 1000
    const sum = Array(terms).fill('x').join('+')
    expect(sum.length).toBeLessThan(MAX_EXPRESSION_LENGTH)
    expect(at(sum)).toBeCloseTo(terms * X, 9)
    const mixed = Array(600).fill('x*y').join(' - ') // (((x·y − x·y) − x·y) …
    expect(at(mixed)).toBeCloseTo(-598 * X * Y, 9)
    const quotient = 'x' + '/y*x'.repeat(700)
    let want = X
    for (let i = 0; i < 700; i++) want = (want / Y) * X
    expect(at(quotient) / want).toBeCloseTo(1, 9)
    // And they compile (value, gradient, Hessian, third derivatives).
    const c = landscapeFromExpression(sum).compiled
    const out = new Float64Array(3)
    c.valueAndGradient(X, Y, out)
    expect([...out].map((v) => +v.toFixed(9))).toEqual([+(terms * X).toFixed(9), terms, 0])
  })

  it('real nesting is still bounded: parentheses, functions, powers and unary signs each count', () => {
    for (const deep of [
      '(x+'.repeat(201) + 'x' + ')'.repeat(201),
      'sin('.repeat(201) + 'x' + ')'.repeat(201),
      'x*(y+'.repeat(101) + 'x' + ')'.repeat(101),
    ]) {
      expect(deep.length).toBeLessThan(MAX_EXPRESSION_LENGTH)
      expect(refuse(deep).problem).toMatch(/nested more than 200 levels/)
    }
    expect(() => parseExpression('(x+'.repeat(150) + 'x' + ')'.repeat(150))).not.toThrow()
  })

  it('excessive nesting is reported as nesting even when it is deeper than math.js can parse', () => {
    // Still within MAX_EXPRESSION_LENGTH, so the user gets no other hint.
    const deep = '('.repeat(1000) + 'x' + ')'.repeat(1000)
    expect(deep.length).toBeLessThan(MAX_EXPRESSION_LENGTH)
    const e = refuse(deep)
    expect(e.problem).toMatch(/nested|deep/)
    expect(e.problem).not.toMatch(/call stack/)
  })

  it('refuses non-string input', () => {
    expect(() => parseExpression(42 as unknown as string)).toThrow(ExpressionError)
  })
})

describe('refused expressions never reach code generation', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('the Function spy sees compilation (positive control)', () => {
    const spy = vi.spyOn(globalThis, 'Function')
    // An expression not compiled before, so the lazy getter really builds code.
    const l = landscapeFromExpression('x^2 + 7.123456789*y')
    expect(l.compiled.value(2, 1)).toBeCloseTo(4 + 7.123456789, 12)
    expect(spy).toHaveBeenCalled()
  })

  it('parseExpression calls neither Function nor eval, for accepted or refused text', () => {
    const fnSpy = vi.spyOn(globalThis, 'Function')
    const evalSpy = vi.spyOn(globalThis, 'eval')
    const refused = [
      'x.constructor',
      'x["constructor"]("return process")()',
      'constructor',
      '__proto__',
      'import(x)',
      'x; y',
      'x = 1',
      'f(x) = x',
      '[1,2]',
      '{a: 1}',
      'x ? 1 : 2',
      'x > 1',
      '3!',
      'x mod 2',
      'eval("1")',
      'Function("return 1")()',
      'process',
      'x\ny',
      'x +',
      '1e400',
      '"a"',
    ]
    for (const src of refused) expect(() => parseExpression(src), src).toThrow(ExpressionError)
    parseExpression('sin(x) + 2y^3 - max(x, y)')
    expect(fnSpy).not.toHaveBeenCalled()
    expect(evalSpy).not.toHaveBeenCalled()
  })

  it('landscapeFromExpression refuses before building any code', () => {
    const fnSpy = vi.spyOn(globalThis, 'Function')
    expect(() => landscapeFromExpression('x + process')).toThrow(ExpressionError)
    expect(() => landscapeFromExpression('x.constructor')).toThrow(ExpressionError)
    expect(fnSpy).not.toHaveBeenCalled()
  })
})
