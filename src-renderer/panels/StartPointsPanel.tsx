/** Start points: one point, a list (click the surface to add), a grid, or a seeded random cloud. */
import { job } from '../data/job-data'
import { removeStartPoint, round, setInit } from '../store/actions'
import { formatNumber, type InitDoc, type InitMode, initMode, MAX_STARTS, type Pair, presetOf, startCount } from '../store/scenario'
import { endGesture, useUi } from '../store/ui-store'
import { NumberField, Section, Segmented } from '../ui/controls'
import { IconClose } from '../ui/icons'

type Grid = { x: Pair; y: Pair; n: Pair }
type Cloud = { x: Pair; y: Pair; count: number; seed: number }

/** A default of each kind, inside the current region. */
function initOfMode(mode: InitMode, current: InitDoc): InitDoc {
  const { region, scenario, info } = useUi.getState()
  const inner = (r: Pair, f: number): Pair => {
    const c = (r[0] + r[1]) / 2
    const h = ((r[1] - r[0]) / 2) * f
    return [round(c - h), round(c + h)]
  }
  const from = initMode(current)
  switch (mode) {
    case 'point': {
      if (from === 'points') return (current as readonly Pair[])[0]
      const s = presetOf(scenario, info)?.start
      return s ? [s[0], s[1]] : [round((region.x[0] + region.x[1]) / 2), round((region.y[0] + region.y[1]) / 2)]
    }
    case 'points': {
      if (from === 'point') return [current as Pair]
      if (job.starts > 0 && job.starts <= 256)
        return job.runs.slice(0, job.starts).map((r) => [round(r.init[0]), round(r.init[1])] as const)
      return [[round((region.x[0] + region.x[1]) / 2), round((region.y[0] + region.y[1]) / 2)]]
    }
    case 'grid':
      return { grid: { x: inner(region.x, 0.8), y: inner(region.y, 0.8), n: [6, 6] } }
    case 'random':
      return { random: { x: inner(region.x, 0.6), y: inner(region.y, 0.6), count: 24, seed: 1 } }
  }
}

function RangeRow({
  label,
  value,
  onChange,
  testId,
}: {
  readonly label: string
  readonly value: Pair
  readonly onChange: (v: Pair) => void
  readonly testId: string
}) {
  return (
    <div className="range-row">
      <span className="axis">{label}</span>
      <NumberField
        label={`${label} from`}
        value={value[0]}
        width={70}
        testId={`${testId}-0`}
        onCommit={(v) => {
          if (v < value[1]) onChange([v, value[1]])
        }}
      />
      <span className="dash">…</span>
      <NumberField
        label={`${label} to`}
        value={value[1]}
        width={70}
        testId={`${testId}-1`}
        onCommit={(v) => {
          if (v > value[0]) onChange([value[0], v])
        }}
      />
    </div>
  )
}

/** Log-scale count slider 1 … MAX_STARTS. */
function CountSlider({
  value,
  onChange,
  label,
  max = MAX_STARTS,
}: {
  readonly value: number
  readonly onChange: (v: number) => void
  readonly label: string
  readonly max?: number
}) {
  const toPos = (v: number) => Math.round((Math.log(v) / Math.log(max)) * 1000)
  const fromPos = (p: number) => Math.max(1, Math.round(Math.exp((p / 1000) * Math.log(max))))
  return (
    <div className="hp-row">
      <span className="hp-name">{label}</span>
      <input
        type="range"
        className="slider"
        min={0}
        max={1000}
        value={toPos(value)}
        aria-label={label}
        data-testid="count-slider"
        onChange={(e) => onChange(fromPos(Number(e.target.value)))}
        onPointerUp={endGesture}
      />
      <NumberField label={`${label} value`} value={value} integer min={1} max={max} width={70} onCommit={onChange} />
    </div>
  )
}

export function StartPointsPanel() {
  const init = useUi((s) => s.scenario.init)
  const pickMode = useUi((s) => s.pickMode)
  const optimizers = useUi((s) => s.scenario.optimizers.length)
  const mode = initMode(init)
  const count = startCount(init)

  return (
    <Section
      title="Start points"
      testId="panel-starts"
      aside={
        <span className="aside">
          {count} × {optimizers} = {count * optimizers} runs
        </span>
      }
    >
      <Segmented<InitMode>
        label="Kind of start points"
        value={mode}
        testId="init-mode"
        options={[
          { value: 'point', label: 'Point' },
          { value: 'points', label: 'List' },
          { value: 'grid', label: 'Grid' },
          { value: 'random', label: 'Random' },
        ]}
        onChange={(m) => {
          if (m !== mode) setInit(initOfMode(m, init))
        }}
      />
      {mode === 'point' && (
        <div className="range-row">
          <span className="axis">x</span>
          <NumberField label="start x" value={(init as Pair)[0]} width={80} onCommit={(v) => setInit([v, (init as Pair)[1]])} />
          <span className="axis">y</span>
          <NumberField label="start y" value={(init as Pair)[1]} width={80} onCommit={(v) => setInit([(init as Pair)[0], v])} />
        </div>
      )}
      {mode === 'points' && (
        <ul className="point-list">
          {(init as readonly Pair[]).map((p, i) => (
            <li key={i}>
              <span className="mono">
                ({formatNumber(p[0], 4)}, {formatNumber(p[1], 4)})
              </span>
              <button type="button" className="icon-btn" aria-label={`Remove start ${i + 1}`} onClick={() => removeStartPoint(i)}>
                <IconClose size={12} />
              </button>
            </li>
          ))}
        </ul>
      )}
      {mode === 'grid' &&
        (() => {
          const g = (init as { grid: Grid }).grid
          const set = (patch: Partial<Grid>, key?: string) => setInit({ grid: { ...g, ...patch } }, key)
          return (
            <>
              <RangeRow label="x" value={g.x} testId="grid-x" onChange={(x) => set({ x })} />
              <RangeRow label="y" value={g.y} testId="grid-y" onChange={(y) => set({ y })} />
              <CountSlider label="per side" max={64} value={g.n[0]} onChange={(n) => set({ n: [n, n] }, 'grid-n')} />
            </>
          )
        })()}
      {mode === 'random' &&
        (() => {
          const r = (init as { random: Cloud }).random
          const set = (patch: Partial<Cloud>, key?: string) => setInit({ random: { ...r, ...patch } }, key)
          return (
            <>
              <RangeRow label="x" value={r.x} testId="random-x" onChange={(x) => set({ x })} />
              <RangeRow label="y" value={r.y} testId="random-y" onChange={(y) => set({ y })} />
              <CountSlider label="count" value={r.count} onChange={(count) => set({ count }, 'random-count')} />
              <div className="range-row">
                <span className="hp-name">seed</span>
                <NumberField label="seed" value={r.seed} integer width={70} onCommit={(seed) => set({ seed })} />
                <button type="button" className="btn small" onClick={() => set({ seed: Math.floor(Math.random() * 1e6) })}>
                  New cloud
                </button>
              </div>
            </>
          )
        })()}
      <div className="pick-row">
        <button
          type="button"
          className={pickMode ? 'btn toggle on' : 'btn toggle'}
          aria-pressed={pickMode}
          data-testid="pick-toggle"
          onClick={() => useUi.setState({ pickMode: !pickMode })}
        >
          {pickMode ? 'Click the surface to add starts…' : 'Pick starts on the surface'}
        </button>
        <span className="hint">
          or Shift+click · <kbd>P</kbd>
        </span>
      </div>
    </Section>
  )
}
