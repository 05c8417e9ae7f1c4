/**
 * Stability thresholds at the edge of stability (docs/central-flows.md, "Thresholds for other optimizers"): the value the top
 * eigenvalue of the Hessian (or of the preconditioned Hessian) may not exceed for the optimizer's
 * linearised dynamics to stay stable. These are the flip (eigenvalue −1) boundaries of the
 * two-step recursions, in torch's conventions.
 */
import type { Hparams } from '../optim'

export type Threshold =
  | { readonly kind: 'hessian'; readonly value: number; readonly formula: string }
  | { readonly kind: 'preconditioned'; readonly value: number; readonly formula: string; readonly preconditioner: string }
  | { readonly kind: 'none'; readonly reason: string }

const num = (h: Hparams, k: string) => h[k] as number
const pair = (h: Hparams, k: string) => h[k] as readonly [number, number]

export function stabilityThreshold(name: string, h: Hparams): Threshold {
  switch (name) {
    case 'sgd': {
      const eta = num(h, 'lr')
      const beta = num(h, 'momentum')
      const tau = num(h, 'dampening')
      if (beta === 0) return { kind: 'hessian', value: 2 / eta, formula: 'S ≤ 2/η (GD)' }
      if (tau !== 0) return { kind: 'none', reason: 'no known threshold for SGD with dampening ≠ 0' }
      if (h.nesterov) return { kind: 'hessian', value: (2 + 2 * beta) / (eta * (1 + 2 * beta)), formula: 'S ≤ (2+2β)/(η(1+2β)) (Nesterov)' }
      return { kind: 'hessian', value: (2 + 2 * beta) / eta, formula: 'S ≤ (2+2β)/η (heavy ball)' }
    }
    case 'adam':
    case 'adamw': {
      const eta = num(h, 'lr')
      const [b1] = pair(h, 'betas')
      return {
        kind: 'preconditioned',
        value: (2 + 2 * b1) / ((1 - b1) * eta),
        formula: 'λ₁(P⁻¹H) ≤ (2+2β₁)/((1−β₁)η)',
        preconditioner: 'P = diag(√v̂ + ε)',
      }
    }
    case 'rmsprop':
      if (num(h, 'momentum') !== 0 || h.centered)
        return { kind: 'none', reason: 'no known threshold for RMSprop with momentum or centering' }
      return { kind: 'preconditioned', value: 2, formula: 'λ₁(P⁻¹H) ≤ 2', preconditioner: 'P = diag(√v + ε)/η' }
    case 'scalar_rmsprop':
      return { kind: 'preconditioned', value: 2, formula: 'ηS/(√ν + ε) ≤ 2', preconditioner: 'P = (√ν + ε)/η' }
    default:
      return { kind: 'none', reason: `no known edge-of-stability threshold for ${name}` }
  }
}
