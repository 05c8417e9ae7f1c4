/**
 * Race mode: a set of optimizers on the current landscape, the same step budget from the same
 * start points, a stated objective, and (optionally) each one's learning rate searched on a log
 * grid in one sweep job first. The table ranks them with the rate they raced at, the objective's
 * median and interquartile range over the starts, and how many starts diverged; it exports as CSV.
 * No gradient is clipped anywhere: a run that overflows counts as diverged.
 */
import { useMemo, useRef, useState } from 'react'
import { PRESETS } from '../../src-shared/landscape/presets'
import { raceCsv } from '../../src-shared/race/csv'
import { OBJECTIVE_TITLE, objectiveUnavailable, type Point, type RaceObjective } from '../../src-shared/race/objective'
import { lrGridProblem } from '../../src-shared/race/tune'
import { getApi } from '../api'
import { runner } from '../data/runner'
import { OptimizerPicker } from '../panels/OptimizerPicker'
import { formatNumber, newOptimizer, type OptimizerEntry, optimizerLabel, presetOf, startCount, toDoc } from '../store/scenario'
import { showMessage, useUi } from '../store/ui-store'
import { NumberField, Section, Segmented } from '../ui/controls'
import { IconClose } from '../ui/icons'
import { distinctLabels } from '../ui/legend-summary'
import { download } from '../ui/session'
import { divergedText, quantileText, spreadText } from './race-format'
import { type RacePhase, type RaceResult, runRace } from './run-race'

/** Most optimizers in one race (the scenario contract allows 64 entries per job). */
export const RACE_MAX_OPTIMIZERS = 32
/** Most start points a race runs from. */
export const RACE_MAX_STARTS = 256

const OBJECTIVE_OPTIONS: ReadonlyArray<{ value: RaceObjective; label: string; title: string }> = [
  { value: 'final', label: 'Final loss', title: 'the loss after the last step (lower is better)' },
  { value: 'tolerance', label: 'Steps to tol.', title: 'the first recorded step whose loss is ≤ the tolerance' },
  { value: 'distance', label: 'Dist. to min.', title: 'distance from the last iterate to the nearest known minimum' },
]

/** The race labels: title plus the non-default hyperparameters other than lr (lr has its own column). */
function labelsOf(entries: readonly OptimizerEntry[], info: ReturnType<typeof useUi.getState>['info']): string[] {
  return distinctLabels(
    entries.map((e) => {
      const { lr: _lr, ...rest } = e
      return optimizerLabel(rest as OptimizerEntry, info)
    }),
  )
}

export function RacePanel() {
  const info = useUi((s) => s.info)
  const scenario = useUi((s) => s.scenario)
  const [entries, setEntries] = useState<OptimizerEntry[] | null>(null)
  const [steps, setSteps] = useState<number | null>(null)
  const [objective, setObjective] = useState<RaceObjective>('final')
  const [tolerance, setTolerance] = useState(1e-3)
  const [tune, setTune] = useState(true)
  const [grid, setGrid] = useState({ from: 1e-4, to: 1, n: 13 })
  const [progress, setProgress] = useState<{ phase: RacePhase; f: number } | null>(null)
  const [result, setResult] = useState<(RaceResult & { landscape: string }) | null>(null)
  const running = useRef<{ cancel(): void } | null>(null)

  // Until edited, the race takes the scenario's optimizers and step count.
  const racers = entries ?? scenario.optimizers
  const budget = steps ?? scenario.steps
  const labels = useMemo(() => labelsOf(racers, info), [racers, info])
  const minima: Point[] | null =
    scenario.landscape.expr === undefined
      ? ((PRESETS.find((p) => p.id === scenario.landscape.preset)?.minima as Point[] | undefined) ?? null)
      : null
  const unavailable = objectiveUnavailable(objective, minima)
  const starts = startCount(scenario.init)
  const landscapeName =
    scenario.landscape.expr !== undefined ? 'the custom landscape' : (presetOf(scenario, info)?.title ?? scenario.landscape.preset ?? '')

  const problem =
    racers.length < 2
      ? 'a race needs at least two optimizers'
      : (unavailable ??
        (starts > RACE_MAX_STARTS ? `${starts} start points is more than a race runs (${RACE_MAX_STARTS}); use fewer` : null) ??
        (tune ? lrGridProblem(grid) : null))

  const start = () => {
    if (problem || !info) return
    running.current?.cancel()
    const tunable = racers.map((e) => !!info.optimizers.find((o) => o.name === e.name)?.hparams.some((h) => h.name === 'lr'))
    setProgress({ phase: tune ? 'search' : 'race', f: 0 })
    const job = runRace(
      getApi(),
      {
        base: toDoc(scenario),
        optimizers: racers,
        labels,
        tunable,
        startsHint: starts,
        steps: budget,
        objective,
        tolerance,
        minima,
        grid: tune ? grid : null,
      },
      (phase, f) => setProgress({ phase, f }),
    )
    running.current = job
    const landscape = landscapeName
    job.result.then(
      (r) => {
        setResult({ ...r, landscape })
        setProgress(null)
        running.current = null
        runner?.rerun()
      },
      (err: Error) => {
        setProgress(null)
        running.current = null
        if (err.message !== 'cancelled' && err.message !== 'superseded') showMessage('error', `Race failed: ${err.message}`)
        runner?.rerun()
      },
    )
  }

  const exportCsv = () => {
    if (!result) return
    const text = raceCsv(result.rows, { objective: result.objective, tolerance: result.tolerance })
    download('race.csv', new Blob([text], { type: 'text/csv' }))
  }

  const add = (name: string) => {
    const def = info?.optimizers.find((o) => o.name === name)
    if (def) setEntries([...racers, newOptimizer(def, presetOf(scenario, info))])
  }

  return (
    <Section title="Race" testId="panel-race" defaultOpen={false} aside={<span className="aside">{racers.length} optimizers</span>}>
      <div className="race-note muted">
        On {landscapeName}, from the scenario’s {starts} start point{starts === 1 ? '' : 's'}. No gradient clipping: a run that overflows
        counts as diverged.
      </div>
      <ul className="race-entries" data-testid="race-entries">
        {racers.map((e, i) => (
          <li key={i} className="race-entry" data-optimizer={e.name}>
            <span className="race-entry-label">{labels[i]}</span>
            <button
              type="button"
              className="icon-btn"
              aria-label={`Remove ${labels[i]} from the race`}
              onClick={() => setEntries(racers.filter((_, k) => k !== i))}
            >
              <IconClose size={12} />
            </button>
          </li>
        ))}
      </ul>
      <div className="race-add">
        <OptimizerPicker optimizers={info?.optimizers ?? []} disabled={racers.length >= RACE_MAX_OPTIMIZERS} onPick={add} />
        {entries && (
          <button type="button" className="link-btn" onClick={() => setEntries(null)}>
            Use the scenario’s optimizers
          </button>
        )}
      </div>
      <div className="hp-row">
        <span className="hp-name">steps</span>
        <NumberField label="race steps" value={budget} integer min={1} max={100_000} width={70} testId="race-steps" onCommit={setSteps} />
      </div>
      <Segmented label="race objective" value={objective} options={OBJECTIVE_OPTIONS} onChange={setObjective} testId="race-objective" />
      {objective === 'tolerance' && (
        <div className="hp-row">
          <span className="hp-name">tolerance</span>
          <NumberField label="race tolerance" value={tolerance} min={0} width={70} onCommit={setTolerance} />
        </div>
      )}
      <label className="check race-tune">
        <input type="checkbox" checked={tune} data-testid="race-tune" onChange={(e) => setTune(e.target.checked)} />
        <span>Search each learning rate (log grid, one sweep)</span>
      </label>
      {tune && (
        <div className="race-grid">
          <NumberField label="lr grid from" value={grid.from} min={0} width={62} onCommit={(from) => setGrid({ ...grid, from })} />
          <span className="dash">…</span>
          <NumberField label="lr grid to" value={grid.to} min={0} width={62} onCommit={(to) => setGrid({ ...grid, to })} />
          <span className="muted">×</span>
          <NumberField label="lr grid rates" value={grid.n} integer min={2} max={64} width={44} onCommit={(n) => setGrid({ ...grid, n })} />
          <span className="muted">rates</span>
        </div>
      )}
      {problem && (
        <div className="field-error" data-testid="race-problem">
          {problem.charAt(0).toUpperCase() + problem.slice(1)}.
        </div>
      )}
      <div className="hp-row race-actions">
        <button type="button" className="btn small" data-testid="race-run" disabled={!!problem || progress !== null} onClick={start}>
          {progress === null
            ? 'Run race'
            : `${progress.phase === 'search' ? 'Searching rates' : 'Racing'}… ${Math.round(progress.f * 100)}%`}
        </button>
        {progress !== null && (
          <button type="button" className="btn small" onClick={() => running.current?.cancel()}>
            Cancel
          </button>
        )}
      </div>
      {result && <RaceTable result={result} onExport={exportCsv} />}
    </Section>
  )
}

function RaceTable({ result, onExport }: { readonly result: RaceResult & { landscape: string }; readonly onExport: () => void }) {
  const objective =
    result.objective === 'tolerance'
      ? `${OBJECTIVE_TITLE.tolerance} (loss ≤ ${formatNumber(result.tolerance)})`
      : OBJECTIVE_TITLE[result.objective]
  return (
    <div className="race-results" data-testid="race-results" data-objective={result.objective}>
      <div className="race-caption">
        {result.landscape}: {result.rows.length} optimizers × {result.starts} starts × {result.steps} steps, ranked by median {objective}
        {result.grid
          ? `; lr searched on ${result.grid.n} log-spaced rates ${formatNumber(result.grid.from)} … ${formatNumber(result.grid.to)}`
          : '; each at its own lr'}
        {result.objective === 'tolerance' && result.every > 1 ? `; steps counted every ${result.every}` : ''}. {result.seconds.toFixed(2)}{' '}
        s.
      </div>
      {result.untuned.length > 0 && (
        <div className="race-note warn">
          No rate on the grid gave {result.untuned.join(', ')} a median with a value; raced at their own lr.
        </div>
      )}
      <table className="race-table" data-testid="race-table">
        <thead>
          <tr>
            <th title="rank">#</th>
            <th>optimizer</th>
            <th title="learning rate it raced at (* searched)">lr</th>
            <th title={`median ${objective} over the starts`}>median</th>
            <th title="interquartile range over the starts (q3 − q1)">IQR</th>
            <th title="starts that diverged">div.</th>
          </tr>
        </thead>
        <tbody>
          {result.rows.map((r) => (
            <tr
              key={r.label}
              data-optimizer={r.name}
              data-rank={r.rank}
              data-median={r.summary.median.value}
              data-diverged={r.summary.diverged}
            >
              <td>{r.rank}</td>
              <td className="race-name" title={r.label}>
                {r.label}
              </td>
              <td className="mono" title={String(r.lr)}>
                {formatNumber(r.lr)}
                {r.tuned ? '*' : ''}
                {r.atGridEdge && (
                  <span
                    className="race-edge"
                    title="the best rate is at an end of the grid: the optimum may lie outside it (widen the grid)"
                  >
                    !
                  </span>
                )}
              </td>
              <td className={r.summary.median.status === 'ok' ? 'mono' : 'mono bad'}>{quantileText(r.summary.median, result.objective)}</td>
              <td
                className="mono"
                title={
                  Number.isFinite(r.summary.iqr)
                    ? `q1 ${quantileText(r.summary.q1, result.objective)}, q3 ${quantileText(r.summary.q3, result.objective)}`
                    : `no spread: the upper quartile ${r.summary.q3.status === 'never' ? 'never reached the tolerance' : 'diverged'} (${r.summary.never} never reached, ${r.summary.diverged} diverged)`
                }
              >
                {spreadText(r.summary, result.objective)}
              </td>
              <td className={r.summary.diverged > 0 ? 'mono bad' : 'mono'}>{divergedText(r.summary)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {result.rows.some((r) => r.atGridEdge) && (
        <div className="race-note muted">
          <span className="race-edge">!</span> best rate at an end of the grid: the optimum may lie outside it.
        </div>
      )}
      <button type="button" className="btn small" data-testid="race-csv" onClick={onExport}>
        Export CSV
      </button>
    </div>
  )
}
