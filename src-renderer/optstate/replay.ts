/**
 * The optimizer's state at the playhead, recomputed in the renderer: the engine streams only
 * positions and losses, so the selected run is replayed in float64 from its start with the same
 * rule tree the engines expand (the lowered rule of src-shared/optim, interpreted by rule-eval.ts)
 * and the landscape's exact gradient (landscape-eval.ts). The step order is the float64 engine's
 * (src-main/engine/float64.ts): gradient at θ, g_norm2, prelude, each coordinate's update, the
 * new gradient, the divergence test.
 *
 * What the view shows at step k is the update made FROM the head θ_k: the gradient there, the
 * first moment and state after the update k + 1, and the step Δθ = θ_{k+1} − θ_k actually taken.
 * Gradient noise is not replayed (its hash is engine code); a noisy run says so instead.
 */
import { type Expr as LandscapeExpr, type Landscape, landscapeFromSpec } from '../../src-shared/landscape'
import { findOptimizer, hparamCodeNames, hparamCodeValues, type OptimizerDef, resolveHparams, usesGradNorm } from '../../src-shared/optim'
import { booleanHparams, type Expr, loweredRule, lowerBooleansInExpr, namesRead, parseRuleExpression } from '../../src-shared/optim/rule'
import { evaluateAll } from './landscape-eval'
import { evalExpr, runBlock, Scope } from './rule-eval'

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
  /** ∇L at the head (what update k + 1 uses). */
  readonly grad: readonly [number, number]
  /** θ_{k+1} − θ_k. */
  readonly delta: readonly [number, number]
  /** The first moment after update k + 1, when the optimizer keeps one (and uses it). */
  readonly moment: { readonly slot: string; readonly value: readonly [number, number] } | null
  /** Per-coordinate effective learning rate after update k + 1 (from the preconditioner), or null. */
  readonly effectiveLr: readonly [number, number] | null
  /** How effectiveLr was formed: `lr / P` or `1 / P` (a P that already holds 1/lr). */
  readonly effectiveLrForm: string | null
  readonly lr: number | null
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

export class ReplayError extends Error {}

export class Replay {
  readonly def: OptimizerDef
  private readonly landscape: Landscape
  private readonly lossGrad: readonly LandscapeExpr[]
  private readonly hp: Map<string, number>
  private readonly precond: Expr | null
  private readonly precondHasLr: boolean
  private readonly momentSlot: string | null
  private readonly gradNorm: boolean
  private readonly buf = new Float64Array(3)
  private readonly start: RunState
  private state: RunState

  constructor(
    landscapeSpec: { readonly expr?: string; readonly preset?: string },
    optimizer: { readonly name: string } & Readonly<Record<string, unknown>>,
    init: readonly [number, number],
  ) {
    const def = findOptimizer(optimizer.name)
    if (!def) throw new ReplayError(`unknown optimizer '${optimizer.name}'`)
    this.def = def
    this.landscape = landscapeFromSpec(landscapeSpec)
    const d = this.landscape.derivatives
    this.lossGrad = [d.value, d.gradient[0], d.gradient[1]]
    const { name: _n, ...given } = optimizer
    const values = hparamCodeValues(def, resolveHparams(def, given))
    this.hp = new Map(hparamCodeNames(def).map((n, i) => [n, values[i]]))
    const booleans = booleanHparams(def)
    const site = (part: string) => ({ optimizer: def.name, part })
    const rule = loweredRule(def)
    this.precond = rule.preconditioner
    this.precondHasLr = rule.preconditioner ? namesRead(rule.preconditioner).includes('lr') : false
    this.gradNorm = usesGradNorm(def)
    this.momentSlot =
      MOMENT_SLOTS.find((s) => s in def.state && (def.slotUsedIf?.[s] === undefined || (this.hp.get(def.slotUsedIf[s]) ?? 0) !== 0)) ?? null
    const hpScope = this.hparamScope()
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

  private hparamScope(): Scope {
    const s = new Scope()
    for (const [k, v] of this.hp) s.define(k, v)
    return s
  }

  private evalAt(s: RunState): void {
    evaluateAll(this.lossGrad, s.x, s.y, this.buf)
    s.loss = this.buf[0]
    s.gx = this.buf[1]
    s.gy = this.buf[2]
  }

  /** One update in place; returns the scopes the preconditioner is read in (per coordinate). */
  private update(s: RunState): Scope[] {
    const t = s.t + 1
    const global = this.hparamScope()
    global.define('t', t)
    for (const [k, v] of s.particle) global.define(k, v)
    if (this.gradNorm) global.define('g_norm2', s.gx * s.gx + s.gy * s.gy)
    const prelude = new Scope(global)
    const rule = loweredRule(this.def)
    runBlock(rule.prelude, prelude)
    const scopes = COORDS.map((c, i) => {
      const sc = new Scope(prelude)
      sc.define('p', i === 0 ? s.x : s.y)
      sc.define('g', i === 0 ? s.gx : s.gy)
      for (const [k, v] of s.slots) sc.define(k, v[i])
      runBlock(rule.update, sc)
      return sc
    })
    // Write back only after both coordinates ran: each reads its own names, as in the engine.
    s.x = scopes[0].get('p')
    s.y = scopes[1].get('p')
    for (const [k, v] of s.slots) {
      v[0] = scopes[0].get(k)
      v[1] = scopes[1].get(k)
    }
    for (const k of s.particle.keys()) s.particle.set(k, global.get(k))
    s.t = t
    this.evalAt(s)
    if (!(Number.isFinite(s.x) && Number.isFinite(s.y) && Number.isFinite(s.loss))) s.diverged = true
    return scopes
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
    const scopes = s.diverged ? null : this.update(next)
    const lr = this.hp.get('lr') ?? null
    let effectiveLr: [number, number] | null = null
    if (scopes && this.precond) {
      const P = scopes.map((sc) => evalExpr(this.precond!, sc))
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
      grad: [s.gx, s.gy],
      delta: scopes ? [next.x - s.x, next.y - s.y] : [NaN, NaN],
      moment: m && this.momentSlot ? { slot: this.momentSlot, value: [m[0], m[1]] } : null,
      effectiveLr,
      effectiveLrForm: effectiveLr ? (this.precondHasLr ? '1 / P' : 'lr / P') : null,
      lr,
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
