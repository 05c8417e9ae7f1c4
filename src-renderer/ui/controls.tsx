/** Small, reusable form controls: a collapsible section, a numeric field, a tooltip, a segmented switch. */
import { type ReactNode, useEffect, useId, useRef, useState } from 'react'
import { formatNumber } from '../store/scenario'
import { IconChevron } from './icons'

export function Section({
  title,
  children,
  defaultOpen = true,
  aside,
  testId,
}: {
  readonly title: string
  readonly children: ReactNode
  readonly defaultOpen?: boolean
  readonly aside?: ReactNode
  readonly testId?: string
}) {
  const [open, setOpen] = useState(defaultOpen)
  const id = useId()
  return (
    <section className="section" data-open={open} data-testid={testId}>
      <header className="section-header">
        <button type="button" className="section-toggle" aria-expanded={open} aria-controls={id} onClick={() => setOpen(!open)}>
          <span className="chevron" aria-hidden="true">
            <IconChevron size={12} />
          </span>
          {title}
        </button>
        {aside}
      </header>
      <div id={id} className="section-body" hidden={!open}>
        {children}
      </div>
    </section>
  )
}

/**
 * A number input that commits on Enter or blur (not on every keystroke) and shows the value
 * compactly. Text it cannot read (or out of range) stays as typed and marked, saying that the last
 * valid value is still in use, until it is fixed or Escape restores the value. `problem` marks the
 * field from outside (the engine refused the committed value).
 */
export function NumberField({
  value,
  onCommit,
  label,
  min,
  max,
  integer,
  width,
  testId,
  title,
  problem,
}: {
  readonly value: number
  readonly onCommit: (v: number) => void
  readonly label: string
  readonly min?: number
  readonly max?: number
  readonly integer?: boolean
  readonly width?: number
  readonly testId?: string
  readonly title?: string
  readonly problem?: string | null
}) {
  const shown = integer ? String(value) : formatNumber(value, 4)
  const [text, setText] = useState(shown)
  const [bad, setBad] = useState(false)
  const focused = useRef(false)
  useEffect(() => {
    if (!focused.current) {
      setText(shown)
      setBad(false)
    }
  }, [shown])
  const commit = () => {
    const v = Number(text.trim())
    const ok =
      text.trim() !== '' &&
      Number.isFinite(v) &&
      (!integer || Number.isInteger(v)) &&
      (min === undefined || v >= min) &&
      (max === undefined || v <= max)
    if (!ok) {
      setBad(text.trim() !== shown)
      if (text.trim() === shown) setText(shown)
      return
    }
    setBad(false)
    if (v !== value) onCommit(v)
    else setText(shown)
  }
  const range =
    min !== undefined && max !== undefined ? ` in ${min} … ${max}` : min !== undefined ? ` ≥ ${min}` : max !== undefined ? ` ≤ ${max}` : ''
  const why = bad
    ? `“${text}” is not ${integer ? 'a whole number' : 'a number'}${range}; still using ${shown} (Esc restores it)`
    : (problem ?? undefined)
  return (
    <input
      className={bad || problem ? 'num invalid' : 'num'}
      type="text"
      inputMode="decimal"
      spellCheck={false}
      aria-label={label}
      title={why ?? title}
      aria-invalid={bad || !!problem}
      data-testid={testId}
      value={text}
      style={width ? { width } : undefined}
      onFocus={(e) => {
        focused.current = true
        e.currentTarget.select()
      }}
      onBlur={() => {
        focused.current = false
        commit()
      }}
      onChange={(e) => setText(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          commit()
          e.currentTarget.blur()
        }
        if (e.key === 'Escape') {
          setText(shown)
          setBad(false)
          e.currentTarget.blur()
        }
      }}
    />
  )
}

/** A hover/focus tooltip (CSS only). */
export function Tip({ children, tip, wide }: { readonly children: ReactNode; readonly tip: ReactNode; readonly wide?: boolean }) {
  return (
    <span className="tip" tabIndex={0}>
      {children}
      <span className={wide ? 'tip-body wide' : 'tip-body'} role="tooltip">
        {tip}
      </span>
    </span>
  )
}

export function Segmented<T extends string>({
  value,
  options,
  onChange,
  label,
  testId,
}: {
  readonly value: T
  readonly options: ReadonlyArray<{ readonly value: T; readonly label: string; readonly title?: string }>
  readonly onChange: (v: T) => void
  readonly label: string
  readonly testId?: string
}) {
  return (
    <div className="segmented" role="radiogroup" aria-label={label} data-testid={testId}>
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          role="radio"
          aria-checked={o.value === value}
          title={o.title}
          className={o.value === value ? 'on' : ''}
          onClick={() => onChange(o.value)}
        >
          {o.label}
        </button>
      ))}
    </div>
  )
}
