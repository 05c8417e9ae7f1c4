/**
 * The "add an optimizer" picker: a search field over the catalog, grouped by family, each entry
 * with its citation; the highlighted entry's update rule is shown under the list (and as the
 * entry's hover title). Keyboard: type to filter, ↑/↓ to move, Enter to add, Esc to close.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react'
import { moveActive, type PickerItem, pickerView } from './optimizer-picker-model'
import { type AvailabilityItem, type RunContext, unavailableReason } from './optimizer-availability'
import { showMessage, useUi } from '../store/ui-store'

/** What the current run can take (the app's landscapes never carry residuals). */
function useRunContext(): RunContext {
  const float32 = useUi((s) => s.scenario.extra.precision === 'float32')
  return { precision: float32 ? 'float32' : 'float64', residuals: false }
}

export function OptimizerPicker({
  optimizers,
  onPick,
  disabled,
}: {
  readonly optimizers: readonly (PickerItem & Partial<AvailabilityItem>)[]
  readonly onPick: (name: string) => void
  readonly disabled?: boolean
}) {
  const [open, setOpen] = useState(false)
  const [query, setQuery] = useState('')
  const [active, setActive] = useState(0)
  const input = useRef<HTMLInputElement>(null)
  const list = useRef<HTMLDivElement>(null)
  const id = useId()
  const { groups, flat } = useMemo(() => pickerView(optimizers, query), [optimizers, query])
  const current = active >= 0 && active < flat.length ? flat[active] : null
  const ctx = useRunContext()
  const reasonOf = (o: PickerItem & Partial<AvailabilityItem>) => unavailableReason(o, ctx)

  useEffect(() => {
    if (open) input.current?.focus()
  }, [open])
  // Keep the highlighted entry in view while the arrows walk a long list.
  useEffect(() => {
    list.current?.querySelector('[aria-selected=true]')?.scrollIntoView({ block: 'nearest' })
  }, [active, open])

  const close = () => {
    setOpen(false)
    setQuery('')
    setActive(0)
  }
  // An optimizer this run cannot take is not added: the reason is said instead.
  const pick = (item: PickerItem & Partial<AvailabilityItem>) => {
    const reason = reasonOf(item)
    if (reason) {
      showMessage('error', `${item.title} (${item.name}) ${reason}.`)
      return
    }
    onPick(item.name)
    close()
  }

  if (!open) {
    return (
      <button
        type="button"
        className="picker-open"
        data-testid="add-optimizer"
        disabled={disabled}
        onClick={() => setOpen(true)}
        title={disabled ? 'At most eight optimizers side by side' : 'Add an optimizer (search by name, title or paper)'}
      >
        + Add optimizer…
      </button>
    )
  }
  const optionId = (name: string) => `${id}-opt-${name}`
  return (
    <div
      className="picker"
      data-testid="optimizer-picker"
      onBlur={(e) => {
        // Focus leaving the picker (not moving inside it, e.g. to its scrolled list) closes it.
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) close()
      }}
      onKeyDown={(e) => {
        if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
          e.preventDefault()
          setActive(moveActive(active, e.key === 'ArrowDown' ? 1 : -1, flat.length))
        } else if (e.key === 'Enter') {
          e.preventDefault()
          if (current) pick(current)
        } else if (e.key === 'Escape') {
          e.preventDefault()
          e.stopPropagation()
          close()
        }
      }}
    >
      <input
        ref={input}
        type="text"
        className="picker-search"
        role="combobox"
        aria-expanded
        aria-controls={`${id}-list`}
        aria-activedescendant={current ? optionId(current.name) : undefined}
        aria-label="Search optimizers"
        placeholder="Search by name, title or paper…"
        spellCheck={false}
        value={query}
        data-testid="optimizer-search"
        onChange={(e) => {
          setQuery(e.target.value)
          setActive(0)
        }}
      />
      <div className="picker-list" role="listbox" id={`${id}-list`} ref={list} aria-label="Optimizers" tabIndex={-1}>
        {groups.length === 0 && <div className="picker-empty">No optimizer matches “{query}”.</div>}
        {groups.map((g) => (
          <div key={g.family.id} role="group" aria-label={g.family.title} data-family={g.family.id}>
            <div className="picker-family" title={g.family.blurb}>
              {g.family.title}
            </div>
            {g.items.map((o) => {
              const selected = current?.name === o.name
              const reason = reasonOf(o)
              const cls = `picker-item${selected ? ' active' : ''}${reason ? ' unavailable' : ''}`
              return (
                <div
                  key={o.name}
                  id={optionId(o.name)}
                  role="option"
                  aria-selected={selected}
                  className={cls}
                  aria-disabled={reason ? true : undefined}
                  data-optimizer={o.name}
                  data-unavailable={reason ?? undefined}
                  title={reason ? `${o.title} ${reason}` : `${o.title}: ${o.rule}`}
                  onMouseDown={(e) => e.preventDefault()}
                  onMouseEnter={() => setActive(flat.indexOf(o))}
                  onClick={() => pick(o)}
                >
                  <span className="picker-title">{o.title}</span>
                  <span className="picker-name mono">{o.name}</span>
                  <span className="picker-source">{o.source}</span>
                  {reason && <span className="picker-reason">{reason}</span>}
                </div>
              )
            })}
          </div>
        ))}
      </div>
      {current && (
        <div className="picker-detail" data-testid="optimizer-picker-rule">
          <span className="tip-rule">
            {current.title}: {current.rule}
          </span>
          {reasonOf(current) && (
            <span className="picker-reason" data-testid="optimizer-picker-reason">
              Not for this run: {reasonOf(current)}.
            </span>
          )}
        </div>
      )}
      <div className="picker-hint">
        <kbd>↑</kbd>
        <kbd>↓</kbd> move · <kbd>Enter</kbd> add · <kbd>Esc</kbd> close
      </div>
    </div>
  )
}
