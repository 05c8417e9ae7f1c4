/**
 * `gradscape optimizers --source NAME`: the optimizer's rule expanded into the float64 loop a
 * user can step through (torch's `_single_tensor_*` role): the same trees, renamed per
 * coordinate and printed by the same printer as the engine's float64 kernel (float64.ts).
 */
import { findOptimizer, hparamCodeNames, OPTIMIZERS, type OptimizerDef, ruleNeeds, stepProgram, usesGradNorm } from '../../src-shared/optim'
import { printBlock } from '../../src-shared/optim/rule'

const COORDS = ['x', 'y'] as const

/** The readable float64 reference loop of `def`, as JavaScript. */
export function optimizerSource(def: OptimizerDef): string {
  const codeNames = hparamCodeNames(def)
  const rows = Object.entries(def.hparams).map(([key, spec]) => {
    const names = spec.kind === 'pair' ? `${spec.codeNames.join(', ')} = ${key}` : key
    const dflt = spec.kind === 'boolean' ? `${spec.default} (0 or 1 in the loop)` : JSON.stringify(spec.default)
    return [names, `default ${dflt}: ${spec.doc}`] as const
  })
  const width = Math.max(...rows.map(([n]) => n.length))
  const hparams = rows.map(([n, text]) => `//   ${n.padEnd(width)}  ${text}`)
  const state = Object.entries(def.state).flatMap(([slot, init]) => COORDS.map((c) => `let ${slot}_${c} = ${init};`))
  const particle = Object.entries(def.particleState ?? {}).map(([slot, init]) => `let ${slot} = ${init};`)
  const indent = '  '
  const needs = ruleNeeds(def)
  // The step as the engine runs it (engine/step-code.ts): stages, prelude and update, with the
  // landscape's oracles (emitted from the symbolic derivatives) named in comments.
  const step = stepProgram(def, COORDS).map((piece, k) =>
    piece.kind === 'code'
      ? printBlock(piece.block, { indent })
      : [
          printBlock(
            piece.points.map((init, j) => ({ kind: 'let' as const, name: `_at${k}_${COORDS[j]}`, init })),
            { indent },
          ),
          `${indent}// ${piece.names.join(', ')} = ∇L(_at${k}_x, _at${k}_y) (plus this step's noise)`,
        ].join('\n'),
  )
  return [
    `// ${def.title} (${def.name}): ${def.source}`,
    ...def.math.map((line) => `//   ${line}`),
    '//',
    `// Hyperparameters (${codeNames.join(', ')}):`,
    ...hparams,
    '//',
    '// p_x, p_y: the parameters; g_x, g_y: the gradient ∇L(p) at the current point (plus the',
    "// scenario's noise). The float64 engine runs exactly these statements, step after step.",
    ...state,
    ...particle,
    'for (let t = 1; t <= steps; t++) {',
    `${indent}// g_x, g_y = ∇L(p_x, p_y)`,
    ...(usesGradNorm(def) ? [`${indent}let g_norm2 = g_x * g_x + g_y * g_y;`] : []),
    ...(needs.hessian ? [`${indent}// h_xx, h_xy, h_yy = ∇²L(p_x, p_y); h_diag_x = h_xx, h_diag_y = h_yy`] : []),
    ...(needs.residuals
      ? [`${indent}// jtj_xx, jtj_xy, jtj_yy, jtr_x, jtr_y = JᵀJ and Jᵀr of the landscape's residuals at (p_x, p_y)`]
      : []),
    ...(needs.loss ? [`${indent}// loss = L(p_x, p_y)`] : []),
    `${indent}// stages, the prelude (once per step, shared by the coordinates), then the update per coordinate`,
    ...step,
    '}',
  ].join('\n')
}

/**
 * Output of `optimizers --source NAME`; a missing or unknown name is refused with `usage`
 * (the CLI's UsageError), listing the known names.
 */
export function optimizersSourceCommand(args: readonly string[], usage: (message: string) => Error): string {
  const known = OPTIMIZERS.map((o) => o.name).join(', ')
  if (args[0] !== '--source' || args.length !== 2) throw usage(`optimizers takes no arguments but --source NAME (one of ${known})`)
  const def = findOptimizer(args[1])
  if (!def) throw usage(`unknown optimizer '${args[1]}' (known: ${known})`)
  return optimizerSource(def)
}
