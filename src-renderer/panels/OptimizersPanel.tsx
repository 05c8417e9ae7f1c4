/**
 * Optimizers: one card per optimizer with every hyperparameter under its torch name — a log-scale
 * slider plus a numeric field (booleans as checkboxes), each with a tooltip giving its meaning and
 * the optimizer's update rule. Dragging a slider re-runs on every input; the host supersedes.
 */
import { useRef, useState } from 'react'
import type { HparamInfo, OptimizerInfo } from '../../src-shared/api'
import { addOptimizer, duplicateOptimizer, removeOptimizer, setHparam } from '../store/actions'
import { formatNumber, MAX_OPTIMIZERS, type OptimizerEntry, optimizerLabel } from '../store/scenario'
import { beginGesture, endGesture, toggleHidden, useUi } from '../store/ui-store'
import { optimizerColor } from '../scene/palette'
import { NumberField, Section, Tip } from '../ui/controls'
import { fineDragValue } from '../ui/fine-drag'
import { distinctLabels } from '../ui/legend-summary'
import { LrSuggestion } from '../ui/LrSuggestion'
import { IconClose, IconCopy, IconReset } from '../ui/icons'
import { fromPosition, scaleFor, STEPS, toPosition } from './scales'
import { OptimizerPicker } from './OptimizerPicker'
import { SchedulePicker } from './SchedulePicker'
import { GradientEstimatorPicker } from './GradientEstimatorPicker'

function RuleTip({ def, doc, name }: { readonly def: OptimizerInfo; readonly doc: string; readonly name: string }) {
  return (
    <>
      <strong className="mono">{name}</strong> — {doc}
      <span className="tip-rule">
        {def.title}: {def.rule}
      </span>
      <span className="tip-source">{def.source}</span>
    </>
  )
}

function NumberRow({
  index,
  def,
  opt,
  name,
  label,
  doc,
  value,
  defaultValue,
  onValue,
}: {
  readonly index: number
  readonly def: OptimizerInfo
  readonly opt: OptimizerEntry
  readonly name: string
  readonly label: string
  readonly doc: string
  readonly value: number
  readonly defaultValue: number
  readonly onValue: (v: number | undefined, coalesce: boolean) => void
}) {
  const scale = scaleFor(opt.name, name, defaultValue)
  // Must match the coalesce key setHparam uses (a pair's components share the pair's key).
  const gestureKey = `hp:${index}:${name.replace(/\[\d\]$/, '')}`
  const isDefault = value === defaultValue
  const problem = useUi((s) => s.jobProblem)
  // A Shift-drag adjusts finely from the current value (see ../ui/fine-drag.ts).
  const fine = useRef<{ x0: number; v0: number; width: number } | null>(null)
  return (
    <>
      <div className="hp-row" data-hparam={label}>
        <Tip tip={<RuleTip def={def} doc={doc} name={label} />} wide>
          <span className={isDefault ? 'hp-name mono' : 'hp-name mono changed'}>{label}</span>
        </Tip>
        <input
          type="range"
          className="slider"
          min={0}
          max={STEPS}
          step={1}
          aria-label={`${def.title} ${label}`}
          data-testid={`slider-${index}-${label}`}
          value={toPosition(scale, value)}
          title="Drag to set · Shift-drag for fine steps"
          onChange={(e) => {
            if (!fine.current) onValue(fromPosition(scale, Number(e.target.value)), true)
          }}
          onPointerDown={(e) => {
            beginGesture(gestureKey)
            if (!e.shiftKey) return
            e.preventDefault()
            e.currentTarget.setPointerCapture(e.pointerId)
            fine.current = { x0: e.clientX, v0: value, width: e.currentTarget.getBoundingClientRect().width }
          }}
          onMouseDown={(e) => {
            if (fine.current) e.preventDefault()
          }}
          onPointerMove={(e) => {
            const f = fine.current
            if (f) onValue(fineDragValue(scale, f.v0, e.clientX - f.x0, f.width), true)
          }}
          onPointerUp={() => {
            fine.current = null
            endGesture()
          }}
          onLostPointerCapture={() => {
            fine.current = null
            endGesture()
          }}
          onKeyUp={endGesture}
        />
        <NumberField
          label={`${def.title} ${label} value`}
          value={value}
          onCommit={(v) => onValue(v, false)}
          width={70}
          testId={`value-${index}-${label}`}
          problem={problem && problem.field === `optimizers[${index}].${name.replace(/\[\d\]$/, '')}` ? problem.message : null}
        />
        <button
          type="button"
          className="icon-btn reset"
          title={`Reset to torch's default (${formatNumber(defaultValue)})`}
          aria-label={`Reset ${label}`}
          disabled={isDefault}
          onClick={() => onValue(undefined, false)}
        >
          <IconReset size={13} />
        </button>
      </div>
      {name === 'lr' && (
        <LrSuggestion index={index} optimizer={opt.name} value={value} torchDefault={defaultValue} onApply={(v) => onValue(v, false)} />
      )}
    </>
  )
}

function HparamControl({
  index,
  def,
  opt,
  spec,
}: {
  readonly index: number
  readonly def: OptimizerInfo
  readonly opt: OptimizerEntry
  readonly spec: HparamInfo
}) {
  const raw = opt[spec.name]
  if (spec.kind === 'boolean') {
    const checked = typeof raw === 'boolean' ? raw : (spec.default as boolean)
    return (
      <div className="hp-row hp-bool" data-hparam={spec.name}>
        <Tip tip={<RuleTip def={def} doc={spec.doc} name={spec.name} />} wide>
          <label className="check">
            <input
              type="checkbox"
              checked={checked}
              data-testid={`check-${index}-${spec.name}`}
              onChange={(e) => setHparam(index, spec.name, e.target.checked === spec.default ? undefined : e.target.checked, false)}
            />
            <span className={checked === spec.default ? 'mono' : 'mono changed'}>{spec.name}</span>
          </label>
        </Tip>
      </div>
    )
  }
  if (spec.kind === 'pair') {
    // A pair or a triple (AdEMAMix's betas = [β1, β2, β3]): one row per component, and every edit
    // sends all of them, as validation wants the whole tuple.
    const d = spec.default as readonly number[]
    const v = Array.isArray(raw) && raw.length === d.length ? (raw as number[]) : d
    return (
      <>
        {d.map((_, k) => (
          <NumberRow
            key={k}
            index={index}
            def={def}
            opt={opt}
            name={`${spec.name}[${k}]`}
            label={`${spec.name}[${k}]`}
            doc={spec.doc}
            value={v[k]}
            defaultValue={d[k]}
            onValue={(x, coalesce) => {
              const next = [...v]
              next[k] = x === undefined ? d[k] : x
              setHparam(index, spec.name, next.every((c, i) => c === d[i]) ? undefined : next, coalesce)
            }}
          />
        ))}
      </>
    )
  }
  const d = spec.default as number
  const value = typeof raw === 'number' ? raw : d
  return (
    <NumberRow
      index={index}
      def={def}
      opt={opt}
      name={spec.name}
      label={spec.name}
      doc={spec.doc}
      value={value}
      defaultValue={d}
      onValue={(x, coalesce) =>
        setHparam(index, spec.name, x === undefined || x === d ? (spec.name === 'lr' ? d : undefined) : x, coalesce)
      }
    />
  )
}

/** Hyperparameters shown without expanding: the ones that shape the picture. */
const PRIMARY = new Set(['lr', 'momentum', 'betas', 'alpha', 'rho', 'etas', 'nesterov', 'centered', 'amsgrad'])

function OptimizerCard({ index, opt, label }: { readonly index: number; readonly opt: OptimizerEntry; readonly label: string }) {
  const info = useUi((s) => s.info)
  const hidden = useUi((s) => s.view.hidden.includes(index))
  const problem = useUi((s) => s.jobProblem)
  const [expanded, setExpanded] = useState(false)
  const def = info?.optimizers.find((d) => d.name === opt.name)
  if (!def) return null
  const specs = def.hparams.filter((h) => expanded || PRIMARY.has(h.name) || (h.name in opt && h.name !== 'name'))
  const more = def.hparams.length - specs.length
  const prefix = `optimizers[${index}]`
  const myProblem = problem && (problem.field === prefix || problem.field.startsWith(`${prefix}.`)) ? problem : null
  return (
    <div className="opt-card" data-testid={`optimizer-${index}`} data-optimizer={opt.name}>
      <div className="opt-head">
        <button
          type="button"
          className="swatch"
          style={{ background: hidden ? 'transparent' : optimizerColor(index), borderColor: optimizerColor(index) }}
          title={hidden ? 'Show in the scene' : 'Hide in the scene'}
          aria-label={hidden ? 'Show' : 'Hide'}
          onClick={() => toggleHidden(index)}
        />
        <Tip
          tip={
            <>
              <strong>{def.title}</strong>
              <span className="tip-rule">{def.rule}</span>
              <span className="tip-source">{def.source}</span>
            </>
          }
          wide
        >
          <span className="opt-title">{label}</span>
        </Tip>
        <span className="spacer" />
        <button
          type="button"
          className="icon-btn"
          title="Duplicate"
          aria-label="Duplicate optimizer"
          onClick={() => duplicateOptimizer(index)}
        >
          <IconCopy size={14} />
        </button>
        <button
          type="button"
          className="icon-btn"
          title="Remove"
          aria-label="Remove optimizer"
          data-testid={`remove-${index}`}
          onClick={() => removeOptimizer(index)}
        >
          <IconClose size={14} />
        </button>
      </div>
      <div className="hp-list">
        {specs.map((spec) => (
          <HparamControl key={spec.name} index={index} def={def} opt={opt} spec={spec} />
        ))}
      </div>
      <SchedulePicker index={index} opt={opt} def={def} />
      <GradientEstimatorPicker index={index} opt={opt} />
      {(more > 0 || expanded) && (
        <button type="button" className="link-btn" onClick={() => setExpanded(!expanded)}>
          {expanded ? 'Fewer hyperparameters' : `All hyperparameters (${more} more)`}
        </button>
      )}
      {myProblem && (
        <div className="field-error" role="alert">
          {myProblem.message}
        </div>
      )}
    </div>
  )
}

export function OptimizersPanel() {
  const optimizers = useUi((s) => s.scenario.optimizers)
  const info = useUi((s) => s.info)
  // Two identical configurations are told apart: `Adam lr=0.1 (1)`, `Adam lr=0.1 (2)`.
  const labels = distinctLabels(optimizers.map((o) => optimizerLabel(o, info)))
  return (
    <Section
      title="Optimizers"
      testId="panel-optimizers"
      aside={
        <span className="aside">
          {optimizers.length} / {MAX_OPTIMIZERS}
        </span>
      }
    >
      {optimizers.map((opt, i) => (
        <OptimizerCard key={i} index={i} opt={opt} label={labels[i]} />
      ))}
      <div className="add-row">
        <OptimizerPicker optimizers={info?.optimizers ?? []} disabled={optimizers.length >= MAX_OPTIMIZERS} onPick={addOptimizer} />
      </div>
    </Section>
  )
}
