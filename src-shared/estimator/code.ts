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
import { DIMENSION, DIRECTION_COUNTER, extraGradientCounter } from './draws'

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

/**
 * Where an estimate is taken: the point, the gradient names (holding the exact gradient there,
 * replaced by the estimate), the first draw counter, and the names of its locals (each site
 * declares its own, so several sites share one step's scope).
 */
export interface EstimatorSite {
  readonly px: string
  readonly py: string
  readonly gx: string
  readonly gy: string
  readonly counter: number
  /** Prefix of the site's locals (`est_` at the step's own point). */
  readonly locals: string
  /** Temporaries' prefixes of the two loss evaluations (zeroth order). */
  readonly temps: readonly [string, string]
}

/** The step's own gradient: g_x, g_y at p_x, p_y, counters from DIRECTION_COUNTER; locals ESTIMATOR_LOCALS. */
export const STEP_SITE: EstimatorSite = {
  px: 'p_x',
  py: 'p_y',
  gx: 'g_x',
  gy: 'g_y',
  counter: DIRECTION_COUNTER,
  locals: 'est_',
  temps: ['_zp', '_zm'],
}

/**
 * The j-th extra gradient of a step (SAM's ∇L at θ + e, FDGR's at θ + εg): the gradient `names`
 * at the point `points`, with draws of its own (draws.ts `extraGradientCounter`).
 */
export function extraGradientSite(j: number, names: readonly [string, string], points: readonly [string, string]): EstimatorSite {
  return {
    px: points[0],
    py: points[1],
    gx: names[0],
    gy: names[1],
    counter: extraGradientCounter(j),
    locals: `est${j + 1}_`,
    temps: [`_zq${j}_`, `_zn${j}_`],
  }
}

/** Statements replacing the site's gradient (g_x, g_y at the step's point by default) by the estimate of `kind`. */
export function estimatorCode(kind: EstimatorKind, o: EstimatorCodeOptions, site: EstimatorSite = STEP_SITE): string {
  const n = o.number
  const sphere = kind === 'zeroth_order_sphere'
  const { px, py, gx, gy } = site
  const v = (name: string) => `${site.locals}${name}`
  const along =
    kind === 'forward'
      ? `${v('d')} = ${gx} * ${v('vx')} + ${gy} * ${v('vy')};`
      : `${v('qx')} = ${px} + estMu * ${v('vx')};
      ${v('qy')} = ${py} + estMu * ${v('vy')};
      ${o.lossAt(v('qx'), v('qy'), v('lp'), site.temps[0])}
      ${v('qx')} = ${px} - estMu * ${v('vx')};
      ${v('qy')} = ${py} - estMu * ${v('vy')};
      ${o.lossAt(v('qx'), v('qy'), v('lm'), site.temps[1])}
      ${v('d')} = ${sphere ? `${n(DIMENSION)} * ` : ''}(${v('lp')} - ${v('lm')}) / (${n(2)} * estMu);`
  return `let ${v('x')} = ${n(0)};
    let ${v('y')} = ${n(0)};
    let ${v('c')} = ${n(site.counter)};
    let ${v('vx')} = ${n(0)};
    let ${v('vy')} = ${n(0)};
    let ${v('vn')} = ${n(1)};
    let ${v('d')} = ${n(0)};
    let ${v('qx')} = ${n(0)};
    let ${v('qy')} = ${n(0)};
    let ${v('lp')} = ${n(0)};
    let ${v('lm')} = ${n(0)};
    for (let ${v('k')} = 0; ${v('k')} < estK; ${v('k')}++) {
      ${v('vx')} = gsNormal(estSeed, stream, t, ${v('c')});
      ${v('vy')} = gsNormal(estSeed, stream, t, ${v('c')} + ${n(1)});
      ${
        sphere
          ? `${v('vn')} = Math.sqrt(${v('vx')} * ${v('vx')} + ${v('vy')} * ${v('vy')});
      ${v('vx')} = ${v('vx')} / ${v('vn')};
      ${v('vy')} = ${v('vy')} / ${v('vn')};`
          : ''
      }
      ${along}
      ${v('x')} = ${v('x')} + ${v('d')} * ${v('vx')};
      ${v('y')} = ${v('y')} + ${v('d')} * ${v('vy')};
      ${v('c')} = ${v('c')} + ${n(2)};
    }
    ${gx} = ${v('x')} / estK;
    ${gy} = ${v('y')} / estK;`
}

/** Values of ESTIMATOR_SCALARS for a spec (any values for the exact gradient: its code reads none). */
export function estimatorScalars(spec: GradientSpec | undefined): [number, number, number] {
  if (!spec || spec.estimator === 'true') return [0, 0, 0]
  return [spec.directions, spec.estimator === 'zeroth_order' ? spec.mu : 0, reduceSeed(spec.seed)]
}
