/**
 * GPU.js kernel source for one (landscape, optimizer): N particles advanced by a block of steps
 * in one launch. GPU.js returns at most four numbers per thread, and Adam's state in 2-D is
 * eight (x, y and three slots per coordinate), so a group of threads simulates the same
 * particles and each returns four of their floats (KernelLayout): the state for launches that
 * continue, positions only for a job's last launch (two particles per thread, interleaved).
 *
 * The source is assembled from the same three pieces as the float64 loop — the landscape's
 * emitted gradient, the optimizer's rule text, the noise hash — plus two float32-specific
 * rewrites of the rule's tree (src-shared/optim/rule/transforms.ts) that change no formula:
 *  - every literal is printed with a decimal point or an exponent, so GPU.js types every rule
 *    variable as a float;
 *  - `Math.pow(h, t)` and `Math.pow(a, t * h)` of hyperparameters become running products,
 *    started from base^tFrom computed by the host (pow is a slow imported call on the
 *    WebAssembly backend, and one per thread per launch dominated short launches).
 */
import { emitAssignments, type Landscape } from '../../src-shared/landscape'
import { hparamCodeNames, type OptimizerDef, preludeTree, updateTreeForCoordinate, usesGradNorm } from '../../src-shared/optim'
import {
  type Block,
  declaredNames,
  floatLiteral,
  KERNEL_NUMBERS,
  namesRead,
  printBlock,
  printExpr,
  reducePowers,
  type RunningPower,
  substitute,
} from '../../src-shared/optim/rule'
import { declaredInCode, renameInCode } from '../../src-shared/optim/rule/rename-code'
import { RANDOM_CODE } from '../../src-shared/random'
import { ROW_VALUES } from '../../src-shared/schedule'
import { ESTIMATOR_LOCALS, ESTIMATOR_SCALARS, type EstimatorKind, extraGradientSite } from '../../src-shared/estimator'
import { kernelEstimatorCode } from './estimator-code'
import { stepCode } from './step-code'

/** Per-coordinate slots, then per-particle slots. */
export function kernelSlots(def: OptimizerDef): { perCoordinate: string[]; perParticle: string[] } {
  return { perCoordinate: Object.keys(def.state), perParticle: Object.keys(def.particleState ?? {}) }
}

/** A numeric literal GPU.js types as a float: a decimal point always, parentheses when negative. */
export function kernelNumber(v: number): string {
  const f = floatLiteral(v)
  return v < 0 ? `(${f})` : f
}

export interface KernelLayout {
  /**
   * Particles each thread simulates, interleaved in one loop: each particle's sqrt → divide →
   * update chain is serial, so independent chains side by side fill the CPU's pipeline.
   */
  readonly particles: number
  /**
   * What a launch hands back: the whole state (so the next launch can continue) or positions
   * only (a job's last launch), which needs a quarter of the threads for Adam.
   */
  readonly keep: 'state' | 'positions'
}

export const DEFAULT_LAYOUT: KernelLayout = { particles: 1, keep: 'state' }

/**
 * The layout for launches that continue: the particles per thread group that need the fewest
 * threads per particle (each thread simulates its whole group), one particle on a tie (measured:
 * interleaving pays only when it also saves threads). Adam: 6 floats → 2 particles in 3 threads.
 */
export function stateLayout(def: OptimizerDef, unused: ReadonlySet<string> = new Set()): KernelLayout {
  const floats = particleFloats(def, 'state', unused).length
  const threadsPerParticle = (p: number) => Math.ceil((p * floats) / 4) / p
  return { particles: threadsPerParticle(2) < threadsPerParticle(1) ? 2 : 1, keep: 'state' }
}

/**
 * What a launch hands back per particle, as kernel variables: x, y, then (state) each used
 * coordinate slot as its x, y pair, then the particle slots; padded to an even count, so a
 * particle's x and y always share one thread's output.
 */
export function particleFloats(def: OptimizerDef, keep: KernelLayout['keep'], unused: ReadonlySet<string>): string[] {
  const slots = kernelSlots(def)
  // Slots the rule leaves alone for every particle of the launch (OptimizerDef.slotUsedIf) stay out.
  const handedBack = [...slots.perCoordinate.filter((s) => !unused.has(s)).flatMap((s) => [`${s}_x`, `${s}_y`]), ...slots.perParticle]
  const floats = keep === 'state' ? ['p_x', 'p_y', ...handedBack] : ['p_x', 'p_y']
  if (floats.length % 2) floats.push('0.0')
  return floats
}

export interface KernelSource {
  readonly source: string
  /** Argument names in order: positions, slots (x then y per coordinate slot, then particle slots), hyperparameters, powers, tables (a schedule's), scalars. */
  readonly args: readonly string[]
  readonly slots: { readonly perCoordinate: readonly string[]; readonly perParticle: readonly string[] }
  readonly hparamNames: readonly string[]
  /**
   * Bases of the running powers, as expressions in the hyperparameter names. The caller passes
   * base^tFrom per particle (argument `PW_pwK`); the kernel multiplies by the base each step.
   */
  readonly powerBases: readonly string[]
  readonly layout: KernelLayout
  /**
   * Output layout: thread group g (threadsPerGroup threads, 4 floats each) holds particles
   * g·P … g·P + P − 1, particle k's float f at g·4·threadsPerGroup + k·floatsPerParticle + f
   * (the floats: particleFloats).
   */
  readonly floatsPerParticle: number
  readonly threadsPerGroup: number
  /** Per state slot (Float64State order), its float's offset within a particle's output, or −1 when not handed back. */
  readonly slotOffsets: readonly number[]
  /** Hyperparameters passed as scalars (`HU_name`), in argument order; the others are arrays (`HP_name`). */
  readonly uniform: readonly string[]
  /** Indices into powerBases of the per-particle powers (arrays, `PW_pwK`) and the shared ones (scalars, `PU_pwK`). */
  readonly varyingPowers: readonly number[]
  readonly uniformPowers: readonly number[]
}

/** Where particle i's floats start in a launch's flat result. */
export function particleOffset(ks: KernelSource, i: number): number {
  const P = ks.layout.particles
  const g = Math.floor(i / P)
  return g * 4 * ks.threadsPerGroup + (i - g * P) * ks.floatsPerParticle
}

const FLT_MAX = '3.4028234e38'

/** Rename a particle's own variables (`p_x` → `p_x_1`), leaving shared names and `Math.` members alone. */
function forParticle(code: string, names: ReadonlySet<string>, k: number): string {
  return renameInCode(code, (w) => (names.has(w) ? `${w}_${k}` : w))
}

/** Names a block assigns (outside `let`). */
function assignedNames(block: Block): string[] {
  const out: string[] = []
  const walk = (b: Block) =>
    b.forEach((s) => {
      if (s.kind === 'assign') out.push(s.name)
      if (s.kind === 'if') {
        walk(s.then)
        if (s.otherwise) walk(s.otherwise)
      }
    })
  walk(block)
  return out
}

/**
 * Kernel condition: some of `vars` is outside float32's finite range. Where the kernel computes
 * in float32 that is "NaN or ±Infinity", and v · 0 (0 for finite v, NaN otherwise) tests all of
 * them in one multiply-add; a backend computing in doubles (GPU.js's cpu) needs |v| ≤ FLT_MAX.
 */
export const outOfFloat32 = (inDoubles: boolean, ...vars: string[]) =>
  inDoubles
    ? `!(${vars.map((v) => `Math.abs(${v}) <= ${FLT_MAX}`).join(' && ')})`
    : `!(${vars.map((v) => `${v} * 0.0`).join(' + ')} == 0.0)`

/**
 * What the GPU.js kernel and the WebAssembly kernel (wasm/kernel.ts) are both assembled from:
 * the per-particle setup, one step and the final check, as kernel code over the same names.
 *
 * `uniform` names the hyperparameters every particle of the launch shares. They are passed as
 * scalars instead of per-particle arrays: SIMD backends run 4 particles in lanes, and a
 * condition on a per-particle value (`amsgrad > 0.5`) is lane-varying, so both sides run under
 * blend masks; on a scalar it is a real branch. Powers and a prelude that depend only on
 * uniform values (Adam's bias corrections) are then computed once per step for all lanes.
 */
export function kernelParts(
  landscape: Landscape,
  def: OptimizerDef,
  uniform: ReadonlySet<string> = new Set(),
  inDoubles = false,
  specialise: KernelSpecialisation = {},
) {
  // A schedule's rate (and momentum) change every step: never literals, never running powers.
  const scheduled = scheduledNames(specialise.schedule)
  const fixed = new Map([...(specialise.fixed ?? new Map<string, number>())].filter(([name]) => !scheduled.includes(name)))
  const d = landscape.derivatives
  const valueGrad = emitAssignments(
    [
      ['loss', d.value],
      ['g_x', d.gradient[0]],
      ['g_y', d.gradient[1]],
    ],
    {
      vars: { x: 'p_x', y: 'p_y' },
      tempPrefix: '_v',
      declare: 'let',
      formatNumber: kernelNumber,
    },
  )
  // A fresh name: the final check must not read the last step's `loss` (on SIMD backends a
  // blended assignment would keep that value alive through the whole step loop).
  const finalLoss = emitAssignments([['lossEnd', d.value]], {
    vars: { x: 'p_x', y: 'p_y' },
    tempPrefix: '_w',
    declare: 'let',
    formatNumber: kernelNumber,
  })
  // Kernels that record kept points (wasm/kernel.ts): the loss at the current point, into a declared `lossAt`.
  const pointLoss = emitAssignments([['lossAt', d.value]], {
    vars: { x: 'p_x', y: 'p_y' },
    tempPrefix: '_r',
    declare: 'let',
    formatNumber: kernelNumber,
  })
  const names = hparamCodeNames(def)
  const slots = kernelSlots(def)
  const hparams = new Set(names.filter((n) => !scheduled.includes(n)))
  const powerList: RunningPower[] = []
  // A fixed switch is a literal in the rule, so its branches fold at compile time; then the
  // running powers (prelude first, so their numbering is stable), printed with float literals.
  const lower = (block: Block) => reducePowers(substitute(block, fixed), hparams, powerList)
  const preludeBlock = lower(preludeTree(def))
  const updateBlocks = ['x', 'y'].map((c) => lower(updateTreeForCoordinate(def, c)))
  const prelude = printBlock(preludeBlock, { number: KERNEL_NUMBERS })
  // A rule with stages runs as one step program (step-code.ts, shared with the float64 loop);
  // the others keep the prelude/update split, whose prelude may run once for all particles.
  const staged = (def.stages?.length ?? 0) > 0
  const updates = staged
    ? stepCode(landscape, def, {
        number: KERNEL_NUMBERS,
        formatNumber: kernelNumber,
        declare: 'let',
        zero: '0.0',
        transform: lower,
        // SAM's and FDGR's second gradient is estimated too, with draws of its own (its locals are declared in `updates`).
        ...(specialise.estimator && {
          estimator: (names, points, j) =>
            kernelEstimatorCode(landscape, specialise.estimator!, kernelNumber, extraGradientSite(j, names, points)),
        }),
        noise: (name, k) =>
          specialise.noNoise
            ? null
            : `if (noiseStd > 0.0) {\n      ${name} = ${name} + noiseStd * gsNormal(noiseSeed, stream, t, ${k}.0);\n    }`,
      })
    : updateBlocks.map((b) => printBlock(b, { number: KERNEL_NUMBERS })).join('\n')
  const coordinateSlots = slots.perCoordinate.flatMap((s) => [`${s}_x`, `${s}_y`])

  const varyingNames = names.filter((n) => !uniform.has(n))
  const uniformNames = names.filter((n) => uniform.has(n) && !fixed.has(n))
  const powerIsUniform = (p: RunningPower) => namesRead(p.base).every((w) => uniform.has(w))
  const powerBase = (p: RunningPower) => printExpr(p.base, { number: KERNEL_NUMBERS })
  const uniformPowers = powerList.filter(powerIsUniform)
  const varyingPowers = powerList.filter((p) => !powerIsUniform(p))
  const uniformValues = new Set(['t', ...uniformNames, ...uniformPowers.map((p) => p.name)])
  const preludeLocals = declaredNames(preludeBlock)
  // A prelude reading and writing nothing particle-specific runs once per step, outside the particles' masks.
  const sharedPrelude =
    !staged && [...namesRead(preludeBlock), ...assignedNames(preludeBlock)].every((w) => uniformValues.has(w) || preludeLocals.includes(w))
  const stateNames = [...coordinateSlots, ...slots.perParticle]
  // The gradient estimator (src-shared/estimator) replaces g before the rule; its K, μ and seed are launch scalars.
  const estimator = specialise.estimator ? kernelEstimatorCode(landscape, specialise.estimator, kernelNumber) : ''

  /** Per-particle arrays the kernel reads (and, on WebAssembly, writes back), then launch-wide scalars. */
  const arrays = [
    'X',
    'Y',
    'DEAD',
    'STREAM',
    ...stateNames.map((s) => `S_${s}`),
    ...varyingNames.map((n) => `HP_${n}`),
    ...varyingPowers.map((p) => `PW${p.name}`),
  ]
  /** Launch-wide tables: the schedule's [A, B, C, D] per step (ScheduleTable, one row). */
  const tables = scheduled.length ? [SCHEDULE_TABLE] : []
  const scalars = [
    ...uniformNames.map((n) => `HU_${n}`),
    ...uniformPowers.map((p) => `PU${p.name}`),
    'tFrom',
    'nSteps',
    'noiseStd',
    'noiseSeed',
    ...(estimator ? ESTIMATOR_SCALARS : []),
  ]

  // Everything a particle owns; `t`, `s`, the launch scalars and uniform values are shared.
  const own = new Set([
    'i',
    'p_x',
    'p_y',
    'g_x',
    'g_y',
    'g_norm2',
    'loss',
    'deadAt',
    'stream',
    ...varyingNames,
    ...scheduled.filter((n) => !uniform.has(n)).map((n) => `${n}_base`),
    ...stateNames,
    ...varyingPowers.map((p) => p.name),
    ...declaredInCode(valueGrad),
    ...(sharedPrelude ? [] : preludeLocals),
    ...(staged ? declaredInCode(updates) : updateBlocks.flatMap(declaredNames)),
    ...declaredInCode(finalLoss),
    'lossEnd',
    ...(estimator ? [...ESTIMATOR_LOCALS, ...declaredInCode(estimator)] : []),
  ])

  /** Launch-wide values as locals (uniform hyperparameters, running powers started at tFrom). */
  const load = (n: string, from: string) =>
    scheduled.includes(n) ? `let ${n}_base = ${from};\n  let ${n} = ${n}_base;` : `let ${n} = ${from};`
  /** The scheduled values of step t from the table: A·base + B (rate), C·base + D (momentum). */
  const scheduleStep = (which: (n: string) => boolean) =>
    scheduled
      .map((n, c) => (which(n) ? `${n} = ${SCHEDULE_TABLE}[sk + ${2 * c}.0] * ${n}_base + ${SCHEDULE_TABLE}[sk + ${2 * c + 1}.0];` : ''))
      .join('\n    ')
  const shared = `${uniformNames.map((n) => load(n, `HU_${n}`)).join('\n  ')}
  ${uniformPowers.map((p) => `let ${p.name} = PU${p.name};`).join('\n  ')}`
  /** Loads one particle's values from the arrays at index `i`. */
  const setup = `${varyingNames.map((n) => load(n, `HP_${n}[i]`)).join('\n  ')}
  let p_x = X[i];
  let p_y = Y[i];
  ${stateNames.map((s) => `let ${s} = S_${s}[i];`).join('\n  ')}
  let loss = 0.0;
  let g_x = 0.0;
  let g_y = 0.0;
  let deadAt = DEAD[i];
  let stream = STREAM[i];
  ${varyingPowers.map((p) => `let ${p.name} = PW${p.name}[i];`).join('\n  ')}`
  /** Shared per-step work: the step number, uniform running powers, a shared prelude. */
  const stepShared = `let t = tFrom + s;
    ${scheduled.length ? `let sk = (t - 1.0) * ${ROW_VALUES}.0;\n    ${scheduleStep((n) => uniform.has(n))}` : ''}
    ${uniformPowers.map((p) => `${p.name} = ${p.name} * ${powerBase(p)};`).join('\n    ')}
    ${sharedPrelude ? prelude : ''}`
  // Each step first evaluates L and ∇L at the current point; a non-finite point or loss there
  // means the previous step diverged. The value after the last step is checked once more below.
  // The step itself runs for dead particles too, on garbage they never hand back: under SIMD a
  // branch on a per-particle condition would blend every store of the step instead.
  const step = `${valueGrad}
    if (${outOfFloat32(inDoubles, 'p_x', 'p_y', 'loss')}) {
      if (deadAt < 0.0) {
        deadAt = t - 1.0;
      }
    }
    ${varyingPowers.map((p) => `${p.name} = ${p.name} * ${powerBase(p)};`).join('\n    ')}
    ${estimator}
    ${
      specialise.noNoise
        ? ''
        : `if (noiseStd > 0.0) {
      g_x = g_x + noiseStd * gsNormal(noiseSeed, stream, t, 0.0);
      g_y = g_y + noiseStd * gsNormal(noiseSeed, stream, t, 1.0);
    }`
    }
    ${scheduleStep((n) => !uniform.has(n))}
    ${usesGradNorm(def) && !staged ? 'let g_norm2 = g_x * g_x + g_y * g_y;' : ''}
    ${sharedPrelude || staged ? '' : prelude}
    ${updates}`
  /** After the last step: a particle alive so far dies at tFrom + nSteps when its final point is out of range. */
  const finalCheck = `if (deadAt < 0.0) {
    let lossEnd = 0.0;
    ${finalLoss}
    // Always against FLT_MAX: the float32 output would turn a larger double into ±Infinity.
    if (${outOfFloat32(true, 'p_x', 'p_y', 'lossEnd')}) {
      deadAt = tFrom + nSteps;
    }
  }`
  return {
    names,
    slots,
    stateNames,
    arrays,
    tables,
    scalars,
    own,
    shared,
    setup,
    stepShared,
    step,
    finalCheck,
    uniformNames,
    pointLoss,
    /** Running-power bases (expressions in the hyperparameter names), and which are per particle or shared (indices). */
    powerBases: powerList.map((p) => printExpr(p.base)),
    varyingPowers: varyingPowers.map((p) => powerList.indexOf(p)),
    uniformPowers: uniformPowers.map((p) => powerList.indexOf(p)),
  }
}

/** Facts of a job a kernel may be compiled for (a kernel for the WebAssembly backend is cheap to recompile). */
export interface KernelSpecialisation {
  /** The job has no gradient noise: the noise code is left out. */
  readonly noNoise?: boolean
  /** Uniform hyperparameters replaced by their values (boolean switches: their branches fold away). */
  readonly fixed?: ReadonlyMap<string, number>
  /**
   * A learning-rate schedule (src-shared/schedule): `lr`, and `momentum` when it names the
   * momentum's code name, are read each step from the launch's table of `steps` rows.
   */
  readonly schedule?: { readonly momentum: string | null; readonly steps: number }
  /** The gradient estimator the kernel computes (absent: the exact gradient). */
  readonly estimator?: EstimatorKind | null
}

/** The launch-wide table a scheduled kernel reads: [A, B, C, D] per step (ScheduleTable). */
export const SCHEDULE_TABLE = 'SCHED'

/** Hyperparameters a schedule sets each step: the rate, and the momentum it cycles. */
function scheduledNames(schedule: KernelSpecialisation['schedule']): string[] {
  return schedule ? ['lr', ...(schedule.momentum ? [schedule.momentum] : [])] : []
}

export function kernelSource(
  landscape: Landscape,
  def: OptimizerDef,
  layout: KernelLayout = DEFAULT_LAYOUT,
  uniform: ReadonlySet<string> = new Set(),
  unused: ReadonlySet<string> = new Set(),
  inDoubles = false,
  schedule?: KernelSpecialisation['schedule'],
  estimator: EstimatorKind | null = null,
): KernelSource {
  const parts = kernelParts(landscape, def, uniform, inDoubles, { schedule, estimator })
  const { own } = parts
  const P = layout.particles
  const perParticle = particleFloats(def, layout.keep, unused)
  const threadsPerGroup = Math.ceil((P * perParticle.length) / 4)
  const each = (code: string) => Array.from({ length: P }, (_, k) => forParticle(code, own, k)).join('\n')

  // A dead particle hands back a non-finite x (overflowed on purpose, as no NaN literal is
  // portable across backends) and, as y, the step it died at.
  const finish = `${parts.finalCheck}
  if (deadAt >= 0.0) {
    p_x = (Math.abs(p_x) + 1.0) * ${FLT_MAX} * ${FLT_MAX};
    p_y = deadAt;
  }`
  const floats = Array.from({ length: P }, (_, k) => perParticle.map((v) => forParticle(v, own, k))).flat()
  while (floats.length < 4 * threadsPerGroup) floats.push('0.0')
  const returns = Array.from({ length: threadsPerGroup }, (_, j) => {
    const values = `return [${floats.slice(4 * j, 4 * j + 4).join(', ')}];`
    return j === threadsPerGroup - 1 ? values : `if (_out < ${j}.5) {\n    ${values}\n  }`
  }).join('\n  ')

  // Output is 1-D (GPU.js's WebAssembly backend vectorises 1-D outputs only): cell g·T + j is
  // output j of thread group g, which simulates particles g·P … g·P + P − 1.
  const args = [...parts.arrays, ...parts.tables, ...parts.scalars]
  const source = `function (${args.join(', ')}) {
  const _group = Math.floor(this.thread.x / ${threadsPerGroup}.0);
  const _out = this.thread.x - ${threadsPerGroup}.0 * _group;
  ${parts.shared}
  ${Array.from({ length: P }, (_, k) => forParticle(`const i = _group * ${P}.0 + ${k}.0;\n  ${parts.setup}`, own, k)).join('\n  ')}
  for (let s = 1; s <= nSteps; s++) {
    ${parts.stepShared}
    ${each(parts.step)}
  }
  ${each(finish)}
  ${returns}
}`
  return {
    source,
    args,
    slots: parts.slots,
    hparamNames: parts.names,
    powerBases: parts.powerBases,
    layout,
    uniform: parts.uniformNames,
    varyingPowers: parts.varyingPowers,
    uniformPowers: parts.uniformPowers,
    floatsPerParticle: perParticle.length,
    threadsPerGroup,
    slotOffsets: parts.stateNames.map((s) => (layout.keep === 'state' ? perParticle.indexOf(s) : -1)),
  }
}

/** The noise hash as separate GPU.js functions (same text as the float64 path). */
export function randomFunctionSources(): string[] {
  return RANDOM_CODE.split(/\n(?=function )/)
    .map((f) => f.trim())
    .filter((f) => f.startsWith('function '))
}
