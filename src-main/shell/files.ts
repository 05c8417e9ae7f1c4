// Session files on disk and the Open Recent list, kept free of any `electron` import (tested
// under Node in tests/main/files.test.ts). src-main/index.ts passes Electron's dialogs in.
//
// The renderer never names a file to read, and it can write only where the user pointed a file
// dialog (in this run, or earlier: the recent list): a path it makes up gets the Save dialog.
import { readFile, rename, rm, stat, writeFile, mkdir } from 'node:fs/promises'
import { basename, dirname, isAbsolute, resolve } from 'node:path'
import { MAX_SESSION_TEXT, type SavedSessionFile, type SessionFile } from '../preload-types'

/** Electron's `dialog.showOpenDialog` / `showSaveDialog`, bound to the window that asked (`owner`). */
export interface FileDialogs {
  showOpen(owner: unknown, options: {
    title: string
    filters: { name: string; extensions: string[] }[]
    properties: ('openFile')[]
  }): Promise<{ canceled: boolean; filePaths: string[] }>
  showSave(owner: unknown, options: {
    title: string
    defaultPath?: string
    filters: { name: string; extensions: string[] }[]
  }): Promise<{ canceled: boolean; filePath?: string }>
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

async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`
  try {
    await writeFile(tmp, text, 'utf8')
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined)
    throw err
  }
}

/** Reads a session file; a clear error for a missing, non-regular or too large file. */
export async function readSessionFile(path: string): Promise<SessionFile> {
  const p = resolve(path)
  const info = await stat(p)
  if (!info.isFile()) throw new Error(`${basename(p)} is not a file`)
  if (info.size > MAX_SESSION_TEXT) throw new Error(`${basename(p)} is too large (${info.size} bytes; at most ${MAX_SESSION_TEXT})`)
  return { name: basename(p), path: p, text: await readFile(p, 'utf8') }
}

export interface SessionFiles {
  /** Open dialog → read. Null when cancelled. */
  open(owner: unknown): Promise<SessionFile | null>
  /** Read a path main chose itself (Open Recent, the OS's open-file). */
  openPath(path: string): Promise<SessionFile>
  /** Save in place when `path` is granted, else through the Save dialog. Null when cancelled. */
  save(owner: unknown, text: string, suggestedName?: string, path?: string): Promise<SavedSessionFile | null>
  /** Whether the renderer may write to `path` without a dialog. */
  isGranted(path: string): boolean
}

export function createSessionFiles({ dialogs, recent }: { dialogs: FileDialogs; recent: RecentFiles }): SessionFiles {
  /** Paths the user picked in a dialog during this run. */
  const granted = new Set<string>()
  const isGranted = (path: string): boolean => {
    if (!isAbsolute(path)) return false
    const p = resolve(path)
    return granted.has(p) || recent.list().includes(p)
  }
  const remember = async (path: string): Promise<void> => {
    granted.add(path)
    await recent.add(path).catch(() => undefined) // a read-only profile must not fail the save
  }
  const openPath = async (path: string): Promise<SessionFile> => {
    const file = await readSessionFile(path)
    await remember(file.path)
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
        const defaultPath = path !== undefined && isAbsolute(path) ? path : suggestedName ?? DEFAULT_SESSION_NAME
        const r = await dialogs.showSave(owner, { title: 'Save scenario', defaultPath, filters: SESSION_FILTERS })
        if (r.canceled || !r.filePath) return null
        target = resolve(r.filePath)
      }
      await writeAtomically(target, text)
      await remember(target)
      return { name: basename(target), path: target }
    },
  }
}
