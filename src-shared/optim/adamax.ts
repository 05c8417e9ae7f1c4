import { betaRange, EPS_CHECK, LR_CHECK, MAXIMIZE, WEIGHT_DECAY } from './checks'
import type { OptimizerDef } from './types'

/**
 * Adamax — torch.optim.Adamax (≥ 2.0); §7.1 of Kingma & Ba, "Adam" (ICLR 2015).
 *
 *   g ← ±∇L + λθ
 *   m ← β₁m + (1−β₁)g;   u ← max(β₂u, |g| + ε)
 *   θ ← θ − (γ/(1−β₁ᵗ)) · m/u
 *
 * torch adds ε inside the max (to |g|), not to the denominator.
 */
export const adamax: OptimizerDef = {
  name: 'adamax',
  title: 'Adamax',
  source: 'torch.optim.Adamax; Kingma & Ba 2015, §7.1',
  rule: 'm ← β₁m + (1−β₁)g;  u ← max(β₂u, |g| + ε);  θ ← θ − γ/(1−β₁ᵗ) · m/u',
  hparams: {
    lr: { kind: 'number', default: 2e-3, check: LR_CHECK, doc: 'learning rate γ' },
    betas: { kind: 'pair', default: [0.9, 0.999], codeNames: ['beta1', 'beta2'], check: betaRange, doc: 'coefficients (β₁, β₂) for the average and the infinity norm' },
    eps: { kind: 'number', default: 1e-8, check: EPS_CHECK, doc: 'term ε for numerical stability' },
    weight_decay: WEIGHT_DECAY,
    maximize: MAXIMIZE,
  },
  state: { exp_avg: '0', exp_inf: '0' },
  prelude: `let clr = lr / (1 - Math.pow(beta1, t));`,
  update: `
    if (maximize) { g = -g; }
    if (weight_decay != 0) { g = g + weight_decay * p; }
    exp_avg = exp_avg + (g - exp_avg) * (1 - beta1);
    exp_inf = Math.max(beta2 * exp_inf, Math.abs(g) + eps);
    p = p - clr * (exp_avg / exp_inf);
  `,
}
