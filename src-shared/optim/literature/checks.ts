/** Range checks of the literature optimizers, worded as torch words its own. */
export { betaRange, EPS_CHECK, LR_CHECK, nonNegative, WD_CHECK } from '../checks'

/** `Invalid <what> value: v (must be in [0, 1))`, for single coefficients. */
export const unitInterval = (what: string) => (v: number) => (v >= 0 && v < 1 ? null : `Invalid ${what} value: ${v} (must be in [0, 1))`)

/** `Invalid <what> value: v (must be > 0)`. */
export const positive = (what: string) => (v: number) => (v > 0 ? null : `Invalid ${what} value: ${v} (must be > 0)`)

/** SGD's constructor check, shared by the rules that end in a torch.optim.SGD step. */
export const nesterovCheck = (h: Readonly<Record<string, unknown>>) =>
  h.nesterov && (!((h.momentum as number) > 0) || h.dampening !== 0) ? 'Nesterov momentum requires a momentum and zero dampening' : null

/** torch.optim.SGD's step after the gradient `d` is formed (weight decay, momentum, Nesterov). */
export const SGD_STEP = `
    if (weight_decay != 0) { d = d + weight_decay * p; }
    if (momentum != 0) {
      if (t < 1.5) { momentum_buffer = d; } else { momentum_buffer = momentum * momentum_buffer + (1 - dampening) * d; }
      if (nesterov) { d = d + momentum * momentum_buffer; } else { d = momentum_buffer; }
    }
    p = p - lr * d;
`
