/**
 * A session as a link: the session document, deflated and base64url-encoded, in the URL hash of
 * the web host (`…/#s=…`, never sent to a server). Opening such a link loads the session like a
 * file (validated, refused with the reason if corrupt).
 */
import { MAX_SESSION_BYTES } from './session'

const HASH_KEY = 's'

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream, limit = Infinity): Promise<Uint8Array> {
  const out = new Blob([bytes as BlobPart]).stream().pipeThrough(stream)
  const reader = out.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.length
    if (size > limit) {
      await reader.cancel()
      throw new Error('the shared session is too large')
    }
    chunks.push(value)
  }
  const all = new Uint8Array(size)
  let o = 0
  for (const c of chunks) {
    all.set(c, o)
    o += c.length
  }
  return all
}

function toBase64Url(bytes: Uint8Array): string {
  let bin = ''
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function fromBase64Url(s: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) throw new Error('the link is damaged (not base64url)')
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4))
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

/** The hash value for a session's JSON text. */
export async function encodeSessionText(text: string): Promise<string> {
  return toBase64Url(await pipe(new TextEncoder().encode(text), new CompressionStream('deflate-raw')))
}

/** The session JSON text back from a hash value; throws with a reason when damaged. */
export async function decodeSessionText(encoded: string): Promise<string> {
  let bytes: Uint8Array
  try {
    bytes = await pipe(fromBase64Url(encoded), new DecompressionStream('deflate-raw'), MAX_SESSION_BYTES)
  } catch (err) {
    const m = (err as Error).message
    throw new Error(m.startsWith('the ') ? m : 'the link is damaged (it does not decompress)')
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
}

/** The session carried by a URL hash (`#s=…`), or null. */
export function sessionInHash(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''))
  return params.get(HASH_KEY)
}

/** A link to `base` (the page's URL without its hash) that opens the session. */
export function shareUrl(base: string, encoded: string): string {
  return `${base.replace(/#.*$/, '')}#${HASH_KEY}=${encoded}`
}

/**
 * The payload of a pasted share link: any URL whose hash carries `s=…`, or the bare `s=…` (or
 * `#s=…`) part. Null when the text holds no session.
 */
export function sessionInLink(pasted: string): string | null {
  const text = pasted.trim()
  const hash = text.includes('#') ? text.slice(text.indexOf('#')) : text
  const encoded = sessionInHash(hash)
  return encoded ? encoded.trim() : null
}
