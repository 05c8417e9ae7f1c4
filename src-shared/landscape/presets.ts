/**
 * Named landscapes. Each formula is plain math.js text and goes through the same parser
 * and whitelist as anything a user types; the `expr` strings match `reference/torch/`.
 */

export interface Preset {
  readonly id: string
  readonly title: string
  readonly expr: string
  /** One line shown in the gallery. */
  readonly description: string
  /** Region to draw: [xmin, xmax] × [ymin, ymax]. */
  readonly view: { readonly x: readonly [number, number]; readonly y: readonly [number, number] }
  /** Learning rates that give an instructive picture for plain GD and for Adam. */
  readonly suggested: { readonly sgd_lr: number; readonly adam_lr: number }
  /** A start point that shows the landscape's character. */
  readonly start: readonly [number, number]
  /** Known minima, for readouts and tests. */
  readonly minima?: ReadonlyArray<readonly [number, number]>
  /** Caveat shown for edge-of-stability / central-flow use (docs/central-flows.md, "Reading the view"). */
  readonly centralFlowNote?: string
}

export const PRESETS: readonly Preset[] = [
  {
    id: 'rosenbrock',
    title: 'Rosenbrock',
    expr: '(1-x)^2 + 100*(y-x^2)^2',
    description: 'A curved, narrow valley: finding it is easy, following it to (1, 1) is hard.',
    view: { x: [-2, 2], y: [-1, 3] },
    suggested: { sgd_lr: 1e-3, adam_lr: 0.02 },
    start: [-1.5, 2],
    minima: [[1, 1]],
  },
  {
    id: 'himmelblau',
    title: 'Himmelblau',
    expr: '(x^2+y-11)^2 + (x+y^2-7)^2',
    description: 'Four equal minima: where each optimizer ends up depends on where it starts.',
    view: { x: [-5, 5], y: [-5, 5] },
    suggested: { sgd_lr: 0.01, adam_lr: 0.1 },
    start: [0, 0],
    minima: [
      [3, 2],
      [-2.805118, 3.131312],
      [-3.77931, -3.283186],
      [3.584428, -1.848127],
    ],
  },
  {
    id: 'beale',
    title: 'Beale',
    expr: '(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2',
    description: 'Flat plateaus and sharp ridges; the minimum (3, 0.5) sits in a narrow curved basin.',
    view: { x: [-4.5, 4.5], y: [-4.5, 4.5] },
    suggested: { sgd_lr: 1e-3, adam_lr: 0.05 },
    start: [1, 1.5],
    minima: [[3, 0.5]],
  },
  {
    id: 'booth',
    title: 'Booth',
    expr: '(x + 2*y - 7)^2 + (2*x + y - 5)^2',
    description: 'A tilted convex quadratic bowl with its minimum at (1, 3).',
    view: { x: [-10, 10], y: [-10, 10] },
    suggested: { sgd_lr: 0.02, adam_lr: 0.2 },
    start: [-8, -6],
    minima: [[1, 3]],
  },
  {
    id: 'three_hump_camel',
    title: 'Three-hump camel',
    expr: '2*x^2 - 1.05*x^4 + x^6/6 + x*y + y^2',
    description: 'One global minimum at the origin flanked by two local minima.',
    view: { x: [-3, 3], y: [-3, 3] },
    suggested: { sgd_lr: 0.02, adam_lr: 0.05 },
    start: [-2.2, 1.5],
    minima: [[0, 0]],
  },
  {
    id: 'goldstein_price',
    title: 'Goldstein–Price (÷10⁴)',
    expr: '(1 + (x + y + 1)^2*(19 - 14*x + 3*x^2 - 14*y + 6*x*y + 3*y^2))*(30 + (2*x - 3*y)^2*(18 - 32*x + 12*x^2 + 48*y - 36*x*y + 27*y^2))/10000',
    description: 'Huge dynamic range (scaled by 10⁻⁴) with a global minimum 3·10⁻⁴ at (0, −1).',
    view: { x: [-2, 2], y: [-3, 1] },
    suggested: { sgd_lr: 1e-4, adam_lr: 0.01 },
    start: [-0.5, 0.5],
    minima: [[0, -1]],
  },
  {
    id: 'rastrigin',
    title: 'Rastrigin',
    expr: '20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)',
    description: 'A regular egg-crate of local minima over a bowl: a trap for small steps.',
    view: { x: [-5.12, 5.12], y: [-5.12, 5.12] },
    suggested: { sgd_lr: 1e-3, adam_lr: 0.05 },
    start: [3.3, -2.7],
    minima: [[0, 0]],
  },
  {
    id: 'ackley',
    title: 'Ackley',
    expr: '-20*exp(-0.2*sqrt(0.5*(x^2 + y^2))) - exp(0.5*(cos(2*pi*x) + cos(2*pi*y))) + e + 20',
    description: 'A nearly flat, rippled plain around one deep funnel at the origin (not smooth there).',
    view: { x: [-5, 5], y: [-5, 5] },
    suggested: { sgd_lr: 0.01, adam_lr: 0.05 },
    start: [2.5, -3.2],
    minima: [[0, 0]],
  },
  {
    id: 'saddle',
    title: 'Saddle',
    expr: 'x^2 - y^2',
    description: 'The plain saddle: escape is along y, and a start on y = 0 never escapes.',
    view: { x: [-2, 2], y: [-2, 2] },
    suggested: { sgd_lr: 0.05, adam_lr: 0.05 },
    start: [1.5, 1e-3],
  },
  {
    id: 'monkey_saddle',
    title: 'Monkey saddle',
    expr: 'x^3 - 3*x*y^2',
    description: 'A degenerate saddle with three descending valleys: the Hessian vanishes at the origin.',
    view: { x: [-1.5, 1.5], y: [-1.5, 1.5] },
    suggested: { sgd_lr: 0.02, adam_lr: 0.02 },
    start: [0.6, 0.2],
  },
  {
    id: 'ill_conditioned_quadratic',
    title: 'Ill-conditioned quadratic',
    expr: '0.5*(x^2 + 100*y^2)',
    description: 'Condition number 100: GD zig-zags across the steep direction, stable only for lr < 0.02.',
    view: { x: [-10, 10], y: [-2, 2] },
    suggested: { sgd_lr: 0.019, adam_lr: 0.1 },
    start: [-8, 1],
    minima: [[0, 0]],
  },
  {
    id: 'scalar_network',
    title: 'Scalar network ½(xy−1)²',
    expr: '0.5*(x*y - 1)^2',
    description: 'A depth-2 linear network with one weight per layer: a hyperbola of minima of varying sharpness.',
    view: { x: [-1, 7], y: [-1, 7] },
    suggested: { sgd_lr: 0.05, adam_lr: 0.05 },
    start: [0.2, 6],
    minima: [[1, 1]],
    centralFlowNote: "Outside the central flow's regime: GD here is a short catapult, not a slow drift at the edge of stability (§5 L5).",
  },
  {
    id: 'zhu_eos',
    title: 'Zhu et al. ¼(x²y²−1)²',
    expr: '0.25*(x^2*y^2 - 1)^2',
    description: 'The minimalist edge-of-stability example: GD drifts along the valley at sharpness ≈ 2/η.',
    view: { x: [-0.5, 3.5], y: [-0.5, 1.5] },
    suggested: { sgd_lr: 0.15, adam_lr: 0.02 },
    start: [3, 1 / 6],
    minima: [[1, 1]],
  },
  {
    id: 'cubic_valley',
    title: 'Cubic valley',
    expr: '0.5*(x - 4.5)^2 + 0.5*(1 + x)*y^2',
    description: 'Sharpness 1 + x grows along the valley floor: at lr 0.4 GD settles into a 2-cycle at x = 4 (exact oracle).',
    view: { x: [-1, 6], y: [-2, 2] },
    suggested: { sgd_lr: 0.4, adam_lr: 0.05 },
    start: [0, 0.1],
    minima: [[4.5, 0]],
  },
]

const byId = new Map(PRESETS.map((p) => [p.id, p]))

export function findPreset(id: string): Preset | undefined {
  return byId.get(id)
}
