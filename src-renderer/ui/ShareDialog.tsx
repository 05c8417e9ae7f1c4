/** Share link: the session in the web host's URL (./share-link.ts), copied and shown for selection. */
import { getConnection } from '../api'
import { showMessage, useUi } from '../store/ui-store'
import { IconClose } from './icons'
import { sessionDocument } from './session'
import { encodeSessionText, shareUrl } from './share-link'

export async function makeShareLink(): Promise<void> {
  try {
    const encoded = await encodeSessionText(JSON.stringify(sessionDocument()))
    const link = shareUrl(window.location.href, encoded)
    useUi.setState({ shareLink: link })
    await navigator.clipboard?.writeText(link).catch(() => undefined)
  } catch (err) {
    showMessage('error', `Could not make a link: ${(err as Error).message}`)
  }
}

export function ShareDialog() {
  const link = useUi((s) => s.shareLink)
  if (!link) return null
  const close = () => useUi.setState({ shareLink: null })
  const desktop = !!getConnection().shell
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-label="Share link" data-testid="share-dialog" onClick={close}>
      <div className="dialog" onClick={(e) => e.stopPropagation()}>
        <div className="dialog-head">
          <h2>Share this session</h2>
          <button type="button" className="icon-btn" aria-label="Close" onClick={close}>
            <IconClose />
          </button>
        </div>
        <p>
          The whole session (landscape, optimizers, starts, view, camera and sweep settings) is in this link, compressed; nothing is
          uploaded. {link.length.toLocaleString()} characters, copied to the clipboard.
        </p>
        <input className="share-link mono" readOnly value={link} data-testid="share-link" onFocus={(e) => e.currentTarget.select()} />
        {desktop && (
          <p className="muted">
            In the desktop app the link points at this window’s page; replace everything before <code>#s=</code> with your web host’s
            address to open it in a browser.
          </p>
        )}
      </div>
    </div>
  )
}
