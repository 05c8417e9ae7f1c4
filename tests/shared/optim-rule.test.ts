/** @vitest-environment node */
/**
 * The rule language: parse → tree → transforms → print. The printed code must compute what the
 * tree says (parentheses exactly where the tree needs them), renaming must reach every declared
 * local, literals in kernel code must stay numbers, and a rule outside the language must be
 * refused with the optimizer, the part, the line and the column.
 */
import { parse as acornParse } from 'acorn'
import { describe, expect, it } from 'vitest'
import { findOptimizer, OPTIMIZERS, type OptimizerDef, updateForCoordinate } from '../../src-shared/optim'
import {
  type Block,
  KERNEL_NUMBERS,
  lowerBooleans,
  parsedRule,
  parseRule,
  parseRuleExpression,
  printBlock,
  printExpr,
  reducePowers,
  RuleError,
  type RunningPower,
  substitute,
} from '../../src-shared/optim/rule'

const site = { optimizer: 'test', part: 'update' }
const block = (code: string) => parseRule(code, site)
const strip = (code: string) =>
  JSON.stringify(acornParse(code, { ecmaVersion: 2020 }), (k, v) => (k === 'start' || k === 'end' || k === 'raw' ? undefined : v))

describe('the printer', () => {
  it('prints every optimizer rule back to code with the same syntax tree', () => {
    for (const def of OPTIMIZERS) {
      const rule = parsedRule(def)
      for (const [text, tree] of [
        [def.update, rule.update],
        [def.prelude ?? '', rule.prelude],
      ] as const) {
        expect(strip(printBlock(tree)), def.name).toEqual(strip(text))
      }
      if (def.preconditioner) expect(strip(printExpr(rule.preconditioner!)), def.name).toEqual(strip(def.preconditioner))
    }
  })

  it('keeps the parentheses the tree needs, and only those', () => {
    const cases: Array<[string, string]> = [
      ['a - (b - c)', 'a - (b - c)'],
      ['(a - b) - c', 'a - b - c'],
      ['a / (b * c)', 'a / (b * c)'],
      ['(a * b) / c', 'a * b / c'],
      ['-(a * b)', '-(a * b)'],
      ['-(-a)', '-(-a)'],
      ['(a + b) * c', '(a + b) * c'],
      ['a + b * c', 'a + b * c'],
      ['!(a > 0.5 && b < 1)', '!(a > 0.5 && b < 1)'],
      ['(a || b) && c', '(a || b) && c'],
      ['Math.sqrt((a + b) * 2)', 'Math.sqrt((a + b) * 2)'],
      ['c ? a - b : (d ? 1 : 2)', 'c ? a - b : (d ? 1 : 2)'],
    ]
    for (const [source, printed] of cases) {
      expect(printExpr(parseRuleExpression(source, site)), source).toBe(printed)
      expect(strip(printed), source).toEqual(strip(source))
    }
  })

  it('writes a substituted negative value in parentheses (never `a - -1` as `a--1`)', () => {
    const code = printBlock(substitute(block('p = p - h;'), new Map([['h', -1]])), { number: KERNEL_NUMBERS })
    expect(code).toBe('p = p - (-1.0);')
  })

  it('gives kernel literals a decimal point or keeps their exponent: 1e-8 stays a number (was 1e-8.0)', () => {
    const code = printBlock(block('let a = 2; let b = 1e-8; let c = 0.5; let d = 1e6; let e = 2.5e-3;'), { number: KERNEL_NUMBERS })
    expect(code).toBe('let a = 2.0;\nlet b = 1e-8;\nlet c = 0.5;\nlet d = 1000000.0;\nlet e = 0.0025;')
    expect(() => acornParse(code, { ecmaVersion: 2020 })).not.toThrow()
  })
})

describe('per-coordinate expansion', () => {
  const sgd = findOptimizer('sgd')!
  /** `sgd` with another update, as the expansion sees it (not registered). */
  const withUpdate = (update: string): OptimizerDef => ({ ...sgd, update })

  it('renames every declarator of a let (`let a = g, b = 2 * g;` renamed b as well as a)', () => {
    const code = updateForCoordinate(withUpdate('let a = g, b = 2 * g; p = p - lr * (a + b);'), 'x')
    expect(code).toBe('let a_x = g_x;\nlet b_x = 2 * g_x;\np_x = p_x - lr * (a_x + b_x);')
  })

  it('renames locals declared in nested blocks, and nothing shared (hyperparameters, t, Math members)', () => {
    const code = updateForCoordinate(withUpdate('if (t > 1) { let q = Math.sqrt(g); p = p - lr * q; }'), 'y')
    expect(code).toBe('if (t > 1) {\n  let q_y = Math.sqrt(g_y);\n  p_y = p_y - lr * q_y;\n}')
  })
})

describe('transforms', () => {
  it('lowers booleans read as conditions to tests on their 0/1 values', () => {
    const lowered = lowerBooleans(block('if (maximize) { g = -g; } if (!amsgrad && maximize) { p = 1; }'), new Set(['maximize', 'amsgrad']))
    expect(printBlock(lowered)).toBe('if (maximize > 0.5) {\n  g = -g;\n}\nif (amsgrad < 0.5 && maximize > 0.5) {\n  p = 1;\n}')
  })

  it('turns powers of t into running products, sharing equal bases', () => {
    const powers: RunningPower[] = []
    const hp = new Set(['beta2', 'momentum_decay'])
    const reduced: Block = reducePowers(parsedRule(findOptimizer('nadam')!).prelude, hp, powers)
    expect(powers.map((p) => [p.name, printExpr(p.base)])).toEqual([
      ['_pw0', 'beta2'],
      ['_pw1', 'Math.pow(0.96, momentum_decay)'],
    ])
    const code = printBlock(reduced)
    expect(code).toContain('let bias_correction2 = 1 - _pw0;')
    expect(code).toContain('let mu = beta1 * (1 - 0.5 * _pw1);')
    expect(code).toContain('let mu_next = beta1 * (1 - 0.5 * (_pw1 * Math.pow(0.96, momentum_decay)));')
    // A base that is not a hyperparameter stays a call.
    expect(printBlock(reducePowers(block('let a = Math.pow(lr2, t);'), hp, []))).toBe('let a = Math.pow(lr2, t);')
  })
})

describe('errors', () => {
  it('name the optimizer, the part, the line and the column', () => {
    const sgd = findOptimizer('sgd')!
    const err = (() => {
      try {
        parsedRule({ ...sgd, name: 'broken', update: 'p = p - lr * g;\n  p = p * Math.floor(g);' })
      } catch (e) {
        return e
      }
    })() as RuleError
    expect(err).toBeInstanceOf(RuleError)
    expect(err.message).toBe('broken update, line 2 column 16: Math.floor outside the rule language')
    const vocabulary = (() => {
      try {
        parsedRule({ ...sgd, name: 'broken', update: 'p = p - lr * g * beta1;' })
      } catch (e) {
        return e
      }
    })() as RuleError
    expect(vocabulary.message).toBe("broken update, line 1 column 18: update uses 'beta1'")
  })

  it('reports a syntax error at its position', () => {
    expect(() => parseRule('p = (p;', site)).toThrow(/^test update, line 1 column 7: Unexpected token/)
  })
})

describe('renaming kernel code by its tree', () => {
  it('renames names, never members, whatever the spacing', async () => {
    const { renameInCode } = await import('../../src-shared/optim/rule/rename-code')
    const own = new Set(['i', 'x', 'sqrt', 'p_x'])
    const code = 'let p_x = X[i] + Math . sqrt(x) + this.thread.x; // p_x stays in comments'
    expect(renameInCode(code, (n) => (own.has(n) ? `${n}_1` : n))).toBe(
      'let p_x_1 = X[i_1] + Math . sqrt(x_1) + this.thread.x; // p_x stays in comments',
    )
  })

  it('lists every declared name, including later declarators of one let', async () => {
    const { declaredInCode } = await import('../../src-shared/optim/rule/rename-code')
    expect(declaredInCode('let a = 1, b = a;\nif (b > 0) { let c = 2; }\nlet_x = 3;')).toEqual(['a', 'b', 'c'])
  })
})
