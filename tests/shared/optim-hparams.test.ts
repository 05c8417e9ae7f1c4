/** @vitest-environment node */
/**
 * Optimizer hyperparameters: torch.optim's names and defaults (the table below is written
 * from the torch documentation, not from the project's code), validation with torch's
 * constructor checks, and the structure of each rule's code (the GPU.js-compilable subset).
 */
import { describe, expect, it } from 'vitest'
import {
  findOptimizer,
  HparamError,
  hparamCodeNames,
  hparamCodeValues,
  type HparamValue,
  OPTIMIZERS,
  type OptimizerDef,
  resolveHparams,
} from '../../src-shared/optim'
import { parseParts, RuleError, ruleProblems } from '../../src-shared/optim/rule'
import { mathTooltip } from '../../src-shared/optim/math'
import { LITERATURE_OPTIMIZERS } from '../../src-shared/optim/literature'

/** The torch optimizers and Scalar RMSProp; the twenty of src-shared/optim/literature have their own table (optim-stages.test.ts). */
const TABLED = OPTIMIZERS.filter((o) => !LITERATURE_OPTIMIZERS.includes(o))

/**
 * torch.optim defaults (torch ≥ 2.0 docs). Only the mathematical arguments; the
 * implementation switches (foreach, capturable, differentiable, fused) are not modelled.
 * `decoupled_weight_decay` for NAdam and RAdam exists from torch 2.1.
 */
const TORCH_DEFAULTS: Record<string, Record<string, HparamValue>> = {
  sgd: { lr: 1e-3, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false, maximize: false },
  adagrad: { lr: 1e-2, lr_decay: 0, weight_decay: 0, initial_accumulator_value: 0, eps: 1e-10, maximize: false },
  adadelta: { lr: 1.0, rho: 0.9, eps: 1e-6, weight_decay: 0, maximize: false },
  rmsprop: { lr: 1e-2, alpha: 0.99, eps: 1e-8, weight_decay: 0, momentum: 0, centered: false, maximize: false },
  adam: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false },
  adamw: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 1e-2, amsgrad: false, maximize: false },
  adamax: { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, maximize: false },
  nadam: {
    lr: 2e-3,
    betas: [0.9, 0.999],
    eps: 1e-8,
    weight_decay: 0,
    momentum_decay: 4e-3,
    decoupled_weight_decay: false,
    maximize: false,
  },
  radam: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, decoupled_weight_decay: false, maximize: false },
  asgd: { lr: 1e-2, lambd: 1e-4, alpha: 0.75, t0: 1e6, weight_decay: 0, maximize: false },
  rprop: { lr: 1e-2, etas: [0.5, 1.2], step_sizes: [1e-6, 50], maximize: false },
}

/** Optimizers from the literature (not in torch.optim), with torch RMSprop's names and defaults. */
const LITERATURE_DEFAULTS: Record<string, Record<string, HparamValue>> = {
  scalar_rmsprop: { lr: 1e-2, alpha: 0.99, eps: 1e-8, maximize: false },
}
const DEFAULTS = { ...TORCH_DEFAULTS, ...LITERATURE_DEFAULTS }

/** Values torch's constructors refuse (ValueError), per optimizer, as [field, value]. */
const TORCH_REFUSES: Record<string, Array<[string, unknown]>> = {
  sgd: [
    ['lr', -1e-3],
    ['momentum', -0.1],
    ['weight_decay', -1e-4],
  ],
  adagrad: [
    ['lr', -1e-2],
    ['lr_decay', -1],
    ['weight_decay', -1],
    ['initial_accumulator_value', -0.1],
    ['eps', -1e-10],
  ],
  adadelta: [
    ['lr', -1],
    ['rho', -0.1],
    ['rho', 1.0001],
    ['eps', -1e-6],
    ['weight_decay', -1],
  ],
  rmsprop: [
    ['lr', -1],
    ['alpha', -0.5],
    ['eps', -1e-8],
    ['momentum', -0.9],
    ['weight_decay', -1],
  ],
  adam: [
    ['lr', -1],
    ['eps', -1e-8],
    ['betas', [1, 0.999]],
    ['betas', [0.9, 1]],
    ['betas', [-0.1, 0.999]],
    ['betas', [0.9, 1.5]],
    ['weight_decay', -1],
  ],
  adamw: [
    ['lr', -1],
    ['eps', -1e-8],
    ['betas', [1, 0.999]],
    ['betas', [0.9, 1]],
    ['betas', [0.9, -0.001]],
    ['weight_decay', -1],
  ],
  adamax: [
    ['lr', -1],
    ['eps', -1e-8],
    ['betas', [1, 0.999]],
    ['betas', [0.9, 1]],
    ['betas', [-0.5, 0.5]],
    ['weight_decay', -1],
  ],
  nadam: [
    ['lr', -1],
    ['eps', -1e-8],
    ['betas', [1, 0.999]],
    ['betas', [0.9, 1]],
    ['weight_decay', -1],
    ['momentum_decay', -4e-3],
  ],
  radam: [
    ['lr', -1],
    ['eps', -1e-8],
    ['betas', [1, 0.999]],
    ['betas', [0.9, 1]],
    ['weight_decay', -1],
  ],
  asgd: [
    ['lr', -1],
    ['weight_decay', -1],
  ],
  rprop: [
    ['lr', -1],
    ['etas', [0, 1.2]],
    ['etas', [1, 1.2]],
    ['etas', [0.5, 1]],
    ['etas', [1.2, 0.5]],
    ['etas', [-0.5, 1.2]],
  ],
  // Not torch's: α = 1 would freeze ν at its start (0), and the first step would divide by ε.
  scalar_rmsprop: [
    ['lr', -1],
    ['alpha', -0.5],
    ['alpha', 1],
    ['eps', -1e-8],
  ],
}

/** Boundary values torch accepts. */
const TORCH_ACCEPTS: Record<string, Array<[string, unknown]>> = {
  sgd: [
    ['lr', 0],
    ['momentum', 0.99],
    ['dampening', 0.5],
    ['weight_decay', 0],
  ],
  adagrad: [
    ['lr', 0],
    ['eps', 0],
  ],
  adadelta: [
    ['rho', 0],
    ['rho', 1],
    ['lr', 0],
  ],
  rmsprop: [
    ['alpha', 0],
    ['momentum', 0.9],
    ['centered', true],
  ],
  adam: [
    ['betas', [0, 0]],
    ['betas', [0.999999, 0.999999]],
    ['amsgrad', true],
    ['eps', 0],
  ],
  adamw: [
    ['betas', [0, 0.5]],
    ['weight_decay', 0],
  ],
  adamax: [['betas', [0, 0.9999]]],
  nadam: [
    ['momentum_decay', 0],
    ['decoupled_weight_decay', true],
  ],
  radam: [
    ['betas', [0, 0.5]],
    ['decoupled_weight_decay', true],
  ],
  asgd: [
    ['t0', 0],
    ['lambd', 0],
    ['alpha', 1],
  ],
  rprop: [
    ['etas', [0.01, 1.01]],
    ['step_sizes', [0, 0]],
    ['step_sizes', [1e-3, 1e3]],
  ],
  scalar_rmsprop: [
    ['alpha', 0],
    ['alpha', 0.999999],
    ['lr', 0],
    ['eps', 0],
  ],
}

function hparamError(fn: () => unknown): HparamError {
  let caught: unknown
  try {
    fn()
  } catch (err) {
    caught = err
  }
  expect(caught).toBeInstanceOf(HparamError)
  return caught as HparamError
}

describe('the registry', () => {
  it('has exactly the torch optimizers and the listed ones from the literature, each findable by name', () => {
    expect(TABLED.map((o) => o.name).sort()).toEqual(Object.keys(DEFAULTS).sort())
    for (const o of OPTIMIZERS) expect(findOptimizer(o.name)).toBe(o)
    expect(findOptimizer('Adam')).toBeUndefined()
    expect(findOptimizer('constructor')).toBeUndefined()
    expect(findOptimizer('__proto__')).toBeUndefined()
  })
})

describe.each(TABLED.map((o) => [o.name, o] as const))('%s', (name, def: OptimizerDef) => {
  const torch = DEFAULTS[name]

  it("has torch's hyperparameter names and defaults", () => {
    expect(Object.keys(def.hparams).sort()).toEqual(Object.keys(torch).sort())
    for (const [key, value] of Object.entries(torch)) {
      expect(def.hparams[key].default, `${name}.${key}`).toEqual(value)
      const kind = typeof value === 'boolean' ? 'boolean' : Array.isArray(value) ? 'pair' : 'number'
      expect(def.hparams[key].kind, `${name}.${key}`).toBe(kind)
    }
  })

  it('resolves an empty configuration to the defaults, ignoring "name"', () => {
    expect(resolveHparams(def, {})).toEqual(torch)
    expect(resolveHparams(def, { name })).toEqual(torch)
    expect(resolveHparams(def, { lr: undefined })).toEqual(torch)
  })

  it('keeps given values', () => {
    const lr = 0.0123
    const h = resolveHparams(def, { lr, maximize: true })
    expect(h.lr).toBe(lr)
    expect(h.maximize).toBe(true)
  })

  it('has a source and a rule', () => {
    expect(def.source.trim().length).toBeGreaterThan(5)
    // torch's own, or (from the literature) a paper with its year, saying it is not torch's.
    if (name in TORCH_DEFAULTS) expect(def.source).toMatch(/torch\.optim\./)
    else expect(def.source).toMatch(/\(\d{4}\).*not in torch\.optim/)
    expect(def.rule.trim().length).toBeGreaterThan(5)
    // The math is written once; the tooltip is derived from it.
    expect(def.math.length).toBeGreaterThan(0)
    expect(def.rule).toBe(mathTooltip(def.math))
    expect(def.title.trim().length).toBeGreaterThan(0)
    expect(def.update.trim().length).toBeGreaterThan(0)
    for (const spec of Object.values(def.hparams)) expect(spec.doc.trim().length).toBeGreaterThan(0)
  })

  it('refuses unknown hyperparameters, naming them', () => {
    for (const key of ['betaz', 'learning_rate', 'LR', 'constructor', '__proto__', 'toString']) {
      const e = hparamError(() => resolveHparams(def, JSON.parse(`{"${key}": 1}`) as Record<string, unknown>))
      expect(e.field, key).toBe(key)
      expect(e.message, key).toMatch(/unknown hyperparameter/)
    }
  })

  it('refuses wrong types and non-finite numbers', () => {
    for (const value of ['0.1', true, null, [0.1], {}]) {
      const e = hparamError(() => resolveHparams(def, { lr: value }))
      expect(e.field).toBe('lr')
      expect(e.message).toMatch(/number/)
    }
    for (const value of [Infinity, -Infinity, NaN]) {
      const e = hparamError(() => resolveHparams(def, { lr: value }))
      expect(e.field).toBe('lr')
      expect(e.message).toMatch(/finite/)
    }
    for (const value of [1, 0, 'true', null]) {
      const e = hparamError(() => resolveHparams(def, { maximize: value }))
      expect(e.field).toBe('maximize')
      expect(e.message).toMatch(/true or false/)
    }
    for (const [key, spec] of Object.entries(def.hparams)) {
      if (spec.kind !== 'pair') continue
      for (const value of [
        [0.9, 0.999, 0.5],
        [0.9],
        [],
        0.9,
        '0.9,0.999',
        [0.9, '0.999'],
        [NaN, 0.9],
        [0.9, Infinity],
        { 0: 0.9, 1: 0.999 },
      ]) {
        const e = hparamError(() => resolveHparams(def, { [key]: value }))
        expect(e.field, `${key} = ${JSON.stringify(value)}`).toBe(key)
        expect(e.message).toMatch(/two/)
      }
    }
  })

  it('refuses values torch refuses, naming the field', () => {
    for (const [field, value] of TORCH_REFUSES[name]) {
      const e = hparamError(() => resolveHparams(def, { [field]: value }))
      expect(e.field, `${field} = ${JSON.stringify(value)}`).toBe(field)
      expect(e.message).toMatch(/Invalid/)
    }
  })

  it('accepts the boundary values torch accepts', () => {
    for (const [field, value] of TORCH_ACCEPTS[name]) {
      expect(resolveHparams(def, { [field]: value })[field], `${field} = ${JSON.stringify(value)}`).toEqual(value)
    }
  })

  it('passes numeric values to rule code in hparamCodeNames order', () => {
    const names = hparamCodeNames(def)
    expect(new Set(names).size).toBe(names.length)
    const values = hparamCodeValues(def, resolveHparams(def, {}))
    expect(values).toHaveLength(names.length)
    // Independent expectation from the torch table: pairs expand to their two components
    // under their code names, booleans become 0/1.
    const expected = new Map<string, number>()
    for (const [key, spec] of Object.entries(def.hparams)) {
      const v = torch[key]
      if (spec.kind === 'pair') {
        expected.set(spec.codeNames[0], (v as readonly number[])[0])
        expected.set(spec.codeNames[1], (v as readonly number[])[1])
      } else {
        expected.set(key, typeof v === 'boolean' ? Number(v) : (v as number))
      }
    }
    expect(new Map(names.map((n, i) => [n, values[i]]))).toEqual(expected)
  })
})

describe('cross-field checks', () => {
  const sgd = findOptimizer('sgd')!

  it('nesterov requires a momentum and zero dampening', () => {
    for (const given of [{ nesterov: true }, { nesterov: true, momentum: 0 }, { nesterov: true, momentum: 0.9, dampening: 0.1 }]) {
      const e = hparamError(() => resolveHparams(sgd, given))
      expect(e.field).toBeNull()
      expect(e.message).toMatch(/Nesterov/)
    }
    expect(resolveHparams(sgd, { nesterov: true, momentum: 0.9 }).nesterov).toBe(true)
    expect(resolveHparams(sgd, { nesterov: false, momentum: 0, dampening: 0.5 }).dampening).toBe(0.5)
  })
})

describe('rule code stays in the rule language (the validator the registry runs as it loads)', () => {
  /** Every way `def`'s rule leaves the language, as the validator words it; empty when it is fine. */
  function problems(def: OptimizerDef): string[] {
    try {
      return ruleProblems(def, parseParts(def)).map((p) => p.message)
    } catch (err) {
      if (err instanceof RuleError) return [err.problem]
      throw err
    }
  }

  it.each(OPTIMIZERS.map((o) => [o.name, o] as const))('%s', (_name, def) => {
    expect(problems(def)).toEqual([])
  })

  it('the check catches rule code outside the subset (positive controls)', () => {
    const sgd = findOptimizer('sgd')!
    const nadam = findOptimizer('nadam')!
    const bad = (patch: Partial<OptimizerDef>) => problems({ ...sgd, ...patch })
    expect(bad({ update: 'p = p - lr * Math.floor(g);' })).toEqual(['Math.floor outside the rule language'])
    expect(bad({ update: 'p = p - lr * window.g;' })).toEqual(['property access outside the rule language'])
    expect(bad({ update: 'p = p - lr * g * beta1;' })).toEqual(["update uses 'beta1'"])
    expect(bad({ update: 'p = p - lr * g; lr = 0;' })).toEqual(["update assigns 'lr'"])
    expect(bad({ update: 'let lr = 2; p = p - lr * g;' })).toEqual(["update redeclares 'lr'"])
    expect(bad({ update: 'p = p - lr * g[0];' })).toEqual(['property access outside the rule language'])
    expect(bad({ update: 'p = p - lr * "g";' })).toEqual(['literal "g" outside the rule language (numbers only)'])
    expect(bad({ update: 'p -= lr * g;' })).toEqual(['operator -= outside the rule language (write a = a … b)'])
    expect(bad({ update: 'p = g > 0 ? p - lr : p;' })).toEqual(['a conditional expression outside the rule language (use if)'])
    expect(bad({ prelude: 'let q = p * 2;' })).toEqual(["prelude uses 'p'"])
    expect(bad({ update: 'g = g * 2;' })).toEqual(['update never moves p'])
    expect(bad({ update: 'p = p - lr * maximize * g;' })).toEqual(["'maximize' is a boolean: use it as a condition"])
    expect(bad({ update: 'p = p - lr * Math.max(g);' })).toEqual(['Math.max takes 2 argument(s)'])
    expect(bad({ update: 'let a = g; if (g > 0) { let a = 2 * g; } p = p - lr * a;' })).toEqual(["update declares 'a' twice"])
    expect(bad({ state: { momentum_buffer: 'Infinity' } })).toEqual(['initialiser Infinity'])
    expect(bad({ slotUsedIf: { momentum_buffer: 'momentm' } })).toEqual(['momentm is not a hyperparameter'])
    expect(problems({ ...nadam, update: nadam.update + '\nmu_product = 1;' })).toEqual(["update assigns 'mu_product'"])
  })
})
