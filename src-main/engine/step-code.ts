/**
 * One optimizer step as engine code, for the float64 loop and both float32 kernels: the rule's
 * step program (stages, prelude, update; src-shared/optim/expand.ts `stepProgram`) with the
 * landscape's oracles it needs emitted in front of it or in place — Hessian entries, Gauss–Newton's
 * JᵀJ and Jᵀr from the residuals, ∇L at other points — all from the symbolic derivatives.
 *
 * Names the caller has set before this code: p_x, p_y, g_x, g_y (noise included), loss, t, the
 * hyperparameters and the slots.
 */
import { emitAssignments, type Landscape } from '../../src-shared/landscape'
import { type OptimizerDef, ruleNeeds, stepProgram, usesGradNorm } from '../../src-shared/optim'
import { type Block, printBlock, type PrintOptions } from '../../src-shared/optim/rule'

const COORDS = ['x', 'y'] as const

export interface StepCodeOptions {
  /** How rule literals are printed (kernels: always with a decimal point). */
  readonly number?: PrintOptions['number']
  /** How landscape literals are emitted. */
  readonly formatNumber?: (v: number) => string
  /** Declaration keyword for emitted temporaries. */
  readonly declare: 'const' | 'let'
  /** A literal zero in the engine's number format (`0` or `0.0`). */
  readonly zero: string
  /** A statement adding the step's noise on coordinate k to `name` (a gradient taken elsewhere); null without noise. */
  readonly noise: (name: string, k: number) => string | null
  /**
   * Statements replacing the j-th extra gradient (`names`, exact, at the point `points`) by the
   * gradient estimator's estimate there (SAM's, FDGR's second gradient); absent: the exact gradient.
   */
  readonly estimator?: (names: readonly [string, string], points: readonly [string, string], j: number) => string
  /** A rewrite applied to every block of rule code (kernels: fixed switches, running powers). */
  readonly transform?: (block: Block) => Block
}

/** The step's code; throws when the landscape lacks what the rule needs (residuals). */
export function stepCode(landscape: Landscape, def: OptimizerDef, o: StepCodeOptions): string {
  const needs = ruleNeeds(def)
  const d = landscape.derivatives
  const emit = (outputs: ReadonlyArray<readonly [string, (typeof d)['value']]>, vars: Record<string, string>, tempPrefix: string) =>
    emitAssignments(outputs, { vars, tempPrefix, declare: o.declare, formatNumber: o.formatNumber })
  const here = { x: 'p_x', y: 'p_y' }
  const declare = (names: readonly string[]) => names.map((n) => `let ${n} = ${o.zero};`).join(' ')
  const transform = o.transform ?? ((b: Block) => b)
  const print = (b: Block) => printBlock(transform(b), { number: o.number })
  const out: string[] = []
  if (needs.hessian) {
    out.push(declare(['h_xx', 'h_xy', 'h_yy']))
    out.push(
      emit(
        [
          ['h_xx', d.hessian[0]],
          ['h_xy', d.hessian[1]],
          ['h_yy', d.hessian[2]],
        ],
        here,
        '_hs',
      ),
    )
    out.push('let h_diag_x = h_xx; let h_diag_y = h_yy;')
  }
  if (needs.residuals) {
    const r = landscape.residuals
    if (!r) throw new Error(`${def.name} needs the landscape's residuals ("residuals": [...] in the landscape)`)
    const names = ['jtj_xx', 'jtj_xy', 'jtj_yy', 'jtr_x', 'jtr_y']
    const exprs = [...r.terms.jtj, ...r.terms.jtr]
    out.push(declare(names))
    out.push(
      emit(
        names.map((n, k) => [n, exprs[k]] as const),
        here,
        '_gn',
      ),
    )
  }
  if (usesGradNorm(def)) out.push(`let g_norm2 = g_x * g_x + g_y * g_y;`)
  let extra = 0
  stepProgram(def, COORDS).forEach((piece, k) => {
    if (piece.kind === 'code') {
      out.push(print(piece.block))
      return
    }
    // ∇L at another point: the point first (rule code), then the emitted gradient there.
    const at = COORDS.map((c) => `_at${k}_${c}`)
    out.push(print(piece.points.map((init, j) => ({ kind: 'let' as const, name: at[j], init }))))
    out.push(declare(piece.names))
    out.push(
      emit(
        piece.names.map((n, j) => [n, d.gradient[j]] as const),
        { x: at[0], y: at[1] },
        `_ga${k}_`,
      ),
    )
    // The estimator replaces this gradient as it does the step's own, before the noise (as there).
    if (o.estimator) out.push(o.estimator([piece.names[0], piece.names[1]], [at[0], at[1]], extra))
    extra++
    piece.names.forEach((n, j) => {
      const noise = o.noise(n, j)
      if (noise !== null) out.push(noise)
    })
  })
  return out.join('\n')
}
