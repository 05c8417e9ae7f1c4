/** Range checks with torch's wording, shared by the optimizer definitions. */

export const nonNegative = (what: string) => (v: number) => (v >= 0 ? null : `Invalid ${what}: ${v} (must be ≥ 0)`)

export const betaRange = (v: readonly number[]) => {
  for (let i = 0; i < v.length; i++) {
    if (!(v[i] >= 0 && v[i] < 1)) return `Invalid beta parameter at index ${i}: ${v[i]} (must be in [0, 1))`
  }
  return null
}

export const LR_CHECK = nonNegative('learning rate')
export const EPS_CHECK = nonNegative('epsilon value')
export const WD_CHECK = nonNegative('weight_decay value')

export const MAXIMIZE = { kind: 'boolean', default: false, doc: 'maximize the objective instead of minimizing' } as const
export const WEIGHT_DECAY = { kind: 'number', default: 0, check: WD_CHECK, doc: 'L2 penalty λ, added to the gradient' } as const
