/**
 * The optimizer's state at the playhead, recomputed in the renderer: the engine streams only
 * positions and losses, so the selected run is replayed in float64 from its start with the same
 * step program the engines print (src-shared/optim/expand.ts `stepProgram`: stages, prelude and
 * update expanded per coordinate, interpreted by rule-eval.ts) and the landscape's exact oracles
 * (landscape-eval.ts): loss and gradient, the Hessian (h_diag, dense stages), Gauss–Newton's JᵀJ
 * and Jᵀr, ∇L at other points. The step order is the float64 engine's (src-main/engine/float64.ts
 * and step-code.ts): loss and gradient at θ, Hessian, JᵀJ/Jᵀr, g_norm2, the program's pieces in
 * order, the new loss and gradient, the divergence test.
 *
 * What the view shows at step k is the update made FROM the head θ_k: the gradient there, the
 * first moment and state after the update k + 1, and the step Δθ = θ_{k+1} − θ_k actually taken.
 *
 * A run's gradient estimator and gradient noise are replayed as the float64 engine applies them
 * (float64.ts, step-code.ts): at step t the estimate replaces ∇L at θ (draws from
 * DIRECTION_COUNTER), then the noise is added (counters 0 and 1); the j-th extra gradient of the
 * step (SAM's, FDGR's) is estimated at its own point with draws from extraGradientCounter(j), then
 * noised with the same counters. The draws come from random-plain.ts, the eval-free mirror of the
 * engines' hash (the renderer's CSP forbids the eval random.ts runs), with the run's noise stream.
 *
 * A run's learning-rate `schedule` (src-shared/schedule; a sweep over its arguments reports each
 * configuration's own) is applied as the float64 engine's exact table rows apply it: update t runs
 * with step t's lr (and the momentum or beta1 a OneCycleLR cycles) in place of the base values,
 * and the state is initialised from step 1's values (float64.ts `scheduledAtFirstStep`).
 */
import { type Expr as LandscapeExpr, type Landscape, landscapeFromSpec, type LandscapeSpec } from '../../src-shared/landscape'
import {
  coordName,
  findOptimizer,
  hparamCodeNames,
  hparamCodeValues,
  type OptimizerDef,
  preconditionerTreeForCoordinate,
  resolveHparams,
  ruleNeeds,
  type StepPiece,
  stepProgram,
  usesGradNorm,
} from '../../src-shared/optim'
import {
  booleanHparams,
  declaredNames,
  DENSE2_NAMES,
  type Expr,
  loweredRule,
  lowerBooleansInExpr,
  namesRead,
  type ParsedRule,
  parseRuleExpression,
  stageScopes,
} from '../../src-shared/optim/rule'
import { DIRECTION_COUNTER, estimateFrom, extraGradientCounter } from '../../src-shared/estimator/estimate'
import { type GradientSpec, parseGradientSpec } from '../../src-shared/estimator/spec'
import { plainNormal, reduceSeed } from '../../src-shared/random-plain'
import { evaluateAll } from './landscape-eval'
import { evalExpr, runBlock, Scope } from './rule-eval'
import { RunSchedule, type ScheduledStep } from './schedule'
import { ScheduleError } from '../../src-shared/schedule/spec'

const COORDS = ['x', 'y'] as const

/** Slots that hold the first moment (momentum, exp_avg), by the names the rules use. */
const MOMENT_SLOTS = ['exp_avg', 'momentum_buffer', 'exp_avg_fast', 'momentum', 'buf', 'm']

export interface SlotValue {
  readonly name: string
  /** Per coordinate (x, y); a per-particle slot has the same value twice and `shared`. */
  readonly value: readonly [number, number]
  readonly shared: boolean
}

export interface StepView {
  /** The head's step k. */
  readonly step: number
  readonly head: readonly [number, number]
  readonly loss: number
  /** The gradient update k + 1 receives at the head: ∇L, or its estimate and/or noisy value (gradSource). */
  readonly grad: readonly [number, number]
  /** The exact ∇L at the head (equal to grad when gradSource is 'exact'). */
  readonly trueGrad: readonly [number, number]
  /** What `grad` is: ∇L itself, the estimator's estimate, ∇L plus noise, or the estimate plus noise. */
  readonly gradSource: GradSource
  /** θ_{k+1} − θ_k. */
  readonly delta: readonly [number, number]
  /** The first moment after update k + 1, when the optimizer keeps one (and uses it). */
  readonly moment: { readonly slot: string; readonly value: readonly [number, number] } | null
  /** Per-coordinate effective learning rate after update k + 1 (from the preconditioner), or null. */
  readonly effectiveLr: readonly [number, number] | null
  /** How effectiveLr was formed: `lr / P` or `1 / P` (a P that already holds 1/lr). */
  readonly effectiveLrForm: string | null
  /** The rate update k + 1 uses (its scheduled value under a schedule), or null when the rule has none. */
  readonly lr: number | null
  /** Under a learning-rate schedule, the values update k + 1 uses (lr, and a cycled momentum); else null. */
  readonly scheduled: ScheduledStep | null
  /** The schedule cannot be stepped to update k + 1 (a OneCycleLR past its total_steps): no update is shown. */
  readonly scheduleEnded: boolean
  /** State slots after update k + 1. */
  readonly slots: readonly SlotValue[]
  /** Update k + 1 made the point or loss non-finite. */
  readonly divergesNext: boolean
}

interface RunState {
  x: number
  y: number
  loss: number
  gx: number
  gy: number
  /** Per-coordinate slots: name → [x, y]. */
  slots: Map<string, [number, number]>
  particle: Map<string, number>
  t: number
  diverged: boolean
}

export type GradSource = 'exact' | 'estimate' | 'noisy' | 'noisy estimate'

/** Where the run's gradients come from besides the landscape: its estimator's draws and the scenario's noise. */
export interface ReplayDraws {
  /** The run's noise stream (the engines': its start point's index; data/estimates.ts pointQuad). */
  readonly stream: number
  readonly noise: { readonly std: number; readonly seed: number }
}

const NO_DRAWS: ReplayDraws = { stream: 0, noise: { std: 0, seed: 0 } }

export class ReplayError extends Error {}

/** The engine vocabulary this replay provides besides hyperparameters, state, stage values and locals. */
const PROVIDED = ['p', 'g', 't', 'g_norm2', 'loss', 'h_diag']

/**
 * Names a rule reads that the replay would not define (engine vocabulary added after it was
 * written): such an optimizer is refused by name instead of replayed wrongly. A dense stage may
 * also read the whole 2-D problem (DENSE2_NAMES); the update and other stages may not.
 */
export function unsupportedNames(
  def: OptimizerDef,
  rule: Pick<ParsedRule, 'prelude' | 'update' | 'preconditioner'> & Partial<Pick<ParsedRule, 'stages'>> = loweredRule(def),
): string[] {
  const stages = rule.stages ?? []
  const scope = stageScopes(stages)[stages.length]
  const known = new Set([
    ...PROVIDED,
    ...hparamCodeNames(def),
    ...Object.keys(def.state),
    ...Object.keys(def.particleState ?? {}),
    ...scope.particle,
    ...scope.coordinate,
    ...declaredNames(rule.prelude),
    ...declaredNames(rule.update),
  ])
  const read: string[] = []
  for (const st of stages) {
    if (st.kind === 'reduce') read.push(...namesRead(st.of))
    else if (st.kind === 'gradientAt') read.push(...namesRead(st.point))
    else if (st.kind === 'dense2') read.push(...namesRead(st.block).filter((n) => !(DENSE2_NAMES as readonly string[]).includes(n)))
    else read.push(...namesRead(st.block))
  }
  read.push(...namesRead(rule.prelude), ...namesRead(rule.update), ...(rule.preconditioner ? namesRead(rule.preconditioner) : []))
  return [...new Set(read.filter((n) => !known.has(n)))]
}

export class Replay {
  readonly def: OptimizerDef
  private readonly landscape: Landscape
  private readonly lossGrad: readonly LandscapeExpr[]
  /** h_xx, h_xy, h_yy when the rule reads the Hessian; else empty. */
  private readonly hessian: readonly LandscapeExpr[]
  /** JᵀJ (xx, xy, yy) and Jᵀr (x, y) when the rule reads Gauss–Newton's terms; else empty. */
  private readonly gaussNewton: readonly LandscapeExpr[]
  private readonly gradient: readonly LandscapeExpr[]
  private readonly program: readonly StepPiece[]
  private readonly hp: Map<string, number>
  private readonly precond: readonly [Expr, Expr] | null
  private readonly precondHasLr: boolean
  private readonly momentSlot: string | null
  private readonly gradNorm: boolean
  private readonly buf = new Float64Array(5)
  private readonly estimator: GradientSpec
  private readonly draws: ReplayDraws
  private readonly noiseSeed: number
  /** L alone at a point (the zeroth-order estimator's evaluations). */
  private readonly value: (x: number, y: number) => number
  private readonly est = [0, 0]
  private readonly start: RunState
  private state: RunState
  /** The run's learning-rate schedule, or null without one. */
  readonly schedule: RunSchedule | null

  constructor(
    landscapeSpec: LandscapeSpec,
    optimizer: { readonly name: string } & Readonly<Record<string, unknown>>,
    init: readonly [number, number],
    draws: ReplayDraws = NO_DRAWS,
  ) {
    const def = findOptimizer(optimizer.name)
    if (!def) throw new ReplayError(`unknown optimizer '${optimizer.name}'`)
    this.def = def
    const missing = unsupportedNames(def)
    if (missing.length > 0) throw new ReplayError(`${def.title}'s rule reads ${missing.join(', ')}, which this view does not replay yet`)
    this.landscape = landscapeFromSpec(landscapeSpec)
    const d = this.landscape.derivatives
    this.lossGrad = [d.value, d.gradient[0], d.gradient[1]]
    this.gradient = [d.gradient[0], d.gradient[1]]
    const needs = ruleNeeds(def)
    this.hessian = needs.hessian ? d.hessian : []
    const residuals = this.landscape.residuals
    if (needs.residuals && !residuals)
      throw new ReplayError(`${def.title} needs the landscape's residuals (Gauss–Newton), which this landscape does not declare`)
    this.gaussNewton = needs.residuals && residuals ? [...residuals.terms.jtj, ...residuals.terms.jtr] : []
    this.program = stepProgram(def, COORDS)
    const { name: _n, gradient, schedule, ...given } = optimizer
    // The run reports its estimator beside the hyperparameters (src-main/engine/started.ts).
    this.estimator = parseGradientSpec(gradient, 'gradient')
    this.draws = draws
    this.noiseSeed = reduceSeed(draws.noise.seed)
    const valueOnly = [d.value]
    const one = new Float64Array(1)
    this.value = (x, y) => {
      evaluateAll(valueOnly, x, y, one)
      return one[0]
    }
    const resolved = resolveHparams(def, given)
    const values = hparamCodeValues(def, resolved)
    try {
      this.schedule = schedule === undefined ? null : new RunSchedule(schedule, def, resolved)
    } catch (err) {
      if (!(err instanceof ScheduleError)) throw err
      throw new ReplayError(`the run's schedule${err.field ? '.' + err.field : ''} ${err.message}`)
    }
    this.hp = new Map(hparamCodeNames(def).map((n, i) => [n, values[i]]))
    const booleans = booleanHparams(def)
    const site = (part: string) => ({ optimizer: def.name, part })
    const rule = loweredRule(def)
    const px = preconditionerTreeForCoordinate(def, 'x')
    const py = preconditionerTreeForCoordinate(def, 'y')
    this.precond = px && py ? [px, py] : null
    this.precondHasLr = rule.preconditioner ? namesRead(rule.preconditioner).includes('lr') : false
    this.gradNorm = usesGradNorm(def)
    this.momentSlot =
      MOMENT_SLOTS.find((s) => s in def.state && (def.slotUsedIf?.[s] === undefined || (this.hp.get(def.slotUsedIf[s]) ?? 0) !== 0)) ?? null
    // As the engine, the state starts from the group as the first step sees it (its scheduled values).
    const hpScope = this.hparamScope(this.schedule?.at(1) ?? null)
    const init0 = (text: string, part: string) => evalExpr(lowerBooleansInExpr(parseRuleExpression(text, site(part)), booleans), hpScope)
    const slots = new Map<string, [number, number]>()
    for (const [name, text] of Object.entries(def.state)) {
      const v = init0(text, `state.${name}`)
      slots.set(name, [v, v])
    }
    const particle = new Map<string, number>()
    for (const [name, text] of Object.entries(def.particleState ?? {})) particle.set(name, init0(text, `particleState.${name}`))
    const s: RunState = { x: init[0], y: init[1], loss: 0, gx: 0, gy: 0, slots, particle, t: 0, diverged: false }
    this.evalAt(s)
    s.diverged = !(Number.isFinite(s.x) && Number.isFinite(s.y) && Number.isFinite(s.loss))
    this.start = s
    this.state = cloneState(s)
  }

  /** Steps replayed so far (the current head). */
  get step(): number {
    return this.state.t
  }

  /** The hyperparameters, with a step's scheduled values in place of the base ones. */
  private hparamScope(step: ScheduledStep | null): Scope {
    const s = new Scope()
    for (const [k, v] of this.hp) s.define(k, v)
    if (step) {
      if (this.hp.has('lr')) s.define('lr', step.lr)
      if (step.momentum) s.define(step.momentum.name, step.momentum.value)
    }
    return s
  }

  /** The values update t uses under the schedule (null without one); throws past the schedule's end. */
  private scheduledAt(t: number): ScheduledStep | null {
    if (!this.schedule) return null
    const step = this.schedule.at(t)
    if (!step) throw new ReplayError(`the run's ${this.schedule.spec.name} cannot be stepped to step ${t}`)
    return step
  }

  private evalAt(s: RunState): void {
    evaluateAll(this.lossGrad, s.x, s.y, this.buf)
    s.loss = this.buf[0]
    s.gx = this.buf[1]
    s.gy = this.buf[2]
  }

  /** Defines `names` in `scope` as the values of `exprs` at (x, y). */
  private defineAt(scope: Scope, names: readonly string[], exprs: readonly LandscapeExpr[], x: number, y: number): void {
    if (exprs.length === 0) return
    evaluateAll(exprs, x, y, this.buf)
    names.forEach((n, k) => scope.define(n, this.buf[k]))
  }

  /** What the optimizer receives for the exact gradient (gx, gy) at (x, y) at step t: the estimate (draws from `counter`), then the noise. */
  private received(x: number, y: number, gx: number, gy: number, t: number, counter: number): [number, number] {
    const { stream, noise } = this.draws
    estimateFrom(plainNormal, this.estimator, this.value, x, y, gx, gy, stream, t, this.est, counter)
    let rx = this.est[0]
    let ry = this.est[1]
    if (noise.std > 0) {
      rx = rx + noise.std * plainNormal(this.noiseSeed, stream, t, 0)
      ry = ry + noise.std * plainNormal(this.noiseSeed, stream, t, 1)
    }
    return [rx, ry]
  }

  /** What `grad` of a view is. */
  get gradSource(): GradSource {
    const noisy = this.draws.noise.std > 0
    if (this.estimator.estimator === 'true') return noisy ? 'noisy' : 'exact'
    return noisy ? 'noisy estimate' : 'estimate'
  }

  /**
   * One update in place, as the engine's step code runs it: every name the program reads lives in
   * one scope (the per-coordinate ones already suffixed `_x`, `_y`); returns that scope, where the
   * preconditioner is read, and the gradient the update received at the head.
   */
  private update(s: RunState): { scope: Scope; grad: [number, number] } {
    const t = s.t + 1
    const grad = this.received(s.x, s.y, s.gx, s.gy, t, DIRECTION_COUNTER)
    const global = this.hparamScope(this.scheduledAt(t))
    global.define('t', t)
    for (const [k, v] of s.particle) global.define(k, v)
    const sc = new Scope(global)
    sc.define('p_x', s.x)
    sc.define('p_y', s.y)
    sc.define('g_x', grad[0])
    sc.define('g_y', grad[1])
    sc.define('loss', s.loss)
    for (const [k, v] of s.slots) COORDS.forEach((c, i) => sc.define(coordName(k, c), v[i]))
    this.defineAt(sc, ['h_xx', 'h_xy', 'h_yy'], this.hessian, s.x, s.y)
    if (this.hessian.length) {
      sc.define('h_diag_x', sc.get('h_xx'))
      sc.define('h_diag_y', sc.get('h_yy'))
    }
    this.defineAt(sc, ['jtj_xx', 'jtj_xy', 'jtj_yy', 'jtr_x', 'jtr_y'], this.gaussNewton, s.x, s.y)
    if (this.gradNorm) sc.define('g_norm2', grad[0] * grad[0] + grad[1] * grad[1])
    let extra = 0
    for (const piece of this.program) {
      if (piece.kind === 'code') runBlock(piece.block, sc)
      else {
        // ∇L at another point: the point first (rule code), then the landscape's gradient there,
        // then (as step-code.ts) the estimate there with draws of its own, then the noise.
        const at = piece.points.map((e) => evalExpr(e, sc))
        this.defineAt(sc, piece.names, this.gradient, at[0], at[1])
        const g = this.received(at[0], at[1], sc.get(piece.names[0]), sc.get(piece.names[1]), t, extraGradientCounter(extra++))
        piece.names.forEach((n, j) => sc.set(n, g[j]))
      }
    }
    s.x = sc.get('p_x')
    s.y = sc.get('p_y')
    for (const [k, v] of s.slots) COORDS.forEach((c, i) => (v[i] = sc.get(coordName(k, c))))
    for (const k of s.particle.keys()) s.particle.set(k, global.get(k))
    s.t = t
    this.evalAt(s)
    if (!(Number.isFinite(s.x) && Number.isFinite(s.y) && Number.isFinite(s.loss))) s.diverged = true
    return { scope: sc, grad }
  }

  /** Move the head to step k (replaying from the start when k is behind it); stops at a divergence. */
  seek(k: number): void {
    if (k < this.state.t) this.state = cloneState(this.start)
    while (this.state.t < k && !this.state.diverged) this.update(this.state)
  }

  /** The update from the current head (without moving it). */
  view(): StepView {
    const s = this.state
    const next = cloneState(s)
    const scheduled = this.schedule?.at(s.t + 1) ?? null
    const scheduleEnded = this.schedule !== null && scheduled === null
    const done = s.diverged || scheduleEnded ? null : this.update(next)
    const scope = done?.scope ?? null
    const lr = this.hp.has('lr') ? (scheduled?.lr ?? this.hp.get('lr')!) : null
    let effectiveLr: [number, number] | null = null
    if (scope && this.precond) {
      const P = this.precond.map((e) => evalExpr(e, scope))
      effectiveLr = this.precondHasLr ? [1 / P[0], 1 / P[1]] : lr !== null ? [lr / P[0], lr / P[1]] : null
    }
    const slots: SlotValue[] = [
      ...[...next.slots].map(([name, v]) => ({ name, value: [v[0], v[1]] as const, shared: false })),
      ...[...next.particle].map(([name, v]) => ({ name, value: [v, v] as const, shared: true })),
    ]
    const m = this.momentSlot ? next.slots.get(this.momentSlot)! : null
    return {
      step: s.t,
      head: [s.x, s.y],
      loss: s.loss,
      grad: done?.grad ?? [s.gx, s.gy],
      trueGrad: [s.gx, s.gy],
      gradSource: this.gradSource,
      delta: scope ? [next.x - s.x, next.y - s.y] : [NaN, NaN],
      moment: m && this.momentSlot ? { slot: this.momentSlot, value: [m[0], m[1]] } : null,
      effectiveLr,
      effectiveLrForm: effectiveLr ? (this.precondHasLr ? '1 / P' : 'lr / P') : null,
      lr,
      scheduled,
      scheduleEnded,
      slots,
      divergesNext: s.diverged || next.diverged,
    }
  }
}

function cloneState(s: RunState): RunState {
  return {
    ...s,
    slots: new Map([...s.slots].map(([k, v]) => [k, [v[0], v[1]]])),
    particle: new Map(s.particle),
  }
}
