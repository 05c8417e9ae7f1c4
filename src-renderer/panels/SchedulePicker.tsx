/**
 * An optimizer card's learning-rate schedule: a torch.optim.lr_scheduler class and its arguments
 * (torch's names; missing ones take torch's defaults, as hyperparameters do), and a small chart
 * of the rate (and the momentum OneCycleLR cycles) over the run's steps, computed by the same
 * code the engine runs (src-shared/schedule). The schedule is stored on the optimizer entry as
 * `"schedule"`, so sessions, share links and exports carry it like any hyperparameter.
 */
import { useMemo, useState } from 'react'
import { isObject } from '../../src-shared/problem'
import {
  cyclesMomentum,
  parseSchedule,
  SCHEDULE_NAMES,
  ScheduleError,
  type ScheduleName,
  SCHEDULES,
  scheduleSequence,
  type ScheduleSequence,
} from '../../src-shared/schedule'
import type { OptimizerInfo } from '../../src-shared/api'
import { setHparam } from '../store/actions'
import { useUi } from '../store/ui-store'
import { formatNumber, type OptimizerEntry } from '../store/scenario'
import { NumberField, Tip } from '../ui/controls'

type Spec = Readonly<Record<string, unknown>>

/** Arguments a new schedule starts with: torch's required ones, sized to the run. */
function starting(name: ScheduleName, steps: number, lr: number): Spec {
  const s = Math.max(1, steps)
  const part = (f: number) => Math.max(1, Math.round(s * f))
  switch (name) {
    case 'StepLR':
      return { name, step_size: part(0.25), gamma: 0.5 }
    case 'MultiStepLR':
      return { name, milestones: [part(0.5), part(0.75)] }
    case 'ExponentialLR':
      return { name, gamma: Number((0.01 ** (1 / s)).toPrecision(4)) }
    case 'CosineAnnealingLR':
      return { name, T_max: s }
    case 'CosineAnnealingWarmRestarts':
      return { name, T_0: part(0.25) }
    case 'OneCycleLR':
      return { name, max_lr: lr, total_steps: s }
    case 'PolynomialLR':
      return { name, total_iters: s }
    case 'SequentialLR':
      return {
        name,
        schedulers: [
          { name: 'LinearLR', start_factor: 0.1, total_iters: part(0.1) },
          { name: 'CosineAnnealingLR', T_max: Math.max(1, s - part(0.1)) },
        ],
        milestones: [part(0.1)],
      }
    default:
      return { name }
  }
}

function ClassSelect({ value, onChange, nested }: { value: string; onChange: (name: string) => void; nested: boolean }) {
  return (
    <select aria-label="Schedule" data-testid="schedule-class" value={value} onChange={(e) => onChange(e.target.value)}>
      {!nested && <option value="">none (constant rate)</option>}
      {SCHEDULE_NAMES.filter((n) => !nested || n !== 'SequentialLR').map((n) => (
        <option key={n} value={n}>
          {n}
        </option>
      ))}
    </select>
  )
}

/** "30, 80" ⇄ [30, 80]. */
function IntsField({ value, onCommit, label }: { value: readonly number[]; onCommit: (v: number[]) => void; label: string }) {
  return (
    <input
      className="num mono"
      aria-label={label}
      defaultValue={value.join(', ')}
      key={value.join(',')}
      onBlur={(e) => {
        const parts = e.target.value
          .split(/[\s,]+/)
          .filter(Boolean)
          .map(Number)
        if (parts.every(Number.isInteger)) onCommit(parts)
      }}
    />
  )
}

function ArgRow({ name, doc, changed, children }: { name: string; doc: string; changed: boolean; children: React.ReactNode }) {
  return (
    <div className={name === 'schedulers' ? 'sched-arg sched-top' : 'sched-arg'}>
      <Tip tip={<>{doc}</>}>
        <span className={changed ? 'hp-name mono changed' : 'hp-name mono'}>{name}</span>
      </Tip>
      {children}
    </div>
  )
}

/** One schedule's class and arguments; SequentialLR's schedulers nest one level. */
function ScheduleEditor({
  spec,
  onChange,
  steps,
  lr,
  nested,
}: {
  spec: Spec
  onChange: (s: Spec) => void
  steps: number
  lr: number
  nested: boolean
}) {
  const [all, setAll] = useState(false)
  const name = spec.name as ScheduleName
  const args = SCHEDULES[name]?.args ?? {}
  const set = (key: string, v: unknown) => onChange({ ...spec, [key]: v })
  // Shown: the arguments given (a new schedule starts with its required ones); the rest on request.
  const shownArgs = Object.entries(args).filter(([key]) => all || spec[key] !== undefined)
  const more = Object.keys(args).length - shownArgs.length
  return (
    <div className={nested ? 'sched-nested' : 'sched-args'}>
      {shownArgs.map(([key, arg]) => {
        const given = spec[key]
        const value = given ?? arg.default
        const label = `${name} ${key}`
        let control: React.ReactNode
        if (arg.kind === 'bool')
          control = <input type="checkbox" aria-label={label} checked={Boolean(value)} onChange={(e) => set(key, e.target.checked)} />
        else if (arg.kind === 'strategy')
          control = (
            <select aria-label={label} value={String(value)} onChange={(e) => set(key, e.target.value)}>
              <option value="cos">cos</option>
              <option value="linear">linear</option>
            </select>
          )
        else if (arg.kind === 'ints')
          control = <IntsField label={label} value={(value as number[] | undefined) ?? []} onCommit={(v) => set(key, v)} />
        else if (arg.kind === 'schedulers') {
          const list = (Array.isArray(value) ? value : []) as Spec[]
          control = (
            <div className="sched-list">
              {list.map((inner, i) => (
                <div key={i} className="sched-item">
                  <span className="sched-index mono">{i + 1}</span>
                  <ClassSelect
                    nested
                    value={String(inner.name)}
                    onChange={(n) =>
                      set(
                        key,
                        list.map((x, j) => (j === i ? starting(n as ScheduleName, steps, lr) : x)),
                      )
                    }
                  />
                  <ScheduleEditor
                    nested
                    spec={inner}
                    steps={steps}
                    lr={lr}
                    onChange={(x) =>
                      set(
                        key,
                        list.map((y, j) => (j === i ? x : y)),
                      )
                    }
                  />
                </div>
              ))}
            </div>
          )
        } else
          control = (
            <NumberField
              label={label}
              width={70}
              integer={arg.kind !== 'number'}
              value={typeof value === 'number' ? value : NaN}
              onCommit={(v) => set(key, v)}
            />
          )
        return (
          <ArgRow key={key} name={key} doc={arg.doc} changed={given !== undefined && given !== arg.default}>
            {control}
          </ArgRow>
        )
      })}
      {(more > 0 || all) && (
        <button type="button" className="link-btn sched-more" onClick={() => setAll(!all)}>
          {all ? 'Fewer arguments' : nested ? `${more} more` : `All arguments of ${name} (${more} more)`}
        </button>
      )}
    </div>
  )
}

/** The most points a chart draws (the sequence is sampled evenly). */
const CHART_POINTS = 160
const CHART_W = 240
const CHART_H = 44

function path(values: Float64Array, lo: number, hi: number): string {
  const n = values.length
  const k = Math.min(n, CHART_POINTS)
  const span = hi - lo || 1
  let d = ''
  for (let i = 0; i < k; i++) {
    const at = k === 1 ? 0 : Math.round((i * (n - 1)) / (k - 1))
    const x = k === 1 ? 0 : (i / (k - 1)) * CHART_W
    const y = 2 + (1 - (values[at] - lo) / span) * (CHART_H - 4)
    d += `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`
  }
  return d
}

const extent = (a: Float64Array) => a.reduce(([lo, hi], v) => [Math.min(lo, v), Math.max(hi, v)], [Infinity, -Infinity])

/** The rate over the steps (and the momentum, dashed, on its own scale, when the schedule cycles it). */
export function ScheduleChart({ seq, momentum, momentumLabel }: { seq: ScheduleSequence; momentum: boolean; momentumLabel: string }) {
  const [lo, hi] = extent(seq.lr)
  const [mlo, mhi] = extent(seq.momentum)
  return (
    <div className="sched-chart" data-testid="schedule-chart">
      <svg
        width="100%"
        height={CHART_H}
        viewBox={`0 0 ${CHART_W} ${CHART_H}`}
        preserveAspectRatio="none"
        role="img"
        aria-label="Learning rate over the steps"
      >
        <path d={path(seq.lr, Math.min(0, lo), hi)} className="sched-lr" vectorEffect="non-scaling-stroke" />
        {momentum && <path d={path(seq.momentum, mlo, mhi)} className="sched-mom" vectorEffect="non-scaling-stroke" />}
      </svg>
      <div className="sched-legend mono">
        <span className="sched-key-lr">
          lr {formatNumber(seq.lr[0])} → {formatNumber(seq.lr[seq.lr.length - 1])} (max {formatNumber(hi)})
        </span>
        {momentum && (
          <span className="sched-key-mom">
            {momentumLabel} {formatNumber(mlo)}–{formatNumber(mhi)}
          </span>
        )}
      </div>
    </div>
  )
}

/** The schedule row of an optimizer card. */
export function SchedulePicker({ index, opt, def }: { index: number; opt: OptimizerEntry; def: OptimizerInfo }) {
  const steps = useUi((s) => s.scenario.steps)
  const spec = isObject(opt.schedule) ? (opt.schedule as Spec) : null
  const lrDefault = def.hparams.find((h) => h.name === 'lr')?.default
  const lr = typeof opt.lr === 'number' ? opt.lr : typeof lrDefault === 'number' ? lrDefault : 1e-3
  const hasBetas = def.hparams.some((h) => h.name === 'betas')
  // Only OneCycleLR changes the momentum, and it sets it outright: the base value is not drawn.
  const momentum = 0
  const shown = useMemo(() => {
    if (!spec) return null
    try {
      const parsed = parseSchedule(spec)
      return {
        seq: scheduleSequence(parsed, lr, momentum, Math.min(Math.max(1, steps), 100_000)),
        cycles: cyclesMomentum(parsed),
        error: null,
      }
    } catch (e) {
      const field = e instanceof ScheduleError && e.field ? `${e.field}: ` : ''
      return { seq: null, cycles: false, error: `${field}${(e as Error).message}` }
    }
  }, [spec, lr, momentum, steps])
  const set = (s: Spec | undefined, coalesce = false) => setHparam(index, 'schedule', s, coalesce)
  return (
    <div className="sched" data-testid={`schedule-${index}`}>
      <div className="sched-arg">
        <Tip tip={<>A torch.optim.lr_scheduler class, stepped after every optimizer step.</>}>
          <span className={spec ? 'hp-name mono changed' : 'hp-name mono'}>schedule</span>
        </Tip>
        <ClassSelect
          nested={false}
          value={spec ? String(spec.name) : ''}
          onChange={(n) => set(n ? starting(n as ScheduleName, steps, lr) : undefined)}
        />
      </div>
      {spec && <ScheduleEditor spec={spec} steps={steps} lr={lr} nested={false} onChange={(s) => set(s)} />}
      {shown?.seq && <ScheduleChart seq={shown.seq} momentum={shown.cycles} momentumLabel={hasBetas ? 'β₁' : 'μ'} />}
      {shown?.error && <div className="field-error">{shown.error}</div>}
    </div>
  )
}
