/**
 * The in-app note on the edge of stability and central flows (the same text as
 * docs/central-flows.md), and the papers the EoS view cites. The scene captions and preset notes
 * refer to "§5 Lk" (the project's research spec); `citationFor` turns such a reference into a
 * section of this note and the paper it rests on.
 */

export interface Paper {
  readonly id: string
  readonly authors: string
  readonly title: string
  readonly venue: string
}

export const PAPERS: Readonly<Record<string, Paper>> = {
  CF: {
    id: 'CF',
    authors: 'Cohen, Damian, Talwalkar, Kolter, Lee',
    title: 'Understanding Optimization in Deep Learning with Central Flows',
    venue: 'ICLR 2025',
  },
  EoS: {
    id: 'EoS',
    authors: 'Cohen, Kaur, Li, Kolter, Talwalkar',
    title: 'Gradient Descent on Neural Networks Typically Occurs at the Edge of Stability',
    venue: 'ICLR 2021',
  },
  AEoS: { id: 'AEoS', authors: 'Cohen et al.', title: 'Adaptive Gradient Methods at the Edge of Stability', venue: 'arXiv:2207.14484' },
  SS: {
    id: 'SS',
    authors: 'Damian, Nichani, Lee',
    title: 'Self-Stabilization: The Implicit Bias of Gradient Descent at the Edge of Stability',
    venue: 'ICLR 2023',
  },
  Z: {
    id: 'Z',
    authors: 'Zhu, Wang, Wang, Zhou, Ge',
    title: 'Understanding Edge-of-Stability Training Dynamics with a Minimalist Example',
    venue: 'ICLR 2023',
  },
  K: {
    id: 'K',
    authors: 'Kreisler, Shpigel Nacson, Soudry, Carmon',
    title: 'Gradient Descent Monotonically Decreases the Sharpness of Gradient Flow Solutions in Scalar Networks and Beyond',
    venue: 'ICML 2023',
  },
}

export const paperText = (p: Paper): string => `${p.authors}, “${p.title}”, ${p.venue}`

export interface NoteSection {
  readonly id: string
  readonly title: string
  readonly paragraphs: readonly string[]
  readonly cites: readonly string[]
}

export const CENTRAL_FLOW_NOTE: readonly NoteSection[] = [
  {
    id: 'edge',
    title: 'The edge of stability',
    paragraphs: [
      'The sharpness S(w) is the largest eigenvalue of the Hessian of the loss. On a quadratic, gradient descent with learning rate η is stable along an eigenvector exactly when its eigenvalue is below 2/η; above it, the error along that direction flips sign and grows every step.',
      'On neural networks the sharpness tends to rise during training (progressive sharpening) until it reaches 2/η, and then hovers there: the loss keeps falling over long times while it oscillates over short ones. This regime is the edge of stability.',
    ],
    cites: ['EoS'],
  },
  {
    id: 'thresholds',
    title: 'Thresholds for other optimizers',
    paragraphs: [
      'The threshold belongs to the optimizer, not to the landscape. Heavy-ball momentum β (torch SGD) is stable up to S = (2 + 2β)/η, Nesterov up to (2 + 2β)/(η(1 + 2β)). Adaptive methods act on a preconditioned Hessian P⁻¹H: RMSprop without momentum is stable while λ₁(P⁻¹H) ≤ 2, Adam while λ₁(P⁻¹H) ≤ (2 + 2β₁)/((1 − β₁)η), which is 38/η at β₁ = 0.9.',
      'Panel (b) therefore plots the quantity the selected run’s own threshold limits (S for GD and momentum, λ₁(P⁻¹H) for Adam and RMSprop), and its label names that run’s optimizer.',
    ],
    cites: ['AEoS', 'EoS'],
  },
  {
    id: 'flow',
    title: 'The central flow',
    paragraphs: [
      'At the edge, write GD’s iterate as a smooth path plus an oscillation along the top eigenvector: w_t = w(t) + x_t·u(t). Expanding the gradient to second order in x_t and averaging over the oscillation gives an averaged gradient ∇L(w) + ½σ²∇S(w), where σ² is the mean square of x_t and ∇S is the gradient of the sharpness.',
      'The central flow follows dw/dt = −η[∇L(w) + ½σ²∇S(w)] with σ² chosen so the sharpness stays exactly at the threshold: σ² = 2⟨−∇L, ∇S⟩/‖∇S‖², clipped at zero. Below the edge σ² = 0 and the flow is plain gradient flow, which GD tracks closely; at the edge the extra term removes the part of the gradient that would raise the sharpness.',
      'The flow predicts GD’s time-averaged loss, L(w) + ½⟨H, Σ⟩ with Σ = σ²uuᵀ (the dashed white curve in panel (a)), and the size of GD’s oscillation along u, ±σ (dashed in panel (c)). In the 3-D view, the blue segment through the flow’s point is Σ: it spans ±σ along u.',
    ],
    cites: ['CF', 'SS'],
  },
  {
    id: 'view',
    title: 'Reading the view',
    paragraphs: [
      '(a) the run’s loss (faint), its centred 21-step trapezoid average (solid: it cancels a period-2 oscillation exactly) and the flow’s predicted average loss. (b) the sharpness against the run’s threshold; the onset is the first step at or above it. (c) the run’s displacement from its smoothed path along u. A run that never reaches its threshold is not at the edge, and panel (c) says so instead of plotting smoothing residue.',
      'In the 3-D view the flow is drawn as a wide translucent band under the run’s path, so the two stay visible where they coincide (before the onset) as well as where GD oscillates around the flow. “Zoom to path” frames the camera on the selected run.',
    ],
    cites: [],
  },
  {
    id: 'scene-l1',
    title: 'Scene: cubic valley',
    paragraphs: [
      'L = ½(x − 4.5)² + ½(1 + x)y². Along the floor y = 0 the sharpness is 1 + x, so it grows as GD moves toward x = 4.5; at η = 0.4 it reaches 2/η = 5 at x = 4. GD then settles into the exact two-cycle (4, ±1) while the central flow rests at (4, 0) with σ² = 1: an exact check of the flow’s predictions.',
    ],
    cites: ['CF'],
  },
  {
    id: 'scene-l2',
    title: 'Scene: Zhu et al.’s minimalist example',
    paragraphs: [
      'L = ¼(x²y² − 1)² at η = 0.15. After a large initial transient GD drifts along the valley of minima x²y² = 1 with its sharpness near 2/η ≈ 13.3, and the flow ends at the minimum whose sharpness equals 2/η. The action happens in a small part of the drawn region: use “Zoom to path”.',
    ],
    cites: ['Z', 'CF'],
  },
  {
    id: 'scene-l3',
    title: 'Scene: Rosenbrock',
    paragraphs: [
      'At η = 0.0025 (2/η = 800) the sharpness rises slowly along the curved valley until GD reaches the edge near step 1000; the oscillation is bursty and the flow describes it only on average.',
    ],
    cites: ['EoS', 'CF'],
  },
  {
    id: 'scene-l5',
    title: 'Scene: scalar network',
    paragraphs: [
      'L = ½(ab − 1)², a depth-2 network with one weight per layer: its minima form a hyperbola whose sharpness a² + b² varies along it. Started just above 2/η, GD takes a short catapult and then converges to a flatter minimum below 2/η; it does not drift at the edge, so the central flow, which predicts exactly 2/η, is outside its regime here.',
    ],
    cites: ['K'],
  },
  {
    id: 'scene-l7',
    title: 'Scene: quadratic, no self-stabilisation',
    paragraphs: [
      'On a quadratic the third derivative is zero, so nothing pulls the sharpness back once it exceeds 2/η: with S = 100 > 2/η = 80 the steep coordinate grows 1.5× per step and GD diverges. The central flow does not exist here; the view says where it stops.',
    ],
    cites: ['SS'],
  },
]

/** The note section and papers behind a "§5 Lk" reference, or the general sections for other references. */
export function citationFor(ref: string): { section: NoteSection; papers: Paper[] } | null {
  const m = /§\s*(\d+)(?:\s*L(\d+))?/.exec(ref)
  if (!m) return null
  const id = m[1] === '5' && m[2] ? `scene-l${m[2]}` : m[1] === '1' ? 'thresholds' : 'flow'
  const section = CENTRAL_FLOW_NOTE.find((s) => s.id === id) ?? CENTRAL_FLOW_NOTE.find((s) => s.id === 'flow')!
  return { section, papers: section.cites.map((c) => PAPERS[c]) }
}

/** Split caption text at its "(§5 L1)" references (scene L1…L5 of the in-app note; the older "(CENTRAL-FLOWS §5 L5)" spelling is read too). */
export function splitCitations(text: string): Array<{ text: string } | { ref: string }> {
  const out: Array<{ text: string } | { ref: string }> = []
  const re = /\s*\((?:CENTRAL-FLOWS(?:\.md)?\s*)?(§\s*\d+(?:\s*L\d+)?)\)/g
  let last = 0
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index) })
    out.push({ ref: m[1] })
    last = m.index + m[0].length
  }
  if (last < text.length) out.push({ text: text.slice(last) })
  return out
}
