/**
 * The one GradscapeApi the renderer uses: Electron's preload (`window.gradscape`) when it
 * exposes the full API, else a WebSocket client of the web host at this page's origin. Inside
 * Electron the preload also offers the desktop shell (native session files, menu commands).
 */
import { type GradscapeApi, OPERATIONS } from '../../src-shared/api'
import { type GradscapeWindowApi, type MenuEvent, SHELL_OPERATIONS, type ShellApi } from '../../src-shared/desktop-api'
import type { IpcResult } from '../../src-shared/ipc-channels'
import { problemOf } from '../../src-shared/problem'
import { ApiError, type ConnectionState, createWsClient, defaultApiUrl } from './ws-client'

export { ApiError } from './ws-client'

declare global {
  interface Window {
    /** Set by src-main/preload.ts inside Electron (src-shared/desktop-api.ts). */
    readonly gradscape?: Partial<GradscapeWindowApi>
  }
}

/** What only the desktop shell has. */
export type Shell = ShellApi & { onMenuCommand(listener: (event: MenuEvent) => void): () => void }

function isFullApi(v: unknown): v is GradscapeWindowApi {
  if (typeof v !== 'object' || v === null) return false
  const o = v as Record<string, unknown>
  return OPERATIONS.every((op) => typeof o[op] === 'function') && typeof o.onJobEvent === 'function'
}

/** The value of an envelope, or an ApiError that keeps the host's InputProblem. */
function unwrap<T>(result: IpcResult<T>): T {
  if (result.ok) return result.value
  throw new ApiError(result.error.message, problemOf(result.error.problem))
}

type Method = (...args: unknown[]) => Promise<IpcResult<unknown>>

/** The preload's enveloped methods as plain async ones that reject with an ApiError. */
function unwrapped<K extends string>(w: GradscapeWindowApi, ops: readonly K[]): Record<K, (...args: unknown[]) => Promise<unknown>> {
  const out = {} as Record<K, (...args: unknown[]) => Promise<unknown>>
  for (const op of ops) {
    const method = (w as unknown as Record<K, Method>)[op]
    out[op] = async (...args) => unwrap(await method(...args))
  }
  return out
}

function apiOf(w: GradscapeWindowApi): GradscapeApi {
  return { ...unwrapped(w, OPERATIONS), onJobEvent: w.onJobEvent } as unknown as GradscapeApi
}

function shellOf(w: GradscapeWindowApi): Shell | null {
  const v = w as Partial<GradscapeWindowApi>
  if (!(typeof v.openSessionFile === 'function' && typeof v.saveSessionFile === 'function' && typeof v.onMenuCommand === 'function'))
    return null
  return {
    ...unwrapped(w, SHELL_OPERATIONS),
    onMenuCommand: (listener: (event: MenuEvent) => void) => w.onMenuCommand(listener),
  } as unknown as Shell
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
    connection = { api: apiOf(w), kind: 'electron', shell: shellOf(w), state: () => 'open', onStateChange: () => () => undefined }
  } else {
    const client = createWsClient(defaultApiUrl(window.location))
    connection = { api: client, kind: 'web', shell: null, state: client.state, onStateChange: client.onStateChange }
  }
  return connection
}

export function getApi(): GradscapeApi {
  return getConnection().api
}
