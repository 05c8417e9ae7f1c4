/**
 * GPU.js kernel source for one (landscape, optimizer): N particles advanced by a block of steps
 * in one launch. Thread 2i + c simulates particle i and returns coordinate c's state as
 * Array(4) = [p_c, slot₁_c, slot₂_c, slot₃_c] (GPU.js returns at most four numbers per thread).
 *
 * The source is assembled from the same three pieces as the float64 loop — the landscape's
 * emitted gradient, the optimizer's rule text, the noise hash — plus two float32-specific
 * rewrites that change no formula:
 *  - integer literals get a decimal point, so GPU.js types every rule variable as a float;
 *  - `Math.pow(h, t)` and `Math.pow(a, t * h)` of hyperparameters become running products,
 *    started from base^tFrom computed by the host (pow is a slow imported call on the
 *    WebAssembly backend, and one per thread per launch dominated short launches).
 */
import { emitAssignments, type Landscape } from '../../src-shared/landscape'
import {
  hparamCodeNames, type OptimizerDef, preludeCode, updateForCoordinate,
} from '../../src-shared/optim'
import { RANDOM_CODE } from '../../src-shared/random'

/** Per-coordinate slots, then per-particle slots (duplicated into both coordinates' outputs). */
export function kernelSlots(def: OptimizerDef): { perCoordinate: string[]; perParticle: string[] } {
  const perCoordinate = Object.keys(def.state)
  const perParticle = Object.keys(def.particleState ?? {})
  if (perCoordinate.length + perParticle.length > 3) {
    throw new Error(`${def.name}: more than 3 state slots per coordinate do not fit GPU.js's Array(4) output`)
  }
  return { perCoordinate, perParticle }
}

/** A numeric literal GPU.js types as a float: a decimal point always, parentheses when negative. */
export function kernelNumber(v: number): string {
  const f = floatLiteral(v)
  return v < 0 ? `(${f})` : f
}

const floatLiteral = (v: number): string => {
  const s = String(v)
  return /[.eE]/.test(s) || !Number.isFinite(v) ? s : `${s}.0`
}

/** Give bare integer literals a decimal point (`2` → `2.0`), leaving identifiers and floats alone. */
export function floatLiterals(code: string): string {
  return code.replace(/(?<![\w.$])(\d+)(?![\w.])/g, '$1.0')
}

interface RunningPower { readonly name: string; readonly base: string }

/**
 * Replace `Math.pow(H, t)`, `Math.pow(A, t * H)` and `Math.pow(A, (t + 1) * H)` with running
 * products. Returns the rewritten code and the products to maintain.
 */
function strengthReducePowers(code: string, hparams: ReadonlySet<string>, powers: Map<string, RunningPower>): string {
  const term = (expr: string) => expr.replace(/\s+/g, '')
  return code.replace(/Math\.pow\(([^(),]+),\s*(\(t \+ 1\) \* \w+|t \* \w+|t)\)/g, (whole, a: string, e: string) => {
    const base = term(a)
    const simple = e === 't'
    const m = /^\(?t( \+ 1\))? \* (\w+)$/.exec(e)
    if (simple && !hparams.has(base)) return whole
    if (!simple && (!m || !hparams.has(m[2]) || !/^[\d.]+$/.test(base))) return whole
    const factor = simple ? base : `Math.pow(${base}, ${m![2]})`
    const key = `_pw${powers.size}`
    const existing = [...powers.values()].find((p) => p.base === factor)
    const name = existing?.name ?? key
    if (!existing) powers.set(name, { name, base: factor })
    // (t + 1)·h is the next power: one more factor.
    return simple || !m![1] ? name : `(${name} * ${factor})`
  })
}

export interface KernelSource {
  readonly source: string
  /** Argument names in order: positions, slots (x then y per coordinate slot, then particle slots), hyperparameters, scalars. */
  readonly args: readonly string[]
  readonly slots: { readonly perCoordinate: readonly string[]; readonly perParticle: readonly string[] }
  readonly hparamNames: readonly string[]
  /**
   * Bases of the running powers, as expressions in the hyperparameter names. The caller passes
   * base^tFrom per particle (argument `PW_pwK`); the kernel multiplies by the base each step.
   */
  readonly powerBases: readonly string[]
}

export function kernelSource(landscape: Landscape, def: OptimizerDef): KernelSource {
  const d = landscape.derivatives
  const valueGrad = emitAssignments([['loss', d.value], ['g_x', d.gradient[0]], ['g_y', d.gradient[1]]], {
    vars: { x: 'p_x', y: 'p_y' }, tempPrefix: '_v', declare: 'let', formatNumber: kernelNumber,
  })
  const names = hparamCodeNames(def)
  const slots = kernelSlots(def)
  const hparams = new Set(names)
  const powers = new Map<string, RunningPower>()
  const prelude = floatLiterals(strengthReducePowers(preludeCode(def), hparams, powers))
  const updates = ['x', 'y'].map((c) => floatLiterals(strengthReducePowers(updateForCoordinate(def, c), hparams, powers)))

  const slotArgs = [
    ...slots.perCoordinate.flatMap((s) => [`S_${s}_x`, `S_${s}_y`]),
    ...slots.perParticle.map((s) => `S_${s}`),
  ]
  const powerArgs = [...powers.values()].map((p) => `PW${p.name}`)
  const args = ['X', 'Y', 'DEAD', 'STREAM', ...slotArgs, ...names.map((n) => `HP_${n}`), ...powerArgs, 'tFrom', 'nSteps', 'noiseStd', 'noiseSeed']
  const outputs = (c: 'x' | 'y') => {
    const values = [`p_${c}`, ...slots.perCoordinate.map((s) => `${s}_${c}`), ...slots.perParticle]
    while (values.length < 4) values.push('0.0')
    return values.join(', ')
  }
  // gsNormal etc. become kernel-local helper functions (GPU.js compiles nested functions given as `functions`).
  const source = `function (${args.join(', ')}) {
  // Output is 1-D [2N] (cell 2i + c): GPU.js's WebAssembly backend vectorises 1-D outputs only.
  const i = Math.floor(this.thread.x / 2.0);
  const c = this.thread.x - 2.0 * i;
  ${names.map((n) => `let ${n} = HP_${n}[i];`).join('\n  ')}
  let p_x = X[i];
  let p_y = Y[i];
  ${slots.perCoordinate.map((s) => `let ${s}_x = S_${s}_x[i];\n  let ${s}_y = S_${s}_y[i];`).join('\n  ')}
  ${slots.perParticle.map((s) => `let ${s} = S_${s}[i];`).join('\n  ')}
  let loss = 0.0;
  let g_x = 0.0;
  let g_y = 0.0;
  let deadAt = DEAD[i];
  let stream = STREAM[i];
  ${[...powers.values()].map((p) => `let ${p.name} = PW${p.name}[i];`).join('\n  ')}
  // Each step first evaluates L and ∇L at the current point; a non-finite point or loss there
  // means the previous step diverged. The value after the last step is checked once more below.
  for (let s = 1; s <= nSteps; s++) {
    if (deadAt < 0.0) {
      let t = tFrom + s;
      ${valueGrad}
      // Finite in float32 (3.4028234e38 is FLT_MAX); false for NaN and ±Infinity.
      if (!(Math.abs(p_x) <= 3.4028234e38 && Math.abs(p_y) <= 3.4028234e38 && Math.abs(loss) <= 3.4028234e38)) {
        deadAt = t - 1.0;
      } else {
        ${[...powers.values()].map((p) => `${p.name} = ${p.name} * ${p.base};`).join('\n        ')}
        if (noiseStd > 0.0) {
          g_x = g_x + noiseStd * gsNormal(noiseSeed, stream, t, 0.0);
          g_y = g_y + noiseStd * gsNormal(noiseSeed, stream, t, 1.0);
        }
        ${prelude}
        ${updates.join('\n')}
      }
    }
  }
  if (deadAt < 0.0) {
    ${emitAssignments([['loss', d.value]], { vars: { x: 'p_x', y: 'p_y' }, tempPrefix: '_w', declare: 'let', formatNumber: kernelNumber })}
    if (!(Math.abs(p_x) <= 3.4028234e38 && Math.abs(p_y) <= 3.4028234e38 && Math.abs(loss) <= 3.4028234e38)) {
      deadAt = tFrom + nSteps;
    }
  }
  // A dead particle returns a non-finite position (overflowed on purpose, as no NaN literal
  // is portable across backends) and the step it died at.
  if (deadAt >= 0.0) {
    return [(Math.abs(p_x) + 1.0) * 3.4028234e38 * 3.4028234e38, deadAt, 0.0, 0.0];
  }
  if (c < 0.5) {
    return [${outputs('x')}];
  }
  return [${outputs('y')}];
}`
  return { source, args, slots, hparamNames: names, powerBases: [...powers.values()].map((p) => p.base) }
}

/** The noise hash as separate GPU.js functions (same text as the float64 path). */
export function randomFunctionSources(): string[] {
  return RANDOM_CODE.split(/\n(?=function )/).map((f) => f.trim()).filter((f) => f.startsWith('function '))
}
