/**
 * Edge-of-stability scenes (docs/central-flows.md, the "Scene: …" sections): a preset landscape with the learning rate,
 * start and length at which plain gradient descent shows (or, for the last two, fails to show)
 * the behaviour the central flow describes. The gallery's "Edge of stability" section loads one:
 * a single GD run with per-step sharpness and its central flow, and opens the EoS view.
 */

export interface EosScene {
  readonly id: string
  /** The preset landscape (src-shared/landscape/presets.ts). */
  readonly preset: string
  readonly title: string
  /** GD's learning rate η (torch SGD, momentum 0). */
  readonly lr: number
  readonly start: readonly [number, number]
  readonly steps: number
  /** What to look for, one or two sentences. */
  readonly caption: string
  /**
   * Set when the scene lies outside the central flow's regime (§8); the view shows it beside the
   * preset's own centralFlowNote.
   */
  readonly outsideRegime?: boolean
}

export const EOS_SCENES: readonly EosScene[] = [
  {
    id: 'eos_cubic_valley',
    preset: 'cubic_valley',
    title: 'Cubic valley',
    lr: 0.4,
    start: [0, 0.1],
    steps: 300,
    caption:
      'Sharpness 1 + x rises along the floor to 2/η = 5 at x = 4; GD settles into the exact 2-cycle (4, ±1) while the flow rests at (4, 0) with σ² = 1 (§5 L1).',
  },
  {
    id: 'eos_zhu',
    preset: 'zhu_eos',
    title: 'Zhu et al.',
    lr: 0.15,
    start: [3, 1 / 6],
    steps: 800,
    caption:
      'After a large transient GD drifts along the valley x²y² = 1 at sharpness ≈ 2/η ≈ 13.3; the flow ends at the η-EoS minimum (2.552, 0.392) (§5 L2).',
  },
  {
    id: 'eos_rosenbrock',
    preset: 'rosenbrock',
    title: 'Rosenbrock',
    lr: 0.0025,
    start: [0, 0],
    steps: 3000,
    caption:
      'Slow progressive sharpening along the valley up to 2/η = 800 (GD crosses near step 1011); bursty oscillation that the flow captures only on average (§5 L3).',
  },
  {
    id: 'eos_scalar_network',
    preset: 'scalar_network',
    title: 'Scalar network',
    lr: 0.41,
    start: [0.5, 2.2],
    steps: 400,
    caption:
      'φ(w₀) = √((a²−b²)² + 4) is 2.6% above 2/η: a short catapult, then GD converges below 2/η while the flow predicts exactly 2/η (§5 L5).',
    outsideRegime: true,
  },
  {
    id: 'eos_quadratic',
    preset: 'ill_conditioned_quadratic',
    title: 'Quadratic, no self-stabilisation',
    lr: 0.025,
    start: [-8, 1],
    steps: 60,
    caption:
      'S = 100 > 2/η = 80 everywhere and D³L = 0: nothing pulls the sharpness back, |y| grows 1.5× per step, and the central flow does not exist (§5 L7).',
    outsideRegime: true,
  },
]

export function findEosScene(id: string): EosScene | undefined {
  return EOS_SCENES.find((s) => s.id === id)
}
