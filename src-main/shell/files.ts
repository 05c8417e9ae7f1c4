// Session files on disk and the Open Recent list, kept free of any `electron` import (tested
// under Node in tests/main/files.test.ts). src-main/index.ts passes Electron's dialogs in.
//
// The renderer never names a file to read, and it can write only where the user pointed the Save
// dialog in this run: a path it makes up, a file it opened (whose contents it may yet refuse) and a
// recent-list entry from an earlier run all get the Save dialog first.
import { readFile, rename, rm, stat, writeFile, mkdir } from 'node:fs/promises'
import { basename, dirname, isAbsolute, resolve } from 'node:path'
import { decodeUtf8Text } from '../../src-shared/utf8'
import {
  type ExportFile,
  exportExtension,
  MAX_EXPORT_BYTES,
  MAX_SESSION_TEXT,
  type SavedSessionFile,
  type SessionFile,
} from '../../src-shared/desktop-api'

/** Electron's `dialog.showOpenDialog` / `showSaveDialog`, bound to the window that asked (`owner`). */
export interface FileDialogs {
  showOpen(
    owner: unknown,
    options: {
      title: string
      filters: { name: string; extensions: string[] }[]
      properties: 'openFile'[]
    },
  ): Promise<{ canceled: boolean; filePaths: string[] }>
  showSave(
    owner: unknown,
    options: {
      title: string
      defaultPath?: string
      filters: { name: string; extensions: string[] }[]
    },
  ): Promise<{ canceled: boolean; filePath?: string }>
}

export const SESSION_FILTERS = [
  { name: 'Gradscape scenario', extensions: ['json'] },
  { name: 'All files', extensions: ['*'] },
]

export const DEFAULT_SESSION_NAME = 'scenario.json'

// ---- recent files ----

export const MAX_RECENT_FILES = 10

export interface RecentFiles {
  /** Most recent first. */
  list(): readonly string[]
  add(path: string): Promise<void>
  remove(path: string): Promise<void>
  clear(): Promise<void>
}

export interface RecentFilesOptions {
  /** The JSON store, e.g. `<userData>/recent-files.json`. */
  readonly storePath: string
  readonly max?: number
  /** After every change (index.ts rebuilds the menu and tells the OS). */
  readonly onChange?: (list: readonly string[]) => void
}

interface RecentStore {
  readonly version: 1
  readonly files: string[]
}

/** Loads the store (a missing or corrupt store is an empty list). */
export async function loadRecentFiles(options: RecentFilesOptions): Promise<RecentFiles> {
  const max = options.max ?? MAX_RECENT_FILES
  let files: string[] = []
  try {
    const parsed = JSON.parse(await readFile(options.storePath, 'utf8')) as Partial<RecentStore>
    if (Array.isArray(parsed.files)) {
      files = [...new Set(parsed.files.filter((f): f is string => typeof f === 'string' && isAbsolute(f)))].slice(0, max)
    }
  } catch {
    files = []
  }
  const persist = async (): Promise<void> => {
    options.onChange?.(files)
    const store: RecentStore = { version: 1, files }
    await mkdir(dirname(options.storePath), { recursive: true })
    await writeAtomically(options.storePath, `${JSON.stringify(store, null, 2)}\n`)
  }
  return {
    list: () => files,
    async add(path) {
      const p = resolve(path)
      files = [p, ...files.filter((f) => f !== p)].slice(0, max)
      await persist()
    },
    async remove(path) {
      const p = resolve(path)
      if (!files.includes(p)) return
      files = files.filter((f) => f !== p)
      await persist()
    },
    async clear() {
      files = []
      await persist()
    },
  }
}

// ---- reading and writing ----

async function writeAtomically(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`
  try {
    await writeFile(tmp, data, typeof data === 'string' ? 'utf8' : undefined)
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined)
    throw err
  }
}

/**
 * Reads a session file; a clear error for a missing, non-regular, too large or non-UTF-8 file.
 * A byte-order mark is dropped (JSON.parse refuses it).
 */
export async function readSessionFile(path: string): Promise<SessionFile> {
  const p = resolve(path)
  const info = await stat(p)
  if (!info.isFile()) throw new Error(`${basename(p)} is not a file`)
  if (info.size > MAX_SESSION_TEXT) throw new Error(`${basename(p)} is too large (${info.size} bytes; at most ${MAX_SESSION_TEXT})`)
  let text: string
  try {
    text = decodeUtf8Text(await readFile(p))
  } catch (err) {
    throw new Error(`${basename(p)}: ${(err as Error).message}`)
  }
  return { name: basename(p), path: p, text }
}

export interface SessionFiles {
  /** Open dialog → read. Null when cancelled. */
  open(owner: unknown): Promise<SessionFile | null>
  /** Read a path main chose itself (Open Recent, the OS's open-file). */
  openPath(path: string): Promise<SessionFile>
  /** Save in place when `path` is granted, else through the Save dialog. Null when cancelled. */
  save(owner: unknown, text: string, suggestedName?: string, path?: string): Promise<SavedSessionFile | null>
  /** Whether the renderer may write to `path` without a dialog: the user saved there in this run. */
  isGranted(path: string): boolean
}

export function createSessionFiles({ dialogs, recent }: { dialogs: FileDialogs; recent: RecentFiles }): SessionFiles {
  /**
   * Paths the user picked in the Save dialog during this run: later saves of the session go there
   * in place. Opening a file grants nothing (reading it is not consent to overwrite it), and
   * neither does the recent list, which outlives the run.
   */
  const savedTo = new Set<string>()
  const isGranted = (path: string): boolean => isAbsolute(path) && savedTo.has(resolve(path))
  const addRecent = (path: string): Promise<void> => recent.add(path).catch(() => undefined) // a read-only profile must not fail the save
  const openPath = async (path: string): Promise<SessionFile> => {
    const file = await readSessionFile(path)
    await addRecent(file.path)
    return file
  }
  return {
    isGranted,
    openPath,
    async open(owner) {
      const r = await dialogs.showOpen(owner, { title: 'Open scenario', filters: SESSION_FILTERS, properties: ['openFile'] })
      if (r.canceled || r.filePaths.length === 0) return null
      return openPath(r.filePaths[0])
    },
    async save(owner, text, suggestedName, path) {
      if (text.length > MAX_SESSION_TEXT) throw new Error(`the session is too large to save (at most ${MAX_SESSION_TEXT} characters)`)
      let target: string
      if (path !== undefined && isGranted(path)) {
        target = resolve(path)
      } else {
        const defaultPath = path !== undefined && isAbsolute(path) ? path : (suggestedName ?? DEFAULT_SESSION_NAME)
        const r = await dialogs.showSave(owner, { title: 'Save scenario', defaultPath, filters: SESSION_FILTERS })
        if (r.canceled || !r.filePath) return null
        target = resolve(r.filePath)
      }
      await writeAtomically(target, text)
      savedTo.add(target)
      await addRecent(target)
      return { name: basename(target), path: target }
    },
  }
}

// ---- exports (images, charts, data, videos) ----

const EXPORT_FILTER_NAMES: Readonly<Record<string, string>> = {
  png: 'PNG image',
  svg: 'SVG image',
  csv: 'CSV table',
  json: 'JSON data',
  mp4: 'MP4 video',
  webm: 'WebM video',
  npz: 'NumPy arrays',
}

export interface ExportFiles {
  /** Save dialog for `suggestedName` (its extension sets the filter). Null when cancelled. */
  choose(owner: unknown, suggestedName: string): Promise<ExportFile | null>
  /** Write to a path `choose` returned (else refused), all or nothing. */
  write(path: string, data: Uint8Array): Promise<ExportFile>
}

/**
 * Export files: the renderer may write only where the user pointed the Save dialog for an
 * export in this run, and only once per choice (a failed write keeps the choice so the export
 * can be saved again). Exports never enter the recent-files list.
 */
export function createExportFiles({ dialogs }: { dialogs: FileDialogs }): ExportFiles {
  const granted = new Set<string>()
  return {
    async choose(owner, suggestedName) {
      const ext = exportExtension(suggestedName)
      if (!ext) throw new Error(`${suggestedName}: not an export file name`)
      const r = await dialogs.showSave(owner, {
        title: 'Export',
        defaultPath: suggestedName,
        filters: [
          { name: EXPORT_FILTER_NAMES[ext], extensions: [ext] },
          { name: 'All files', extensions: ['*'] },
        ],
      })
      if (r.canceled || !r.filePath) return null
      const target = resolve(r.filePath)
      granted.add(target)
      return { name: basename(target), path: target }
    },
    async write(path, data) {
      if (!isAbsolute(path) || !granted.has(resolve(path))) throw new Error('this file was not chosen for an export: export again')
      if (data.byteLength > MAX_EXPORT_BYTES)
        throw new Error(`the export is too large to save (${data.byteLength} bytes; at most ${MAX_EXPORT_BYTES})`)
      const target = resolve(path)
      await writeAtomically(target, data)
      granted.delete(target)
      return { name: basename(target), path: target }
    },
  }
}
