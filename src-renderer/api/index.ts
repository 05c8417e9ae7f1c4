/**
 * The one GradscapeApi the renderer uses: Electron's preload (`window.gradscape`) when it
 * exposes the full API, else a WebSocket client of the web host at this page's origin. Inside
 * Electron the preload also offers the desktop shell (native session files, menu commands).
 */
import { type GradscapeApi, OPERATIONS } from '../../src-shared/api'
import type { GradscapeWindowApi, MenuEvent, ShellApi } from '../../src-shared/desktop-api'
import { type ConnectionState, createWsClient, defaultApiUrl } from './ws-client'

export { ApiError } from './ws-client'

declare global {
  interface Window {
    /** Set by src-main/preload.ts inside Electron (src-shared/desktop-api.ts). */
    readonly gradscape?: Partial<GradscapeWindowApi>
  }
}

/** What only the desktop shell has. */
export type Shell = ShellApi & { onMenuCommand(listener: (event: MenuEvent) => void): () => void }

function isFullApi(v: unknown): v is GradscapeApi {
  if (typeof v !== 'object' || v === null) return false
  const o = v as Record<string, unknown>
  return OPERATIONS.every((op) => typeof o[op] === 'function') && typeof o.onJobEvent === 'function'
}

function shellOf(v: Partial<GradscapeWindowApi>): Shell | null {
  return typeof v.openSessionFile === 'function' && typeof v.saveSessionFile === 'function' && typeof v.onMenuCommand === 'function'
    ? (v as Shell)
    : null
}

export interface Connection {
  readonly api: GradscapeApi
  readonly kind: 'electron' | 'web'
  /** Native files and the application menu (Electron only). */
  readonly shell: Shell | null
  /** Connection state (web only; Electron's IPC is always 'open'). */
  readonly state: () => ConnectionState
  onStateChange(listener: (s: ConnectionState) => void): () => void
}

let connection: Connection | null = null

export function getConnection(): Connection {
  if (connection) return connection
  const w = window.gradscape
  if (w && isFullApi(w)) {
    connection = { api: w, kind: 'electron', shell: shellOf(w), state: () => 'open', onStateChange: () => () => undefined }
  } else {
    const client = createWsClient(defaultApiUrl(window.location))
    connection = { api: client, kind: 'web', shell: null, state: client.state, onStateChange: client.onStateChange }
  }
  return connection
}

export function getApi(): GradscapeApi {
  return getConnection().api
}
