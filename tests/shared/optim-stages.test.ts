/** @vitest-environment node */
/**
 * The rule language's stages (src-shared/optim/types.ts header): scopes flow from stage to stage,
 * a stage outside its vocabulary is refused at registry load with the optimizer and the stage,
 * what a rule needs is read from its tree, and the literature optimizers' hyperparameters are
 * validated with torch's wording.
 */
import { describe, expect, it } from 'vitest'
import { findOptimizer, HparamError, OPTIMIZERS, type OptimizerDef, resolveHparams, ruleNeeds, stepProgram } from '../../src-shared/optim'
import { parsedRule, printBlock, RuleError } from '../../src-shared/optim/rule'
import { LITERATURE_OPTIMIZERS } from '../../src-shared/optim/literature'

const base: OptimizerDef = {
  name: 'probe',
  title: 'Probe',
  source: 'test',
  math: ['θ ← θ − γc'],
  rule: 'θ ← θ − γc',
  hparams: { lr: { kind: 'number', default: 0.1, doc: 'lr' } },
  state: {},
  update: 'p = p - lr * c;',
}
const problem = (def: OptimizerDef) => {
  try {
    parsedRule(def)
    return null
  } catch (err) {
    expect(err).toBeInstanceOf(RuleError)
    return (err as Error).message
  }
}

describe('rule stages', () => {
  it('registers all 20 literature optimizers, each with a source, math and a valid rule', () => {
    expect(LITERATURE_OPTIMIZERS.map((o) => o.name)).toEqual([
      'lion',
      'ademamix',
      'mars',
      'diffgrad',
      'adabelief',
      'yogi',
      'gravity',
      'aegd',
      'optamsgrad',
      'newton',
      'saddlefreenewton',
      'gaussnewton',
      'oasis',
      'inducedsgd',
      'inducedsgdlog',
      'inducedsgdrms',
      'sam',
      'fdgr',
      'normgd',
      'clipsgd',
    ])
    for (const def of LITERATURE_OPTIMIZERS) {
      expect(OPTIMIZERS).toContain(def)
      expect(def.source.length, def.name).toBeGreaterThan(10)
      expect(def.math.length, def.name).toBeGreaterThan(0)
      expect(() => parsedRule(def)).not.toThrow()
    }
  })

  it('a coordinate stage’s locals are per-coordinate values for the update', () => {
    const def = { ...base, stages: [{ kind: 'coordinates', code: 'let c = 2 * g;' }] } as const
    expect(problem(def)).toBeNull()
    const code = stepProgram(def, ['x', 'y'])
      .map((p) => (p.kind === 'code' ? printBlock(p.block) : ''))
      .join('\n')
    expect(code).toContain('let c_x = 2 * g_x;')
    expect(code).toContain('p_y = p_y - lr * c_y;')
  })

  it('a reduction is a particle value: summed or maximised over the coordinates', () => {
    const def: OptimizerDef = {
      ...base,
      stages: [
        { kind: 'reduce', name: 'total', op: 'sum', of: 'g * g' },
        { kind: 'reduce', name: 'top', op: 'max', of: 'Math.abs(g)' },
      ],
      update: 'p = p - lr * g * total / top;',
    }
    const code = stepProgram(def, ['x', 'y'])
      .map((p) => (p.kind === 'code' ? printBlock(p.block) : ''))
      .join('\n')
    expect(code).toContain('let total = g_x * g_x + g_y * g_y;')
    expect(code).toContain('let top = Math.max(Math.abs(g_x), Math.abs(g_y));')
  })

  it('a gradient elsewhere is a piece the engine emits, at the point the stage names', () => {
    const def: OptimizerDef = { ...base, stages: [{ kind: 'gradientAt', name: 'ga', point: 'p + lr * g' }], update: 'p = p - lr * ga;' }
    const piece = stepProgram(def, ['x', 'y']).find((p) => p.kind === 'gradientAt')
    expect(piece).toMatchObject({ kind: 'gradientAt', names: ['ga_x', 'ga_y'] })
    expect(ruleNeeds(def).gradientsElsewhere).toBe(1)
  })

  it('refuses a name a stage has not made yet, naming the optimizer and the stage', () => {
    expect(
      problem({
        ...base,
        stages: [
          { kind: 'reduce', name: 'n2', op: 'sum', of: 'c * c' },
          { kind: 'coordinates', code: 'let c = g;' },
        ],
      }),
    ).toMatch(/probe stage 1 \(reduce\).*uses 'c'/)
    expect(problem(base)).toMatch(/probe update.*uses 'c'/)
  })

  it('refuses writes outside a stage’s vocabulary', () => {
    expect(problem({ ...base, stages: [{ kind: 'coordinates', code: 'let c = g; p = c;' }] })).toMatch(/coordinates\).*assigns 'p'/)
    expect(
      problem({
        ...base,
        stages: [
          { kind: 'reduce', name: 'g', op: 'sum', of: 'p' },
          { kind: 'coordinates', code: 'let c = g;' },
        ],
      }),
    ).toMatch(/redefines 'g'/)
    expect(
      problem({ ...base, stages: [{ kind: 'dense2', defines: ['c'], code: 'c_x = h_xx * g_x; c_y = h_yy * g_y; let q = h_zz;' }] }),
    ).toMatch(/dense2\).*uses 'h_zz'/)
  })

  it('reads what a rule needs from its tree', () => {
    const need = (name: string) => ruleNeeds(findOptimizer(name)!)
    expect(need('aegd')).toMatchObject({ loss: true, hessian: false, twoDimensional: false })
    expect(need('newton')).toMatchObject({ hessian: true, residuals: false, twoDimensional: true })
    expect(need('gaussnewton')).toMatchObject({ hessian: false, residuals: true, twoDimensional: true })
    expect(need('oasis')).toMatchObject({ hessian: true, twoDimensional: false, reductions: 2 })
    expect(need('sam')).toMatchObject({ gradientsElsewhere: 1 })
    expect(need('adam')).toMatchObject({ loss: false, hessian: false, residuals: false, gradientsElsewhere: 0, twoDimensional: false })
  })

  it('refuses a dense stage for more than two coordinates', () => {
    expect(() => stepProgram(findOptimizer('newton')!, ['a', 'b', 'c'])).toThrow(/newton needs a 2-D problem/)
    expect(() => stepProgram(findOptimizer('oasis')!, ['a', 'b', 'c'])).not.toThrow()
  })
})

/** The reference implementations' names and defaults, from tests/fixtures/literature/README.md (not from the project's code). */
const README_DEFAULTS: Record<string, Record<string, unknown>> = {
  lion: { lr: 1e-4, betas: [0.9, 0.99], weight_decay: 0 },
  ademamix: { lr: 1e-3, betas: [0.9, 0.999, 0.9999], alpha: 2, beta3_warmup: null, alpha_warmup: null, eps: 1e-8, weight_decay: 0 },
  mars: { lr: 3e-3, betas: [0.95, 0.99], eps: 1e-8, weight_decay: 0, amsgrad: false, gamma: 0.025, mars_type: 'mars-adamw' },
  diffgrad: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0 },
  adabelief: {
    lr: 1e-3,
    betas: [0.9, 0.999],
    eps: 1e-16,
    weight_decay: 0,
    amsgrad: false,
    weight_decouple: true,
    fixed_decay: false,
    rectify: true,
    degenerated_to_sgd: true,
  },
  yogi: {
    lr: 1e-2,
    betas: [0.9, 0.999],
    initial_accumulator: 1e-6,
    weight_decay: 0,
    weight_decouple: true,
    fixed_decay: false,
    eps: 1e-3,
    maximize: false,
  },
  gravity: { lr: 0.1, alpha: 0.01, beta: 0.9 },
  aegd: { lr: 0.1, c: 1, weight_decay: 0, aegdw: false },
  optamsgrad: { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: true },
  oasis: { lr: 1, beta2: 0.99, alpha: 1e-5 },
  inducedsgd: { lr: 0.1, momentum: 0.9, xi: 0.1, beta: 0.8, weight_decay: 0 },
  inducedsgdlog: { lr: 0.1, momentum: 0.9, xi: 0.1, beta: 0.8, weight_decay: 0 },
  inducedsgdrms: { lr: 0.1, momentum: 0.9, xi: 0.1, beta: 0.8, weight_decay: 0, beta_rms: 0.99, eps: 1e-8 },
  // lr (and clipsgd's max_norm, normgd's lr) are required by the references: the defaults are ours.
  sam: { base_optimizer: 'sgd', rho: 0.05, adaptive: false, lr: 1e-3, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false },
  fdgr: { lr: 1e-2, gamma: 1e-2, epsilon: 1e-2 },
  clipsgd: { lr: 1e-3, max_norm: 1, norm_type: 2, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false },
  normgd: { lr: 1e-2, eps: 1e-6 },
  newton: { lr: 1, damping: 0 },
  saddlefreenewton: { lr: 1, damping: 0 },
  gaussnewton: { lr: 1, damping: 0 },
}

describe('literature hyperparameters', () => {
  const resolve = (name: string, given: Record<string, unknown>) => resolveHparams(findOptimizer(name)!, given)
  it.each(Object.entries(README_DEFAULTS))('%s has the reference’s names and defaults', (name, defaults) => {
    expect(resolve(name, {})).toEqual(defaults)
    expect(Object.keys(findOptimizer(name)!.hparams)).toEqual(Object.keys(defaults))
  })

  it('fills the references’ defaults, None included', () => {
    expect(resolve('ademamix', {})).toMatchObject({ betas: [0.9, 0.999, 0.9999], alpha: 2, beta3_warmup: null, alpha_warmup: null })
    expect(resolve('mars', {})).toMatchObject({ mars_type: 'mars-adamw', gamma: 0.025 })
    expect(resolve('sam', {})).toMatchObject({ base_optimizer: 'sgd', rho: 0.05, adaptive: false })
  })

  it.each([
    ['lion', { betas: [0.9, 1] }, /Invalid beta parameter at index 1: 1/],
    ['ademamix', { betas: [0.9, 0.999] }, /must be a list of three numbers/],
    ['ademamix', { betas: [0.9, 0.999, 1.5] }, /Invalid beta parameter at index 2: 1.5/],
    ['ademamix', { alpha_warmup: -1 }, /Invalid alpha_warmup value: -1/],
    ['mars', { mars_type: 'mars-lion' }, /must be one of "mars-adamw"/],
    ['fdgr', { epsilon: 0 }, /Invalid epsilon value: 0/],
    ['clipsgd', { norm_type: 1 }, /Invalid norm_type value: 1/],
    ['clipsgd', { nesterov: true }, /Nesterov momentum requires a momentum/],
    ['oasis', { alpha: 0 }, /Invalid alpha value: 0/],
    ['gravity', { beta: 1 }, /Invalid beta value: 1/],
    ['newton', { damping: -0.1 }, /Invalid damping value: -0.1/],
    ['yogi', { lr: -1 }, /Invalid learning rate: -1/],
  ])('%s %j is refused', (name, given, message) => {
    expect(() => resolve(name, given)).toThrow(HparamError)
    expect(() => resolve(name, given)).toThrow(message)
  })
})
