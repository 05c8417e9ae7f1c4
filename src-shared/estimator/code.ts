/**
 * The estimators as kernel code (the JavaScript subset GPU.js and our WebAssembly compiler
 * compile, also run as plain JavaScript by the float64 loop): statements that replace `g_x`,
 * `g_y` (the exact gradient at `p_x`, `p_y`) by the estimate, with the same draws as draws.ts.
 *
 * They read the launch scalars `estK` (directions), `estMu` (μ) and `estSeed` (the reduced
 * seed), the particle's `stream` and the step `t`, and call `gsNormal` (RANDOM_CODE).
 */
import { reduceSeed } from '../random'
import type { EstimatorKind, GradientSpec } from './spec'
import { DIMENSION, DIRECTION_COUNTER } from './draws'

/** Launch-wide scalars the estimator code reads, in argument order. */
export const ESTIMATOR_SCALARS = ['estK', 'estMu', 'estSeed'] as const

/** Variables the estimator code declares (particle-owned: a kernel interleaving particles renames them). */
export const ESTIMATOR_LOCALS = [
  'est_x',
  'est_y',
  'est_c',
  'est_k',
  'est_vx',
  'est_vy',
  'est_vn',
  'est_d',
  'est_qx',
  'est_qy',
  'est_lp',
  'est_lm',
]

export interface EstimatorCodeOptions {
  /**
   * Code that assigns L at (`qx`, `qy`) to the declared variable `target`, with its own
   * temporaries named from `prefix` (the landscape's emitted value code).
   */
  readonly lossAt: (qx: string, qy: string, target: string, prefix: string) => string
  /** How numeric literals are printed (kernels need a decimal point). */
  readonly number: (v: number) => string
}

/** Statements replacing g_x, g_y by the estimate of `kind`. */
export function estimatorCode(kind: EstimatorKind, o: EstimatorCodeOptions): string {
  const n = o.number
  const sphere = kind === 'zeroth_order_sphere'
  const along =
    kind === 'forward'
      ? 'est_d = g_x * est_vx + g_y * est_vy;'
      : `est_qx = p_x + estMu * est_vx;
      est_qy = p_y + estMu * est_vy;
      ${o.lossAt('est_qx', 'est_qy', 'est_lp', '_zp')}
      est_qx = p_x - estMu * est_vx;
      est_qy = p_y - estMu * est_vy;
      ${o.lossAt('est_qx', 'est_qy', 'est_lm', '_zm')}
      est_d = ${sphere ? `${n(DIMENSION)} * ` : ''}(est_lp - est_lm) / (${n(2)} * estMu);`
  return `let est_x = ${n(0)};
    let est_y = ${n(0)};
    let est_c = ${n(DIRECTION_COUNTER)};
    let est_vx = ${n(0)};
    let est_vy = ${n(0)};
    let est_vn = ${n(1)};
    let est_d = ${n(0)};
    let est_qx = ${n(0)};
    let est_qy = ${n(0)};
    let est_lp = ${n(0)};
    let est_lm = ${n(0)};
    for (let est_k = 0; est_k < estK; est_k++) {
      est_vx = gsNormal(estSeed, stream, t, est_c);
      est_vy = gsNormal(estSeed, stream, t, est_c + ${n(1)});
      ${
        sphere
          ? `est_vn = Math.sqrt(est_vx * est_vx + est_vy * est_vy);
      est_vx = est_vx / est_vn;
      est_vy = est_vy / est_vn;`
          : ''
      }
      ${along}
      est_x = est_x + est_d * est_vx;
      est_y = est_y + est_d * est_vy;
      est_c = est_c + ${n(2)};
    }
    g_x = est_x / estK;
    g_y = est_y / estK;`
}

/** Values of ESTIMATOR_SCALARS for a spec (any values for the exact gradient: its code reads none). */
export function estimatorScalars(spec: GradientSpec | undefined): [number, number, number] {
  if (!spec || spec.estimator === 'true') return [0, 0, 0]
  return [spec.directions, spec.estimator === 'zeroth_order' ? spec.mu : 0, reduceSeed(spec.seed)]
}
