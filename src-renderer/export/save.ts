/**
 * Where an export goes. Inside Electron the shell's Save dialog is shown first (before a long
 * render) and the bytes are written there at the end, all or nothing; in a browser the file is
 * a download. A write that fails throws: the caller reports it and the session is untouched.
 */
import type { ExportFile } from '../../src-shared/desktop-api'
import { getConnection } from '../api'
import { download } from '../ui/session'

export interface Destination {
  /** The file name the user will see. */
  readonly name: string
  /** Where it lands (Electron) or "Downloads" (browser). */
  readonly where: string
  write(blob: Blob): Promise<void>
}

/** Test seam (automation only): the next write fails with this message, as a full disk would. */
let failNext: string | null = null
export function simulateWriteFailure(message: string | null): void {
  failNext = message
}

function takeSimulatedFailure(): void {
  if (failNext === null) return
  const message = failNext
  failNext = null
  throw new Error(message)
}

interface ExportShell {
  chooseExportFile(suggestedName: string): Promise<ExportFile | null>
  writeExportFile(path: string, data: Uint8Array): Promise<ExportFile>
}

function exportShell(): ExportShell | null {
  const shell = getConnection().shell as Partial<ExportShell> | null
  return shell && typeof shell.chooseExportFile === 'function' && typeof shell.writeExportFile === 'function'
    ? (shell as ExportShell)
    : null
}

/** Ask where `suggestedName` goes; null when the user cancels the dialog. */
export async function chooseDestination(suggestedName: string): Promise<Destination | null> {
  const shell = exportShell()
  if (shell) {
    const file = await shell.chooseExportFile(suggestedName)
    if (!file) return null
    return {
      name: file.name,
      where: file.path,
      async write(blob) {
        takeSimulatedFailure()
        await shell.writeExportFile(file.path, new Uint8Array(await blob.arrayBuffer()))
      },
    }
  }
  return {
    name: suggestedName,
    where: 'Downloads',
    async write(blob) {
      takeSimulatedFailure()
      download(suggestedName, blob)
    },
  }
}
