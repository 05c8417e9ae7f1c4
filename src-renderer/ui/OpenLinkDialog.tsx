/** Open link: paste a share link (the web host's `#s=…`) to open its session, in the desktop app too. */
import { useState } from 'react'
import { getApi } from '../api'
import { useUi } from '../store/ui-store'
import { IconClose } from './icons'
import { openSessionLink } from './open-link'

export function OpenLinkDialog() {
  const open = useUi((s) => s.openLinkOpen)
  if (!open) return null
  return <OpenLinkForm />
}

function OpenLinkForm() {
  const [text, setText] = useState('')
  const [reason, setReason] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const close = () => useUi.setState({ openLinkOpen: false })
  const submit = async () => {
    setBusy(true)
    const r = await openSessionLink(getApi(), text)
    setBusy(false)
    // Refused: the dialog stays open with the reason, so the link can be fixed and tried again.
    if (r.ok) close()
    else setReason(r.reason)
  }
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-label="Open link" data-testid="open-link-dialog" onClick={close}>
      <form
        className="dialog"
        onClick={(e) => e.stopPropagation()}
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <div className="dialog-head">
          <h2>Open a shared session</h2>
          <button type="button" className="icon-btn" aria-label="Close" onClick={close}>
            <IconClose />
          </button>
        </div>
        <p>
          Paste a share link (any address with <code>#s=…</code> in it, or just the <code>s=…</code> part). Its session replaces this one;
          Undo brings this one back.
        </p>
        <input
          className="share-link mono"
          autoFocus
          value={text}
          placeholder="https://…/#s=…"
          aria-label="Share link"
          data-testid="open-link-input"
          onChange={(e) => {
            setText(e.target.value)
            setReason(null)
          }}
        />
        {reason && (
          <p className="muted" role="alert" data-testid="open-link-reason">
            Not opened: {reason}
          </p>
        )}
        <div>
          <button type="submit" className="btn" disabled={busy || !text.trim()} data-testid="open-link-go">
            Open
          </button>
        </div>
      </form>
    </div>
  )
}
