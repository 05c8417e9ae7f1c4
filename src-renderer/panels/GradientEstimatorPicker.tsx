/**
 * Where an optimizer takes its gradient from (issue 12): the exact gradient, the forward gradient
 * (Baydin et al. 2022) or two-point zeroth-order differences (the federated ZO papers), with the
 * estimator's arguments. It edits the optimizer entry's `gradient` field (src-shared/estimator/spec.ts),
 * which travels with the scenario: sessions, share links, exports and the CLI.
 */
import {
  ESTIMATOR_DEFAULTS,
  type EstimatorName,
  type GradientSpec,
  MAX_DIRECTIONS,
  parseGradientSpec,
} from '../../src-shared/estimator/spec'
import { setHparam } from '../store/actions'
import type { OptimizerEntry } from '../store/scenario'
import { NumberField, Tip } from '../ui/controls'

const TIPS: Readonly<Record<EstimatorName, string>> = {
  true: 'The exact gradient ∇L (symbolic).',
  forward:
    'Forward gradient (Baydin et al. 2022): ĝ = (1/K) Σ (∇L·v)v, v ~ N(0, I); ∇L·v is the exact directional derivative forward-mode AD computes. Unbiased, Cov = (‖∇L‖²I + ∇L∇Lᵀ)/K.',
  zeroth_order:
    'Zeroth order: ĝ = (1/K) Σ s·(L(w+μv) − L(w−μv))/(2μ)·v, v Gaussian (s = 1) or uniform on the unit circle (s = d = 2). Two loss evaluations per direction, no gradient.',
}

/** The entry's spec, or the exact gradient where it has none (or one the host will refuse, shown as its problem). */
export function gradientOf(opt: OptimizerEntry): GradientSpec {
  try {
    return parseGradientSpec(opt.gradient, 'gradient')
  } catch {
    return { estimator: 'true' }
  }
}

export function GradientEstimatorPicker({ index, opt }: { readonly index: number; readonly opt: OptimizerEntry }) {
  const spec = gradientOf(opt)
  const set = (next: GradientSpec) => setHparam(index, 'gradient', next.estimator === 'true' ? undefined : next, false)
  const pick = (name: EstimatorName) => {
    if (name === 'true') return set({ estimator: 'true' })
    const directions = spec.estimator === 'true' ? ESTIMATOR_DEFAULTS.directions : spec.directions
    const seed = spec.estimator === 'true' ? ESTIMATOR_DEFAULTS.seed : spec.seed
    if (name === 'forward') return set({ estimator: 'forward', directions, seed })
    set({ estimator: 'zeroth_order', mu: ESTIMATOR_DEFAULTS.mu, directions, distribution: ESTIMATOR_DEFAULTS.distribution, seed })
  }
  return (
    <div className="gradient-picker" data-testid={`gradient-${index}`} style={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <div className="keep-row">
        <Tip tip={TIPS[spec.estimator]} wide>
          <span className={spec.estimator === 'true' ? 'hp-name mono' : 'hp-name mono changed'}>gradient</span>
        </Tip>
        <select
          aria-label="Gradient estimator"
          data-testid={`estimator-${index}`}
          value={spec.estimator}
          onChange={(e) => pick(e.target.value as EstimatorName)}
        >
          <option value="true">exact ∇L</option>
          <option value="forward">forward gradient</option>
          <option value="zeroth_order">zeroth order</option>
        </select>
      </div>
      {spec.estimator !== 'true' && (
        <div className="keep-row" style={{ flexWrap: 'wrap', gap: 6 }}>
          <span className="hp-name mono" title="Directions per step (K)">
            K
          </span>
          <NumberField
            label="Estimator directions"
            integer
            min={1}
            max={MAX_DIRECTIONS}
            width={44}
            value={spec.directions}
            testId={`estimator-directions-${index}`}
            onCommit={(directions) => set({ ...spec, directions })}
          />
          <span className="hp-name mono" style={{ width: 'auto' }} title="Seed of the directions">
            seed
          </span>
          <NumberField label="Estimator seed" integer width={44} value={spec.seed} onCommit={(seed) => set({ ...spec, seed })} />
        </div>
      )}
      {spec.estimator === 'zeroth_order' && (
        <div className="keep-row" style={{ flexWrap: 'wrap', gap: 6 }}>
          <span className="hp-name mono" title="Finite-difference step μ (> 0)">
            μ
          </span>
          <NumberField
            label="Estimator mu"
            min={Number.MIN_VALUE}
            width={60}
            value={spec.mu}
            testId={`estimator-mu-${index}`}
            onCommit={(mu) => set({ ...spec, mu })}
          />
          <select
            aria-label="Direction distribution"
            value={spec.distribution}
            onChange={(e) => set({ ...spec, distribution: e.target.value as 'gaussian' | 'sphere' })}
          >
            <option value="gaussian">Gaussian v</option>
            <option value="sphere">unit circle v (×d)</option>
          </select>
        </div>
      )}
    </div>
  )
}
