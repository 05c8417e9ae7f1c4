/** Run settings: number of steps, gradient noise, and how many steps each drawn point stands for. */
import { hasCentralFlow } from '../../src-shared/eos/eligibility'
import { setNoise, setSteps } from '../store/actions'
import { effectiveEvery, formatNumber } from '../store/scenario'
import { editScenario, endGesture, useUi } from '../store/ui-store'
import { NumberField, Section, Segmented, Tip } from '../ui/controls'
import { fromPosition, STEPS, toPosition } from './scales'

const STEP_SCALE = { kind: 'log', min: 1, max: 20000 } as const
const NOISE_SCALE = { kind: 'log0', min: 1e-3, max: 100 } as const

export function RunPanel() {
  const scenario = useUi((s) => s.scenario)
  const every = effectiveEvery(scenario)
  const auto = scenario.record.every === 'auto'
  const centralFlow = scenario.extra.central_flow === true
  const precision = scenario.extra.precision === 'float32' ? 'float32' : 'float64'
  const eligible = scenario.optimizers.some((o) => hasCentralFlow(o))
  return (
    <Section title="Run" testId="panel-run" aside={<span className="aside">{scenario.steps} steps</span>}>
      <div className="hp-row">
        <span className="hp-name">steps</span>
        <input
          type="range"
          className="slider"
          min={0}
          max={STEPS}
          aria-label="steps"
          data-testid="steps-slider"
          value={toPosition(STEP_SCALE, scenario.steps)}
          onChange={(e) => setSteps(Math.max(1, Math.round(fromPosition(STEP_SCALE, Number(e.target.value)))))}
          onPointerUp={endGesture}
        />
        <NumberField
          label="steps value"
          value={scenario.steps}
          integer
          min={1}
          max={1_000_000}
          width={70}
          onCommit={(v) => setSteps(v)}
          testId="steps-value"
        />
      </div>
      <div className="hp-row">
        <Tip
          tip="Standard deviation of Gaussian noise added to every gradient component (reproducible from the seed): a stand-in for minibatch noise."
          wide
        >
          <span className="hp-name">noise σ</span>
        </Tip>
        <input
          type="range"
          className="slider"
          min={0}
          max={STEPS}
          aria-label="gradient noise"
          value={toPosition(NOISE_SCALE, scenario.noise.std)}
          onChange={(e) => setNoise(fromPosition(NOISE_SCALE, Number(e.target.value)))}
          onPointerUp={endGesture}
        />
        <NumberField label="noise value" value={scenario.noise.std} min={0} width={70} onCommit={(v) => setNoise(v)} />
      </div>
      <div className="keep-row">
        <Tip
          tip="Every k-th step is kept and drawn. Automatic keeps the scene within its point budget; the optimizer still takes every step."
          wide
        >
          <span className="hp-name">keep every</span>
        </Tip>
        <label className="check">
          <input
            type="checkbox"
            checked={auto}
            onChange={(e) => editScenario((s) => ({ ...s, record: { ...s.record, every: e.target.checked ? 'auto' : every } }))}
          />
          auto
        </label>
        <NumberField
          label="keep every k-th step"
          value={every}
          integer
          min={1}
          width={60}
          onCommit={(v) => editScenario((s) => ({ ...s, record: { ...s.record, every: v } }))}
        />
        <span className="muted small">{formatNumber(Math.floor(scenario.steps / every) + 1)} pts / run</span>
      </div>
      <div className="keep-row">
        <Tip
          wide
          tip={
            <>
              The <strong>central flow</strong> (Cohen et al., ICLR 2025): the smooth path that oscillating gradient descent follows at the
              edge of stability. Computed for runs of plain GD (<code>sgd</code> without momentum), <code>rmsprop</code> (no momentum, not
              centered) and <code>scalar_rmsprop</code>, without weight decay. Drawn in white; in the chart, its predicted loss is dashed.
            </>
          }
        >
          <span className="hp-name">central flow</span>
        </Tip>
        <label className="check">
          <input
            type="checkbox"
            checked={centralFlow}
            data-testid="central-flow"
            onChange={(e) =>
              editScenario((s) => {
                const { central_flow: _cf, ...extra } = s.extra
                return { ...s, extra: e.target.checked ? { ...extra, central_flow: true } : extra }
              })
            }
          />
          show
        </label>
        {centralFlow && !eligible && <span className="muted small">no GD / RMSprop run to follow</span>}
      </div>
      <div className="keep-row">
        <Tip
          wide
          tip={
            <>
              <strong>float64</strong>: the reference path, exact to rounding (what <code>cli run</code> computes). <strong>float32</strong>
              : the kernels: GPU.js on the GPU where one answers, else Gradscape's WebAssembly SIMD kernel on every core; many times faster
              for thousands of runs, checked against float64 to 1e-3·(1+|x|). The bottom bar shows the backend in use.
            </>
          }
        >
          <span className="hp-name">precision</span>
        </Tip>
        <Segmented
          label="precision"
          testId="precision"
          value={precision}
          options={[
            { value: 'float64', label: 'float64' },
            { value: 'float32', label: 'float32 kernels' },
          ]}
          onChange={(p) =>
            editScenario((s) => {
              const { precision: _p, ...extra } = s.extra
              return { ...s, extra: p === 'float64' ? extra : { ...extra, precision: p } }
            })
          }
        />
      </div>
    </Section>
  )
}
