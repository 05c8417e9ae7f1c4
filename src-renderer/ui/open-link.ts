/**
 * Open link: a pasted share link (./share-link.ts) loads its session like a file — the same
 * decoding as the web host's `#s=…` on launch, the same validation as a session file, one undo
 * step, and on refusal the current session is untouched and the reason shown.
 */
import type { GradscapeApi } from '../../src-shared/api'
import { showMessage } from '../store/ui-store'
import { loadSessionText } from './session'
import { decodeSessionText, sessionInLink } from './share-link'

export async function openSessionLink(api: GradscapeApi, pasted: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  const encoded = sessionInLink(pasted)
  if (!encoded) {
    const reason = 'it is not a share link (no #s=… in it)'
    showMessage('error', `Could not open the link: ${reason}`)
    return { ok: false, reason }
  }
  let text: string
  try {
    text = await decodeSessionText(encoded)
  } catch (err) {
    const reason = (err as Error).message
    showMessage('error', `Could not open the link: ${reason}`)
    return { ok: false, reason }
  }
  return loadSessionText(api, text, 'the link', 'link')
}
