/**
 * The in-app note on central flows (./notes.ts) over the EoS view, opened at a section; and
 * caption text with its "§5 Lk" references turned into the papers' titles and a link to the note.
 */
import { useEffect, useRef } from 'react'
import { IconClose } from '../ui/icons'
import { CENTRAL_FLOW_NOTE, citationFor, PAPERS, paperText, splitCitations } from './notes'

export function Cited({ text, onOpen }: { readonly text: string; readonly onOpen: (section: string) => void }) {
  return (
    <>
      {splitCitations(text).map((part, i) => {
        if ('text' in part) return <span key={i}>{part.text}</span>
        const c = citationFor(part.ref)
        if (!c) return null
        return (
          <span key={i} className="eos-cite" data-testid="eos-cite">
            {' ('}
            {c.papers.map((p, k) => (
              <span key={p.id}>
                {k > 0 ? '; ' : ''}
                {p.authors.split(',')[0]} et al., <cite>{p.title}</cite>
              </span>
            ))}
            {c.papers.length ? '; ' : ''}
            <button type="button" className="link" onClick={() => onOpen(c.section.id)}>
              note: {c.section.title.replace(/^Scene: /, '')}
            </button>
            {')'}
          </span>
        )
      })}
    </>
  )
}

export function EosNote({ section, onClose }: { readonly section: string; readonly onClose: () => void }) {
  const body = useRef<HTMLDivElement>(null)
  useEffect(() => {
    body.current?.querySelector(`[data-section="${section}"]`)?.scrollIntoView({ block: 'start' })
  }, [section])
  return (
    <div className="eos-note" role="dialog" aria-label="Central flows: the note" data-testid="eos-note">
      <div className="eos-head">
        <div className="card-title">Central flows: a short note</div>
        <span className="grow" />
        <button type="button" className="icon-btn" aria-label="Close the note" onClick={onClose}>
          <IconClose size={14} />
        </button>
      </div>
      <div className="eos-note-body" ref={body}>
        {CENTRAL_FLOW_NOTE.map((s) => (
          <section key={s.id} data-section={s.id} className={s.id === section ? 'current' : ''}>
            <h3>{s.title}</h3>
            {s.paragraphs.map((p, i) => (
              <p key={i}>{p}</p>
            ))}
            {s.cites.length > 0 && <p className="muted small">See: {s.cites.map((c) => paperText(PAPERS[c])).join('; ')}.</p>}
          </section>
        ))}
      </div>
    </div>
  )
}
