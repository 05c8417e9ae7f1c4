/**
 * An optimizer's rule (src-shared/optim: stages, prelude once per step, update per coordinate)
 * emitted as one function over the P coordinates of a parameter vector held in typed arrays, for
 * network landscapes. The float64 point engine expands the rule per named coordinate (x, y); a
 * network has hundreds of coordinates, so here the per-coordinate names become loop locals, and
 * the per-coordinate values a stage hands on (a coordinate stage's lets, a gradient elsewhere)
 * become arrays of P:
 *
 *   `coordinates` stage: for (i < P) { load; the stage's code; store g, the slots and its lets }
 *   `particle` stage: its code, once;  `reduce`: a sum / max loop (the engine's left fold);
 *   `gradientAt`: the point, a loop, then the caller's gradient at it (`__gradientAt`);
 *   prelude (the particle slots loaded into locals, written back after);
 *   for (i < P) { load p, g, each state slot and stage value at i; the update; store }
 *
 * `loss` is the network's loss at W. A dense (2-D) stage, and the Hessian's diagonal `h_diag`
 * (P Hessian-vector products per step for an MLP), are refused by name (`networkRefusal`).
 *
 * The code comes only from our own rule trees (parsed, validated and lowered once by
 * src-shared/optim/rule) and the printer the other engines use; user input reaches it only as
 * the numbers in `H`. The loop's own names start with `__`, which no rule may use. The source is
 * compiled on the engine side (src-main/engine/network/optimizer-step.ts), never in the renderer.
 */
import { type Block, loweredRule, namesRead, printBlock, printExpr, ruleNeeds, stageScopes } from '../optim/rule'
import { hparamCodeNames } from '../optim/hparams'
import type { OptimizerDef } from '../optim/types'

/** ∇L at `point` (P coordinates) into `out`, with the step's own data (the same batch as G). */
export type GradientAt = (point: Float64Array, out: Float64Array) => void

/**
 * One optimizer step over P coordinates, in place: `W` the parameters, `G` the gradient at W
 * (read only), `S` one array per state slot (`stateSlots(def)` order), `PS` the particle slots
 * (`particleSlots(def)` order), `H` the hyperparameter code values (`hparamCodeNames` order),
 * `PC` (may be null) receives the diagonal preconditioner after the update, `loss` is L at W and
 * `gradientAt` evaluates the gradient elsewhere (null when the rule has no `gradientAt` stage).
 */
export type NetworkStep = (
  P: number,
  t: number,
  W: Float64Array,
  G: Float64Array,
  S: readonly Float64Array[],
  PS: Float64Array,
  H: Float64Array,
  PC: Float64Array | null,
  loss: number,
  gradientAt: GradientAt | null,
) => void

/** The parameter names of a compiled NetworkStep, in order. */
export const NETWORK_STEP_PARAMS = ['__P', 't', '__W', '__G', '__S', '__PS', '__H', '__PC', 'loss', '__gradientAt'] as const

export const stateSlots = (def: OptimizerDef): string[] => Object.keys(def.state)
export const particleSlots = (def: OptimizerDef): string[] => Object.keys(def.particleState ?? {})

/** Why `def` cannot run on a network's P coordinates, or null when it can (read from its tree). */
export function networkRefusal(def: OptimizerDef): string | null {
  const needs = ruleNeeds(def)
  if (needs.twoDimensional)
    return `${def.title} cannot run on a network: its dense stage solves or decomposes the whole 2×2 ${needs.residuals ? 'JᵀJ' : 'Hessian'}, which exists only for a 2-D problem`
  if (needs.residuals)
    return `${def.title} cannot run on a network: it reads Gauss–Newton's JᵀJ and Jᵀr, which a network landscape does not provide`
  if (needs.hessian)
    return `${def.title} cannot run on a network: it reads the Hessian's diagonal (h_diag), which for an MLP costs P Hessian-vector products per step`
  return null
}

/** Source of the step function's body (exported for inspection and tests); throws for a refused rule. */
export function networkStepSource(def: OptimizerDef): string {
  const refusal = networkRefusal(def)
  if (refusal) throw new Error(refusal)
  const rule = loweredRule(def)
  const hparams = hparamCodeNames(def)
  const slots = stateSlots(def)
  const particle = particleSlots(def)
  const usesNorm = namesRead(rule.prelude).includes('g_norm2')
  const scopes = stageScopes(rule.stages)
  const perCoordinate = scopes[rule.stages.length].coordinate
  const staged = rule.stages.length > 0
  /** The loop body's loads: p, g, the slots and the stage values so far (`coordinate`). */
  const load = (coordinate: readonly string[]) =>
    [
      'let p = __W[__i];',
      'let g = __g[__i];',
      ...slots.map((s) => `let ${s} = __S_${s}[__i];`),
      ...coordinate.map((n) => `let ${n} = __C_${n}[__i];`),
    ].join('\n  ')
  const storeSlots = slots.map((s) => `__S_${s}[__i] = ${s};`).join('\n  ')
  const loop = (body: string) => `for (let __i = 0; __i < __P; __i++) {\n  ${body}\n}`
  const stages = rule.stages.map((stage, k) => {
    const before = scopes[k].coordinate
    switch (stage.kind) {
      case 'coordinates': {
        const lets = topLevelLets(stage.block)
        return loop(
          [
            load(before),
            printBlock(stage.block, { indent: '  ' }),
            '__g[__i] = g;',
            storeSlots,
            ...lets.map((n) => `__C_${n}[__i] = ${n};`),
          ].join('\n  '),
        )
      }
      case 'particle':
        return printBlock(stage.block)
      case 'reduce': {
        // The engine's left fold over the coordinates, started at its identity: −0 + a = a and
        // max(−∞, a) = a exactly (signed zeros and NaN included).
        const acc = stage.op === 'sum' ? `${stage.name} + (${printExpr(stage.of)})` : `Math.max(${stage.name}, ${printExpr(stage.of)})`
        return `let ${stage.name} = ${stage.op === 'sum' ? '-0' : '-Infinity'};\n${loop(`${load(before)}\n  ${stage.name} = ${acc};`)}`
      }
      case 'gradientAt':
        return `{\nconst __at = new Float64Array(__P);\n${loop(`${load(before)}\n  __at[__i] = ${printExpr(stage.point)};`)}\n__gradientAt(__at, __C_${stage.name});\n}`
      case 'dense2':
        throw new Error(`${def.title}: a dense stage cannot run on a network`)
    }
  })
  const body = printBlock(rule.update, { indent: '  ' })
  const precond = rule.preconditioner ? printExpr(rule.preconditioner) : null
  // Prelude locals, read by the update, live outside the loop; the update's locals are
  // declared inside the loop body, a fresh binding per coordinate.
  return `"use strict";
${hparams.map((h, j) => `const ${h} = __H[${j}];`).join('\n')}
${particle.map((s, j) => `let ${s} = __PS[${j}];`).join('\n')}
${slots.map((s, j) => `const __S_${s} = __S[${j}];`).join('\n')}
${usesNorm ? 'let g_norm2 = 0;\nfor (let __i = 0; __i < __P; __i++) g_norm2 += __G[__i] * __G[__i];' : ''}
${staged ? "// Stages may write g; G stays as given (it may be the network's own gradient view).\nconst __g = Float64Array.from(__G);" : 'const __g = __G;'}
${perCoordinate.map((n) => `const __C_${n} = new Float64Array(__P);`).join('\n')}
${stages.join('\n')}
${printBlock(rule.prelude)}
${loop(`${load(perCoordinate)}
${body}
  __W[__i] = p;
  ${storeSlots}
  ${precond ? `if (__PC !== null) __PC[__i] = ${precond};` : ''}`)}
${particle.map((s, j) => `__PS[${j}] = ${s};`).join('\n')}`
}

/** Names a block declares at its top level (a coordinate stage's values handed to later stages). */
function topLevelLets(block: Block): string[] {
  return block.flatMap((st) => (st.kind === 'let' ? [st.name] : []))
}
