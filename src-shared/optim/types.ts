/**
 * What an optimizer is in Gradscape: torch-named hyperparameters with defaults and
 * validation, per-coordinate state, and ONE update rule written as a small piece of code in
 * the JavaScript subset that GPU.js compiles.
 *
 * The same rule text is expanded (per coordinate) into the float64 engine loop and into the
 * float32 GPU.js kernel source, so the two paths cannot drift apart. The rule is code we
 * write and review here; user input only ever reaches it as numeric hyperparameter values.
 *
 * Vocabulary available to rule code:
 *  - `p`, `g`: this coordinate's parameter and gradient (g is ∇L plus any noise; the rule
 *    applies maximize and weight decay itself, as torch does). Assign `p` to move.
 *  - `t`: the step number, 1 for the first update (torch's `state['step']` after increment).
 *  - `g_norm2` (prelude only, read-only): ‖g‖² over all coordinates, for rules that scale the
 *    whole gradient (Scalar RMSProp).
 *  - each state slot by name (per coordinate), each particle slot by name (prelude only),
 *    each hyperparameter by its code name; a boolean is written as a condition
 *    (`if (maximize)`, `!amsgrad`) and lowered to a test on its 0/1 value for the engines.
 *  - `let` locals (renamed per coordinate), `if/else`, `Math.sqrt/pow/abs/min/max/sign`.
 *
 * The text is parsed once (rule/parse.ts) and validated as the registry loads
 * (rule/validate.ts); the engines print the transformed tree (rule/transforms.ts, rule/print.ts).
 * Repeated pieces (maximize, weight decay, lr/eps/betas) live in fragments.ts.
 */

export interface NumberHparam {
  readonly kind: 'number'
  readonly default: number
  /** Returns a problem description when the value is out of range, else null. */
  readonly check?: (v: number) => string | null
  readonly doc: string
}

export interface BooleanHparam {
  readonly kind: 'boolean'
  readonly default: boolean
  readonly doc: string
}

export interface PairHparam {
  readonly kind: 'pair'
  readonly default: readonly [number, number]
  /** Names of the two components inside rule code, e.g. ['beta1', 'beta2']. */
  readonly codeNames: readonly [string, string]
  readonly check?: (v: readonly [number, number]) => string | null
  readonly doc: string
}

export type HparamSpec = NumberHparam | BooleanHparam | PairHparam

export type HparamValue = number | boolean | readonly [number, number]

/** Hyperparameters with torch's names; every key present once resolved. */
export type Hparams = Readonly<Record<string, HparamValue>>

export interface OptimizerDef {
  /** Lowercase name as in scenarios (`adam`). */
  readonly name: string
  /** Display name (`Adam`). */
  readonly title: string
  /** Where the rule comes from. */
  readonly source: string
  /**
   * The update rule in math notation, one line per step, written once beside the optimizer's
   * doc comment (torch's algorithm box).
   */
  readonly math: readonly string[]
  /** The math on one line, shown as the tooltip (mathTooltip(math)). */
  readonly rule: string
  readonly hparams: Readonly<Record<string, HparamSpec>>
  /** Checks across several hyperparameters (torch's constructor checks). */
  readonly crossCheck?: (h: Hparams) => string | null
  /** Per-coordinate state slots and the code expression each starts at. */
  readonly state: Readonly<Record<string, string>>
  /** Per-particle scalar slots (shared by the coordinates) and their initial values. */
  readonly particleState?: Readonly<Record<string, string>>
  /** Code run once per particle and step, before the coordinates; may declare `let`s and read `g_norm2`. */
  readonly prelude?: string
  /** Code run for each coordinate. */
  readonly update: string
  /**
   * The diagonal preconditioner P_c after an update, as a per-coordinate expression in the rule's
   * vocabulary (prelude locals allowed), for the preconditioned sharpness λ₁(P⁻¹H) at the edge of
   * stability (docs/central-flows.md, "Thresholds for other optimizers"). Absent for optimizers without one.
   */
  readonly preconditioner?: string
  /**
   * Per-coordinate state slots the rule reads and writes only when a hyperparameter is non-zero
   * (e.g. Adam's max_exp_avg_sq only under amsgrad). A kernel launch where it is zero for every
   * particle leaves such a slot out of what it hands back (fewer threads per particle).
   */
  readonly slotUsedIf?: Readonly<Record<string, string>>
  /** Per-coordinate state slots worth reporting as extra trajectories (ASGD's average). */
  readonly outputs?: Readonly<Record<string, string>>
}
