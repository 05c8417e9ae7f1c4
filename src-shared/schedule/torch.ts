/**
 * torch.optim.lr_scheduler (1.13), ported class by class: the schedulers keep torch's state
 * (`last_epoch`, `_step_count`, `base_lrs`, T_cur/T_i …) and mutate a stand-in for the
 * optimizer's param group exactly as torch's do, with torch's chainable (recursive) formulas in
 * `get_lr`, its closed forms where `step(epoch)` uses them (SequentialLR at a milestone), and its
 * side effects (OneCycleLR overwriting `initial_lr` and the momentum at construction,
 * SequentialLR resetting the rate and undoing its schedulers' first step). Floating-point
 * operations are written in torch's order, so the rates agree with torch's to the last bit or
 * two.
 *
 * The values are generic (`Algebra<V>`): plain numbers for a given base rate and momentum, or
 * affine forms a·base + b (sequence.ts), since every rate torch computes is affine in the
 * optimizer's base rate (factors multiply it; eta_min, max_lr and the momenta are absolute).
 */
import { oneCycleTotal, type OneCycleSpec, ScheduleError, type ScheduleSpec } from './spec'

/** Arithmetic on rates: `mul`/`div` by plain factors, `add`/`sub` of two rates. */
export interface Algebra<V> {
  readonly constant: (x: number) => V
  readonly add: (a: V, b: V) => V
  readonly sub: (a: V, b: V) => V
  readonly mul: (a: V, s: number) => V
  readonly div: (a: V, s: number) => V
}

/** The param group the schedulers read and write (one group, as a scenario optimizer has). */
export interface Group<V> {
  lr: V
  initial_lr?: V
  /** SGD's `momentum` or Adam's `betas[0]`, whichever the optimizer has (OneCycleLR's use_beta1 is the same slot). */
  momentum: V
  max_lr?: V
  min_lr?: V
  max_momentum?: V
  base_momentum?: V
}

abstract class LRScheduler<V> {
  last_epoch = -1
  _step_count = 0
  base_lr!: V
  constructor(
    readonly A: Algebra<V>,
    readonly group: Group<V>,
  ) {}

  /** torch's LRScheduler.__init__ with last_epoch = -1, after the subclass has set its fields. */
  protected start(): void {
    this.group.initial_lr ??= this.group.lr
    this.base_lr = this.group.initial_lr
    this.last_epoch = -1
    this._initial_step()
  }

  _initial_step(): void {
    this._step_count = 0
    this.step()
  }

  abstract get_lr(): V
  closed_form(): V | null {
    return null
  }

  step(epoch?: number): void {
    this._step_count += 1
    let value: V
    if (epoch === undefined) {
      this.last_epoch += 1
      value = this.get_lr()
    } else {
      this.last_epoch = epoch
      value = this.closed_form() ?? this.get_lr()
    }
    this.group.lr = value
  }
}

class StepLR<V> extends LRScheduler<V> {
  constructor(
    A: Algebra<V>,
    g: Group<V>,
    readonly step_size: number,
    readonly gamma: number,
  ) {
    super(A, g)
    this.start()
  }
  get_lr(): V {
    if (this.last_epoch === 0 || this.last_epoch % this.step_size !== 0) return this.group.lr
    return this.A.mul(this.group.lr, this.gamma)
  }
  override closed_form(): V {
    return this.A.mul(this.base_lr, this.gamma ** Math.floor(this.last_epoch / this.step_size))
  }
}

class MultiStepLR<V> extends LRScheduler<V> {
  /** Counter(milestones): a repeated milestone decays by gamma^count. */
  readonly counts = new Map<number, number>()
  readonly sorted: number[]
  constructor(
    A: Algebra<V>,
    g: Group<V>,
    milestones: readonly number[],
    readonly gamma: number,
  ) {
    super(A, g)
    for (const m of milestones) this.counts.set(m, (this.counts.get(m) ?? 0) + 1)
    this.sorted = [...milestones].sort((a, b) => a - b)
    this.start()
  }
  get_lr(): V {
    const c = this.counts.get(this.last_epoch)
    if (c === undefined) return this.group.lr
    return this.A.mul(this.group.lr, this.gamma ** c)
  }
  override closed_form(): V {
    return this.A.mul(this.base_lr, this.gamma ** bisectRight(this.sorted, this.last_epoch))
  }
}

class ConstantLR<V> extends LRScheduler<V> {
  constructor(
    A: Algebra<V>,
    g: Group<V>,
    readonly factor: number,
    readonly total_iters: number,
  ) {
    super(A, g)
    this.start()
  }
  get_lr(): V {
    if (this.last_epoch === 0) return this.A.mul(this.group.lr, this.factor)
    if (this.last_epoch !== this.total_iters) return this.group.lr
    return this.A.mul(this.group.lr, 1.0 / this.factor)
  }
  override closed_form(): V {
    // factor + (last_epoch >= total_iters) * (1 - factor): the bool multiplies as 0 or 1.
    return this.A.mul(this.base_lr, this.factor + (this.last_epoch >= this.total_iters ? 1 : 0) * (1 - this.factor))
  }
}

class LinearLR<V> extends LRScheduler<V> {
  constructor(
    A: Algebra<V>,
    g: Group<V>,
    readonly start_factor: number,
    readonly end_factor: number,
    readonly total_iters: number,
  ) {
    super(A, g)
    this.start()
  }
  get_lr(): V {
    if (this.last_epoch === 0) return this.A.mul(this.group.lr, this.start_factor)
    if (this.last_epoch > this.total_iters) return this.group.lr
    const d = this.end_factor - this.start_factor
    return this.A.mul(this.group.lr, 1 + d / (this.total_iters * this.start_factor + (this.last_epoch - 1) * d))
  }
  override closed_form(): V {
    const d = this.end_factor - this.start_factor
    return this.A.mul(this.base_lr, this.start_factor + (d * Math.min(this.total_iters, this.last_epoch)) / this.total_iters)
  }
}

class ExponentialLR<V> extends LRScheduler<V> {
  constructor(
    A: Algebra<V>,
    g: Group<V>,
    readonly gamma: number,
  ) {
    super(A, g)
    this.start()
  }
  get_lr(): V {
    if (this.last_epoch === 0) return this.group.lr
    return this.A.mul(this.group.lr, this.gamma)
  }
  override closed_form(): V {
    return this.A.mul(this.base_lr, this.gamma ** this.last_epoch)
  }
}

class PolynomialLR<V> extends LRScheduler<V> {
  constructor(
    A: Algebra<V>,
    g: Group<V>,
    readonly total_iters: number,
    readonly power: number,
  ) {
    super(A, g)
    this.start()
  }
  get_lr(): V {
    if (this.last_epoch === 0 || this.last_epoch > this.total_iters) return this.group.lr
    const decay = ((1.0 - this.last_epoch / this.total_iters) / (1.0 - (this.last_epoch - 1) / this.total_iters)) ** this.power
    return this.A.mul(this.group.lr, decay)
  }
  override closed_form(): V {
    return this.A.mul(this.base_lr, (1.0 - Math.min(this.total_iters, this.last_epoch) / this.total_iters) ** this.power)
  }
}

class CosineAnnealingLR<V> extends LRScheduler<V> {
  constructor(
    A: Algebra<V>,
    g: Group<V>,
    readonly T_max: number,
    readonly eta_min: number,
  ) {
    super(A, g)
    this.start()
  }
  get_lr(): V {
    const { A, T_max, last_epoch: e } = this
    const eta = A.constant(this.eta_min)
    if (e === 0) return this.group.lr
    if (this._step_count === 1 && e > 0) {
      return A.add(eta, A.div(A.mul(A.sub(this.base_lr, eta), 1 + Math.cos((e * Math.PI) / T_max)), 2))
    }
    if ((e - 1 - T_max) % (2 * T_max) === 0) {
      return A.add(this.group.lr, A.div(A.mul(A.sub(this.base_lr, eta), 1 - Math.cos(Math.PI / T_max)), 2))
    }
    const ratio = (1 + Math.cos((Math.PI * e) / T_max)) / (1 + Math.cos((Math.PI * (e - 1)) / T_max))
    return A.add(A.mul(A.sub(this.group.lr, eta), ratio), eta)
  }
  override closed_form(): V {
    const eta = this.A.constant(this.eta_min)
    return this.A.add(eta, this.A.div(this.A.mul(this.A.sub(this.base_lr, eta), 1 + Math.cos((Math.PI * this.last_epoch) / this.T_max)), 2))
  }
}

class CosineAnnealingWarmRestarts<V> extends LRScheduler<V> {
  T_i: number
  T_cur = -1
  constructor(
    A: Algebra<V>,
    g: Group<V>,
    readonly T_0: number,
    readonly T_mult: number,
    readonly eta_min: number,
  ) {
    super(A, g)
    this.T_i = T_0
    this.start()
  }
  get_lr(): V {
    const eta = this.A.constant(this.eta_min)
    return this.A.add(eta, this.A.div(this.A.mul(this.A.sub(this.base_lr, eta), 1 + Math.cos((Math.PI * this.T_cur) / this.T_i)), 2))
  }
  /** torch's own step: T_cur and T_i advance here (and restart), get_lr only reads them. */
  override step(epoch?: number): void {
    this._step_count += 1
    if (epoch === undefined && this.last_epoch < 0) epoch = 0
    if (epoch === undefined) {
      epoch = this.last_epoch + 1
      this.T_cur = this.T_cur + 1
      if (this.T_cur >= this.T_i) {
        this.T_cur = this.T_cur - this.T_i
        this.T_i = this.T_i * this.T_mult
      }
    } else if (epoch >= this.T_0) {
      if (this.T_mult === 1) this.T_cur = epoch % this.T_0
      else {
        const n = Math.trunc(Math.log((epoch / this.T_0) * (this.T_mult - 1) + 1) / Math.log(this.T_mult))
        this.T_cur = epoch - (this.T_0 * (this.T_mult ** n - 1)) / (this.T_mult - 1)
        this.T_i = this.T_0 * this.T_mult ** n
      }
    } else {
      this.T_i = this.T_0
      this.T_cur = epoch
    }
    this.last_epoch = Math.floor(epoch)
    this.group.lr = this.get_lr()
  }
}

interface Phase {
  end_step: number
  start_lr: 'initial_lr' | 'max_lr' | 'min_lr'
  end_lr: 'initial_lr' | 'max_lr' | 'min_lr'
  start_momentum: 'max_momentum' | 'base_momentum'
  end_momentum: 'max_momentum' | 'base_momentum'
}

class OneCycleLR<V> extends LRScheduler<V> {
  readonly total_steps: number
  readonly phases: Phase[]
  constructor(
    A: Algebra<V>,
    g: Group<V>,
    readonly s: OneCycleSpec,
  ) {
    super(A, g)
    const total = (this.total_steps = oneCycleTotal(s))
    const p = s.pct_start
    this.phases = s.three_phase
      ? [
          {
            end_step: p * total - 1,
            start_lr: 'initial_lr',
            end_lr: 'max_lr',
            start_momentum: 'max_momentum',
            end_momentum: 'base_momentum',
          },
          {
            end_step: 2 * p * total - 2,
            start_lr: 'max_lr',
            end_lr: 'initial_lr',
            start_momentum: 'base_momentum',
            end_momentum: 'max_momentum',
          },
          { end_step: total - 1, start_lr: 'initial_lr', end_lr: 'min_lr', start_momentum: 'max_momentum', end_momentum: 'max_momentum' },
        ]
      : [
          {
            end_step: p * total - 1,
            start_lr: 'initial_lr',
            end_lr: 'max_lr',
            start_momentum: 'max_momentum',
            end_momentum: 'base_momentum',
          },
          { end_step: total - 1, start_lr: 'max_lr', end_lr: 'min_lr', start_momentum: 'base_momentum', end_momentum: 'max_momentum' },
        ]
    // The optimizer's own rate does not matter: initial_lr is overwritten (and the momentum, below).
    g.initial_lr = A.constant(s.max_lr / s.div_factor)
    g.max_lr = A.constant(s.max_lr)
    g.min_lr = A.div(g.initial_lr, s.final_div_factor)
    if (s.cycle_momentum) {
      g.momentum = A.constant(s.max_momentum)
      g.max_momentum = A.constant(s.max_momentum)
      g.base_momentum = A.constant(s.base_momentum)
    }
    this.start()
  }
  private anneal(start: V, end: V, pct: number): V {
    const { A } = this
    if (this.s.anneal_strategy === 'cos') return A.add(end, A.mul(A.div(A.sub(start, end), 2.0), Math.cos(Math.PI * pct) + 1))
    return A.add(A.mul(A.sub(end, start), pct), start)
  }
  get_lr(): V {
    const step_num = this.last_epoch
    if (step_num > this.total_steps) {
      throw new ScheduleError(
        'total_steps',
        `OneCycleLR was stepped ${step_num} times, more than its total_steps ${this.total_steps}: the run is longer than the cycle`,
      )
    }
    const g = this.group
    let start_step = 0
    for (let i = 0; i < this.phases.length; i++) {
      const phase = this.phases[i]
      const end_step = phase.end_step
      if (step_num <= end_step || i === this.phases.length - 1) {
        if (end_step - start_step === 0)
          throw new ScheduleError('pct_start', 'makes a phase of OneCycleLR zero steps long (torch divides by zero)')
        const pct = (step_num - start_step) / (end_step - start_step)
        const lr = this.anneal(g[phase.start_lr]!, g[phase.end_lr]!, pct)
        if (this.s.cycle_momentum) g.momentum = this.anneal(g[phase.start_momentum]!, g[phase.end_momentum]!, pct)
        return lr
      }
      start_step = end_step
    }
    throw new Error('unreachable: the last phase always matches')
  }
}

class SequentialLR<V> {
  last_epoch = 0
  constructor(
    readonly group: Group<V>,
    readonly schedulers: ReadonlyArray<LRScheduler<V>>,
    readonly milestones: readonly number[],
  ) {
    // Reset the rate, undo the step each scheduler made when it was built, redo the first one's.
    group.lr = group.initial_lr!
    for (const s of schedulers) s.last_epoch -= 1
    schedulers[0]._initial_step()
  }
  step(): void {
    this.last_epoch += 1
    const idx = bisectRight(this.milestones, this.last_epoch)
    const scheduler = this.schedulers[idx]
    if (idx > 0 && this.milestones[idx - 1] === this.last_epoch) scheduler.step(0)
    else scheduler.step()
  }
}

/** Python's bisect.bisect_right on a sorted list. */
function bisectRight(a: readonly number[], x: number): number {
  let lo = 0
  let hi = a.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (x < a[mid]) hi = mid
    else lo = mid + 1
  }
  return lo
}

/** Build the scheduler for `s` on `group`, as `torch.optim.lr_scheduler.<name>(optimizer, ...)` would. */
function build<V>(A: Algebra<V>, group: Group<V>, s: ScheduleSpec): { step(): void } {
  switch (s.name) {
    case 'StepLR':
      return new StepLR(A, group, s.step_size, s.gamma)
    case 'MultiStepLR':
      return new MultiStepLR(A, group, s.milestones, s.gamma)
    case 'ExponentialLR':
      return new ExponentialLR(A, group, s.gamma)
    case 'CosineAnnealingLR':
      return new CosineAnnealingLR(A, group, s.T_max, s.eta_min)
    case 'CosineAnnealingWarmRestarts':
      return new CosineAnnealingWarmRestarts(A, group, s.T_0, s.T_mult, s.eta_min)
    case 'LinearLR':
      return new LinearLR(A, group, s.start_factor, s.end_factor, s.total_iters)
    case 'ConstantLR':
      return new ConstantLR(A, group, s.factor, s.total_iters)
    case 'PolynomialLR':
      return new PolynomialLR(A, group, s.total_iters, s.power)
    case 'OneCycleLR':
      return new OneCycleLR(A, group, s)
    case 'SequentialLR': {
      // torch builds the inner schedulers first (each steps once on construction), then the SequentialLR.
      const inner = s.schedulers.map((c, i) => {
        try {
          return build(A, group, c) as LRScheduler<V>
        } catch (e) {
          throw e instanceof ScheduleError ? new ScheduleError(`schedulers[${i}].${e.field}`, e.message) : e
        }
      })
      const seq = new SequentialLR(group, inner, s.milestones)
      return {
        step: () => {
          const idx = bisectRight(s.milestones, seq.last_epoch + 1)
          try {
            seq.step()
          } catch (e) {
            throw e instanceof ScheduleError ? new ScheduleError(`schedulers[${idx}].${e.field}`, e.message) : e
          }
        },
      }
    }
  }
}

/**
 * The rate and momentum each of `steps` optimizer steps uses: the optimizer's group starts at
 * `lr` and `momentum`, the scheduler is built, then stepped after every optimizer step (the
 * usual loop; the step after the last one is taken too, as torch would, so a OneCycleLR shorter
 * than the run fails here). `emit(k, lr, momentum)` receives step k + 1's values.
 */
export function simulate<V>(
  A: Algebra<V>,
  s: ScheduleSpec,
  lr: V,
  momentum: V,
  steps: number,
  emit: (k: number, lr: V, momentum: V) => void,
): void {
  const group: Group<V> = { lr, momentum }
  const scheduler = build(A, group, s)
  for (let k = 0; k < steps; k++) {
    emit(k, group.lr, group.momentum)
    scheduler.step()
  }
}
