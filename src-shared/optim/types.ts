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
 *
 * Stages (OptimizerDef.stages) — for rules that need more than one pass over the coordinates.
 * A step runs `stages` in order, then `prelude`, then `update`; each stage is one of
 *  - `coordinates`: code run for each coordinate (like `update`, but it does not move `p`). Its
 *    `let`s are per-coordinate values every later coordinate stage, reduction and the update read
 *    by name; it may write `g` and the state slots.
 *  - `particle`: code run once per particle (like `prelude`); writes particle slots and its lets.
 *  - `reduce`: `name` = the sum (`op: 'sum'`) or maximum (`'max'`) over the coordinates of a
 *    per-coordinate expression (‖c‖² for MARS, max|g| for Gravity); a particle value afterwards.
 *  - `gradientAt`: `name` = ∇L at another point, the point given coordinate-wise by the expression
 *    `point` (`p + e` for SAM); a per-coordinate value afterwards. It carries the step's own noise
 *    sample (the same minibatch, evaluated at the other point).
 *  - `dense2`: code run once per particle that sees the whole 2-D problem: `p_x p_y g_x g_y`, the
 *    Hessian `h_xx h_xy h_yy`, Gauss–Newton's `jtj_xx jtj_xy jtj_yy jtr_x jtr_y` (JᵀJ and Jᵀr
 *    of the landscape's residuals) and the particle values; it writes the per-coordinate values it
 *    declares in `defines` as `name_x`, `name_y`. Rules with a dense stage are 2-D only (a dense
 *    solve or eigendecomposition); every other stage works for any number of coordinates.
 * Extra vocabulary, in every stage and the update: `loss` (L at the current point, before noise),
 * and per coordinate `h_diag` (the Hessian's diagonal entry). What a rule needs from the landscape
 * (loss, Hessian, residuals, gradients elsewhere, 2-D) is read from its tree (`ruleNeeds`), and
 * each engine states which rules it runs (`OptimizerDef`'s `backends`, checked as it builds).
 */

export interface NumberHparam {
  readonly kind: 'number'
  readonly default: number | null
  /** When set, `null` (the reference's `None`) is accepted and reaches rule code as this number. */
  readonly none?: number
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
  /** Two components (torch's betas) or three (AdEMAMix's β₁, β₂, β₃). */
  readonly default: readonly [number, number] | readonly [number, number, number]
  /** Names of the components inside rule code, e.g. ['beta1', 'beta2']; as many as `default`. */
  readonly codeNames: readonly [string, string] | readonly [string, string, string]
  readonly check?: (v: readonly number[]) => string | null
  readonly doc: string
}

/** A named variant fixed by the reference implementation (`mars_type`); code value: its index. */
export interface ChoiceHparam {
  readonly kind: 'choice'
  readonly default: string
  readonly options: readonly string[]
  readonly doc: string
}

export type HparamSpec = NumberHparam | BooleanHparam | PairHparam | ChoiceHparam

/** `null` stands for the reference's `None` where a number hyperparameter allows it (NumberHparam.none). */
export type HparamValue = number | boolean | readonly [number, number] | readonly [number, number, number] | string | null

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
  /** Stages run in order before the prelude (see the header). */
  readonly stages?: readonly RuleStage[]
  /**
   * Engines that cannot run this rule, each with the reason (e.g. a 2×2 eigendecomposition on
   * GPU.js). Absent: every engine runs it. The picker marks these; an engine refuses them by name.
   */
  readonly unsupported?: Readonly<Partial<Record<Backend, string>>>
}

/** The engines a rule can run on: the float64 reference loop, the WebAssembly kernel, GPU.js. */
export type Backend = 'float64' | 'wasm' | 'gpujs'

/** One stage of a rule (see the header). */
export type RuleStage =
  | { readonly kind: 'coordinates'; readonly code: string }
  | { readonly kind: 'particle'; readonly code: string }
  | { readonly kind: 'reduce'; readonly name: string; readonly op: 'sum' | 'max'; readonly of: string }
  | { readonly kind: 'gradientAt'; readonly name: string; readonly point: string }
  | { readonly kind: 'dense2'; readonly code: string; readonly defines: readonly string[] }
