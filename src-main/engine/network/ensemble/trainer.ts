/**
 * Trains one optimizer entry's networks (an EnsembleGroup) on the float32 kernel in lockstep,
 * one full-batch step per launch over every lane group. The host's share per step is the
 * step-dependent coefficients, computed in float64 as the float64 engine's prelude does (Adam's
 * bias corrections, lr / (1 − β₁ᵗ) and √(1 − β₂ᵗ), for step t + 1 before the launch that takes
 * it) and rounded to float32, and reading the losses of kept steps.
 *
 * Step t's loss is taken at w_t, before update t + 1 (as the float64 trainer and the reference
 * runs do). A network whose loss turns non-finite is marked diverged at that step and its later
 * losses are NaN (reported null), as the float64 trainer stops there; it keeps running in its
 * lane (a lane cannot leave its vector), so its final parameters are whatever the arithmetic
 * left, usually non-finite.
 */
import type { Hparams } from '../../../../src-shared/optim'
import type { EnsembleGroup, EnsembleOptimizer } from '../../../../src-shared/network/ensemble'
import type { NetworkSpec } from '../../../../src-shared/network/spec'
import { type Coefficient, coefOffset, ensembleLayout, type EnsembleLayout, gather, scatter } from './layout'
import { type EnsembleStep, ensembleModule } from './kernel'

/** Compiled modules by shape, activation, optimizer, examples and ensemble size (a sweep of scenarios reuses them). */
const modules = new Map<string, WebAssembly.Module>()

function moduleFor(layout: EnsembleLayout, net: NetworkSpec, optimizer: EnsembleOptimizer): WebAssembly.Module {
  const key = `${layout.layers.join(',')}|${net.activation}|${optimizer}|${layout.n}|${layout.G}`
  let m = modules.get(key)
  if (!m) {
    m = new WebAssembly.Module(ensembleModule({ layout, activation: net.activation, optimizer }))
    if (modules.size > 32) modules.clear()
    modules.set(key, m)
  }
  return m
}

const num = (h: Hparams, key: string, dflt = 0): number => (typeof h[key] === 'number' ? (h[key] as number) : dflt)
const flag = (h: Hparams, key: string): boolean => h[key] === true

/** A lane mask as the float whose bits are all ones (a NaN: written through an Int32Array view). */
const MASK = -1

export class EnsembleTrainer {
  readonly layout: EnsembleLayout
  readonly kept: number
  /** kept × E, step-major: loss[k·E + e]. */
  readonly loss: Float64Array
  /** First step with a non-finite loss per network, or −1. */
  readonly divergedAt: Int32Array
  /** The next step to evaluate. */
  t = 0
  private readonly f32: Float32Array
  private readonly i32: Int32Array
  private readonly step: EnsembleStep
  private readonly betas: Array<readonly [number, number]>

  constructor(
    net: NetworkSpec,
    private readonly group: EnsembleGroup,
    readonly steps: number,
    readonly every: number,
  ) {
    const E = group.members.length
    const L = (this.layout = ensembleLayout(net.layers, net.data.n, E))
    const memory = new WebAssembly.Memory({ initial: L.pages, maximum: L.pages, shared: true })
    const instance = new WebAssembly.Instance(moduleFor(L, net, group.def.name), { env: { memory } })
    this.step = instance.exports.step as EnsembleStep
    this.f32 = new Float32Array(memory.buffer)
    this.i32 = new Int32Array(memory.buffer)
    this.f32.set(net.data.x, L.x / 4)
    this.f32.set(net.data.y, L.y / 4)
    group.members.forEach((m, e) => scatter(L, this.f32, L.w, e, m.params))
    this.kept = Math.floor(steps / every) + 1
    this.loss = new Float64Array(this.kept * E).fill(NaN)
    this.divergedAt = new Int32Array(E).fill(-1)
    this.betas = group.members.map((m) => (Array.isArray(m.hparams.betas) ? (m.hparams.betas as [number, number]) : [0.9, 0.999]))
    this.writeCoefficients()
  }

  private setCoef(c: Coefficient, e: number, v: number): void {
    this.f32[coefOffset(this.layout, c, e >> 2) / 4 + (e & 3)] = v
  }

  private setMask(c: Coefficient, e: number, on: boolean): void {
    this.i32[coefOffset(this.layout, c, e >> 2) / 4 + (e & 3)] = on ? MASK : 0
  }

  /** The constant coefficients; padding lanes get harmless ones (ε = 1, √bc₂ = 1, lr = 0). */
  private writeCoefficients(): void {
    const { E, G } = this.layout
    const sgd = this.group.def.name === 'sgd'
    for (let e = E; e < 4 * G; e++) {
      this.setCoef('eps', e, 1)
      this.setCoef('bc2Sqrt', e, 1)
      this.setCoef('sign', e, 1)
    }
    this.group.members.forEach(({ hparams: h }, e) => {
      const lr = num(h, 'lr')
      const wd = num(h, 'weight_decay')
      this.setCoef('lr', e, lr)
      this.setCoef('sign', e, flag(h, 'maximize') ? -1 : 1)
      if (sgd) {
        const momentum = num(h, 'momentum')
        this.setCoef('a', e, momentum)
        this.setCoef('b', e, 1 - num(h, 'dampening'))
        this.setCoef('wd', e, wd)
        this.setMask('hasMomentum', e, momentum !== 0)
        this.setMask('nesterov', e, flag(h, 'nesterov'))
      } else {
        const [b1, b2] = this.betas[e]
        this.setCoef('a', e, 1 - b1)
        this.setCoef('b', e, b2)
        this.setCoef('c', e, 1 - b2)
        this.setCoef('eps', e, num(h, 'eps', 1e-8))
        if (this.group.def.name === 'adamw') this.setCoef('decay', e, 1 - lr * wd)
        else this.setCoef('wd', e, wd)
      }
    })
  }

  get done(): boolean {
    return this.t > this.steps
  }

  /** Evaluate steps t … min(tTo, steps), updating between them. */
  advance(tTo: number): void {
    const { E, G, loss: lossOffset } = this.layout
    const adam = this.group.def.name !== 'sgd'
    for (; this.t <= Math.min(tTo, this.steps); this.t++) {
      const t = this.t
      const update = t < this.steps
      if (update && adam) {
        // Update t + 1's bias corrections (the float64 prelude's Math.pow, in float64).
        this.group.members.forEach(({ hparams: h }, e) => {
          const [b1, b2] = this.betas[e]
          this.setCoef('stepSize', e, num(h, 'lr') / (1 - Math.pow(b1, t + 1)))
          this.setCoef('bc2Sqrt', e, Math.sqrt(1 - Math.pow(b2, t + 1)))
        })
      }
      this.step(0, G, update ? 1 : 0, t === 0 ? 1 : 0)
      const keep = t % this.every === 0
      const at = (t / this.every) * E
      for (let e = 0; e < E; e++) {
        if (this.divergedAt[e] >= 0) continue
        const L = this.f32[lossOffset / 4 + e]
        if (!Number.isFinite(L)) this.divergedAt[e] = t
        if (keep) this.loss[at + e] = L
      }
    }
  }

  /** Network e's parameters now (after the last update taken). */
  params(e: number): Float64Array {
    return gather(this.layout, this.f32, this.layout.w, e)
  }
}
