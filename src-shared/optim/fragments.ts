/**
 * What torch's optimizers repeat, written once: the rule fragments for maximize and weight
 * decay, and the hyperparameter specs with torch's wording (torch interpolates `_maximize_doc`
 * and friends the same way).
 */
import { betaRange, EPS_CHECK, LR_CHECK } from './checks'
import type { BooleanHparam, NumberHparam, PairHparam } from './types'

export { MAXIMIZE, WEIGHT_DECAY } from './checks'

/** torch: `grad = grad if not maximize else -grad`. */
export const MAXIMIZE_RULE = 'if (maximize) { g = -g; }'

/** L2 weight decay, added to the gradient: `grad = grad.add(param, alpha=weight_decay)`. */
export const L2_WEIGHT_DECAY_RULE = 'if (weight_decay != 0) { g = g + weight_decay * p; }'

/** Decoupled weight decay (AdamW): `param.mul_(1 - lr * weight_decay)`. */
export const DECOUPLED_WEIGHT_DECAY_RULE = 'p = p * (1 - lr * weight_decay);'

/** NAdam's and RAdam's `decoupled_weight_decay` switch between the two. */
export const SWITCHED_WEIGHT_DECAY_RULE = `if (weight_decay != 0) { if (decoupled_weight_decay) { ${DECOUPLED_WEIGHT_DECAY_RULE} } else { g = g + weight_decay * p; } }`

export const lrSpec = (dflt: number, doc = 'learning rate γ'): NumberHparam => ({ kind: 'number', default: dflt, check: LR_CHECK, doc })

export const epsSpec = (dflt: number, doc = 'term ε added to the denominator'): NumberHparam => ({
  kind: 'number',
  default: dflt,
  check: EPS_CHECK,
  doc,
})

/** torch's `betas`, (β₁, β₂), as `beta1` and `beta2` in rule code. */
export const betasSpec = (doc: string, dflt: readonly [number, number] = [0.9, 0.999]): PairHparam => ({
  kind: 'pair',
  default: dflt,
  codeNames: ['beta1', 'beta2'],
  check: betaRange,
  doc,
})

export const DECOUPLED_WEIGHT_DECAY: BooleanHparam = {
  kind: 'boolean',
  default: false,
  doc: 'apply weight decay as in AdamW (torch ≥ 2.1)',
}
