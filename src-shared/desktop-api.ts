// The desktop contract: what src-main/preload.ts exposes as `window.gradscape` inside Electron —
// the GradscapeApi operations (src-shared/api.ts) plus the few things only the desktop shell has
// (session files on disk, application-menu commands). It lives in src-shared because both sides
// hold it: main implements it, the renderer calls it. Pure TypeScript: the preload bundles it.
import type { GradscapeApi, Operation } from './api'
import type { IpcResult } from './ipc-channels'

/** A session file read from disk. */
export interface SessionFile {
  /** File name without directories, for the title bar. */
  readonly name: string
  /** Absolute path; pass it back to `saveSessionFile` to save in place. */
  readonly path: string
  readonly text: string
}

export interface SavedSessionFile {
  readonly name: string
  readonly path: string
}

/** Largest session file (UTF-16 code units of text) that is read or written. */
export const MAX_SESSION_TEXT = 16 * 1024 * 1024
/** Longest file name / path the save call accepts. */
export const MAX_FILE_NAME = 255
export const MAX_FILE_PATH = 4096

/** A file the user chose for an export (images, charts, data, videos). */
export interface ExportFile {
  readonly name: string
  readonly path: string
}

/** Extensions an export may have (the Save dialog filters by it; anything else is refused). */
export const EXPORT_EXTENSIONS = ['png', 'svg', 'csv', 'json', 'mp4', 'webm', 'npz'] as const
export type ExportExtension = (typeof EXPORT_EXTENSIONS)[number]
/** Largest export written in one call (bytes). */
export const MAX_EXPORT_BYTES = 1024 * 1024 * 1024

/** The extension of an export file name, or null when it is not one of EXPORT_EXTENSIONS. */
export function exportExtension(name: string): ExportExtension | null {
  const m = /\.([a-z0-9]+)$/i.exec(name)
  const ext = m ? m[1].toLowerCase() : ''
  return (EXPORT_EXTENSIONS as readonly string[]).includes(ext) ? (ext as ExportExtension) : null
}

/** Operations of the desktop shell, request/response like OPERATIONS. */
export const SHELL_OPERATIONS = ['openSessionFile', 'saveSessionFile', 'chooseExportFile', 'writeExportFile'] as const
export type ShellOperation = (typeof SHELL_OPERATIONS)[number]

export interface ShellApi {
  /** Shows the Open dialog; null when the user cancels. */
  openSessionFile(): Promise<SessionFile | null>
  /**
   * Writes `text`. With the `path` of a file this session opened or saved (Save), it writes there
   * directly; otherwise (Save As…, or a path main never handed out) it shows the Save dialog,
   * proposing `suggestedName`. Null when the user cancels.
   */
  saveSessionFile(text: string, suggestedName?: string, path?: string): Promise<SavedSessionFile | null>
  /**
   * Shows the Save dialog for an export (before a long render, so the user is asked first),
   * proposing `suggestedName`, whose extension (EXPORT_EXTENSIONS) sets the filter. Null when the
   * user cancels. The path returned may then be written once with `writeExportFile`.
   */
  chooseExportFile(suggestedName: string): Promise<ExportFile | null>
  /**
   * Writes `data` to a path `chooseExportFile` returned in this run (any other path is refused),
   * all or nothing: a temporary file beside it, renamed at the end. A failure leaves no file and
   * the path stays writable, so the export can be saved again.
   */
  writeExportFile(path: string, data: Uint8Array): Promise<ExportFile>
}

/** Commands the application menu sends to the renderer. */
export const MENU_COMMANDS = [
  'new',
  'open',
  'open-link',
  'save',
  'save-as',
  'export',
  'undo',
  'redo',
  'reset-camera',
  'view-3d',
  'view-top',
  'toggle-panels',
  'toggle-eos',
  'about',
  'shortcuts',
] as const
export type MenuCommand = (typeof MENU_COMMANDS)[number]

export type MenuEvent =
  | { readonly command: MenuCommand }
  /** File ▸ Open Recent: main has already read the file. */
  | { readonly command: 'open-file'; readonly file: SessionFile }

export function isMenuEvent(v: unknown): v is MenuEvent {
  if (typeof v !== 'object' || v === null) return false
  const e = v as { command?: unknown; file?: unknown }
  if (e.command === 'open-file') {
    const f = e.file as Partial<SessionFile> | null | undefined
    return typeof f === 'object' && f !== null && typeof f.name === 'string' && typeof f.path === 'string' && typeof f.text === 'string'
  }
  return typeof e.command === 'string' && (MENU_COMMANDS as readonly string[]).includes(e.command)
}

/** A method as the preload exposes it: the same arguments, the IpcResult envelope as its answer. */
type Enveloped<F> = F extends (...args: infer P) => Promise<infer R> ? (...args: P) => Promise<IpcResult<R>> : never

/**
 * `window.gradscape` inside Electron. Each operation resolves to its IpcResult envelope rather
 * than rejecting: the context bridge keeps only the message of an Error, while an envelope
 * crosses it whole, so the renderer (src-renderer/api) gets the structured InputProblem.
 */
export type GradscapeWindowApi = { readonly [K in Operation | ShellOperation]: Enveloped<(GradscapeApi & ShellApi)[K]> } & {
  /** The app's version (package.json). */
  readonly version: string
  /** Subscribe to job events; returns the unsubscribe function. */
  onJobEvent: GradscapeApi['onJobEvent']
  /** Subscribe to application-menu commands; returns the unsubscribe function. */
  onMenuCommand(listener: (event: MenuEvent) => void): () => void
}

export interface GradscapeWindow {
  readonly gradscape: GradscapeWindowApi
}
