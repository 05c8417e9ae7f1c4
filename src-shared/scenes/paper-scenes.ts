/**
 * Paper scenes: a landscape, optimizers, starts and a step budget at which a paper's claim shows
 * in 2-D, with one sentence on what to look at and the paper it comes from. The gallery's
 * "From the papers" section loads one (src-renderer/panels/PaperScenes.tsx); each claim is checked
 * numerically on the float64 engine (tests/shared/paper-scenes.test.ts), so a caption never
 * promises what the numbers do not show.
 */

/** One optimizer entry of a scenario (torch / reference names, defaults filled in by the engine). */
export type SceneOptimizer = { readonly name: string } & Readonly<Record<string, unknown>>

export interface PaperScene {
  readonly id: string
  readonly title: string
  /** The landscape as an expression (a scene owns its landscape; no preset is added for it). */
  readonly expr: string
  /** Region drawn: [xmin, xmax] × [ymin, ymax]. */
  readonly view: { readonly x: readonly [number, number]; readonly y: readonly [number, number] }
  readonly optimizers: readonly SceneOptimizer[]
  readonly starts: readonly (readonly [number, number])[]
  readonly steps: number
  /** What to look at, one sentence. */
  readonly caption: string
  readonly citation: { readonly authors: string; readonly year: number; readonly title: string }
}

export const PAPER_SCENES: readonly PaperScene[] = [
  {
    id: 'paper_saddle_free_newton',
    title: 'Saddle-free Newton',
    // A saddle at the origin between two minima at (0, ±1).
    expr: 'x^2 - y^2 + 0.5*y^4',
    view: { x: [-2, 2], y: [-1.6, 1.6] },
    optimizers: [
      { name: 'newton', lr: 0.5 },
      { name: 'saddlefreenewton', lr: 0.5 },
    ],
    starts: [
      [1.5, 0.3],
      [-1.2, -0.4],
      [1, -0.2],
    ],
    steps: 40,
    caption:
      'Newton rescales by the Hessian and walks straight into the saddle at the origin; saddle-free Newton divides by |H| instead, so the negative-curvature direction pushes it away, down to the minima at (0, ±1).',
    citation: {
      authors: 'Dauphin et al.',
      year: 2014,
      title: 'Identifying and attacking the saddle point problem in high-dimensional non-convex optimization',
    },
  },
  {
    id: 'paper_newton_maximum',
    title: 'Newton finds a maximum',
    // A bump at the origin inside a ring of minima at r² = ln 20.
    expr: '0.05*(x^2 + y^2) + exp(-(x^2 + y^2))',
    view: { x: [-2.5, 2.5], y: [-2.5, 2.5] },
    optimizers: [
      { name: 'newton', lr: 0.5 },
      { name: 'sgd', lr: 0.1 },
    ],
    starts: [
      [0.5, 0.3],
      [-0.4, 0.2],
      [0.2, -0.5],
    ],
    steps: 60,
    caption:
      'Where the surface is concave Newton’s step points uphill: from the same starts GD rolls down to the ring of minima while Newton climbs to the bump’s top, the maximum at the origin.',
    citation: {
      authors: 'Dauphin et al.',
      year: 2014,
      title: 'Identifying and attacking the saddle point problem in high-dimensional non-convex optimization',
    },
  },
  {
    id: 'paper_clipping_cliff',
    title: 'Clipping on a cliff',
    // A gentle slope that drops 6 over a width of about 0.05 at x = 0, then a valley at x = 3.
    expr: '0.5*y^2 + 0.05*(x - 3)^2 + 3*(1 - tanh(40*x))',
    view: { x: [-3, 9], y: [-1.5, 1.5] },
    optimizers: [
      { name: 'sgd', lr: 0.1 },
      { name: 'clipsgd', lr: 0.1, max_norm: 1 },
    ],
    starts: [[-2, 1]],
    steps: 200,
    caption:
      'Both walk the same gentle slope to the cliff, where the gradient is about 80: one plain SGD step there throws the point 8 units, far past the valley, and it crawls back, while with the norm clipped to 1 every step is at most lr and it walks down the cliff into the valley.',
    citation: { authors: 'Pascanu, Mikolov & Bengio', year: 2013, title: 'On the difficulty of training Recurrent Neural Networks' },
  },
  {
    id: 'paper_lion_sign',
    title: 'Lion’s sign steps',
    expr: '0.5*(x^2 + 10*y^2)',
    view: { x: [-3.5, 3.5], y: [-1.6, 1.6] },
    optimizers: [
      { name: 'lion', lr: 0.05 },
      { name: 'adam', lr: 0.05 },
    ],
    starts: [
      [-3, 1.2],
      [2.5, -1],
    ],
    steps: 150,
    caption:
      'Lion steps by the sign of its interpolated momentum, so every coordinate moves by exactly lr each step: its path runs at 45° until one coordinate is done, then rattles ±lr about it, while Adam’s steps shrink as it arrives.',
    citation: { authors: 'Chen et al.', year: 2023, title: 'Symbolic Discovery of Optimization Algorithms' },
  },
  {
    id: 'paper_sam_flat',
    title: 'SAM prefers the flat minimum',
    // A sharp, deeper well at (−1, 0) (curvature ≈ 60) beside a flat bowl at (1.5, 0) (curvature 0.16).
    // Momentum matters: SAM without it leaves the well but stalls ρ from its centre, where the
    // perturbed point is the well's minimum and its gradient vanishes (a fixed point of SAM's map).
    expr: '0.08*(x - 1.5)^2 + 0.5*y^2 - 0.6*exp(-((x + 1)^2 + y^2)/0.02)',
    view: { x: [-2, 3], y: [-1.2, 1.2] },
    optimizers: [
      { name: 'sgd', lr: 0.02, momentum: 0.9 },
      { name: 'sam', base_optimizer: 'sgd', lr: 0.02, momentum: 0.9, rho: 0.25 },
    ],
    starts: [
      [-1.2, 0.15],
      [-0.85, -0.1],
      [-1.1, -0.2],
      [-0.9, 0.2],
    ],
    steps: 1500,
    caption:
      'From the same starts beside the sharp well, SGD with momentum settles in it (the deeper minimum), while SAM, whose gradient is taken ρ = 0.25 uphill, sees past a well narrower than ρ and with the same momentum rolls on to the flat minimum at (1.5, 0).',
    citation: { authors: 'Foret et al.', year: 2021, title: 'Sharpness-Aware Minimization for Efficiently Improving Generalization' },
  },
  {
    id: 'paper_ademamix_slow',
    title: 'AdEMAMix’s slow momentum',
    expr: '0.5*(x^2 + 10*y^2)',
    view: { x: [-3.5, 3.5], y: [-1.5, 1.5] },
    optimizers: [
      { name: 'adam', lr: 0.05 },
      { name: 'ademamix', lr: 0.05, betas: [0.9, 0.999, 0.99], alpha: 5 },
    ],
    starts: [[-3, 1]],
    steps: 300,
    caption:
      'AdEMAMix adds α = 5 times a slow EMA of the gradients (β₃ = 0.99) to Adam’s fast one: the old gradients keep pushing after the minimum is passed, so it overshoots to x ≈ 1.2 and comes back, where Adam stops at the minimum.',
    citation: { authors: 'Pagliardini, Ablin & Grangier', year: 2024, title: 'The AdEMAMix Optimizer: Better, Faster, Older' },
  },
  {
    id: 'paper_forward_gradient',
    title: 'Forward gradients',
    expr: '0.5*(x^2 + 4*y^2)',
    view: { x: [-3.5, 3.5], y: [-2.2, 2.2] },
    optimizers: [
      { name: 'sgd', lr: 0.05 },
      { name: 'sgd', lr: 0.05, gradient: { estimator: 'forward', directions: 1, seed: 0 } },
      { name: 'sgd', lr: 0.05, gradient: { estimator: 'forward', directions: 1, seed: 1 } },
    ],
    starts: [[-3, 2]],
    steps: 300,
    caption:
      'A forward gradient (∇L·v)v from one random direction per step costs one forward-mode pass, about as much as a backward pass: it is unbiased but noisy, so at the same lr and step count the two forward runs wander yet still reach the minimum.',
    citation: { authors: 'Baydin et al.', year: 2022, title: 'Gradients without Backpropagation' },
  },
]

export function findPaperScene(id: string): PaperScene | undefined {
  return PAPER_SCENES.find((s) => s.id === id)
}

/** The scene as a scenario document (the contract's fields), as the CLI and the app run it. */
export function paperSceneScenario(scene: PaperScene): Record<string, unknown> {
  return {
    landscape: { expr: scene.expr },
    optimizers: scene.optimizers.map((o) => ({ ...o })),
    init: scene.starts.map((p) => [p[0], p[1]]),
    steps: scene.steps,
  }
}

/** "Authors (year), “Title”": the citation as one line. */
export function citeLine(scene: PaperScene): string {
  const c = scene.citation
  return `${c.authors} (${c.year}), “${c.title}”`
}
