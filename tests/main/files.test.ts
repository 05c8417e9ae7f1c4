/** @vitest-environment node */
/** src-main/shell/files.ts: session files and the recent list, with fake dialogs and a temporary directory. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { MAX_SESSION_TEXT } from '../../src-shared/desktop-api'
import { createExportFiles, createSessionFiles, type FileDialogs, loadRecentFiles, MAX_RECENT_FILES } from '../../src-main/shell/files'

const dir = mkdtempSync(join(tmpdir(), 'gradscape-files-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let n = 0
const fresh = (name: string) => join(dir, `${n++}-${name}`)

function fakeDialogs(answers: { open?: string | null; save?: string | null }) {
  return {
    showOpen: vi.fn(async () => (answers.open ? { canceled: false, filePaths: [answers.open] } : { canceled: true, filePaths: [] })),
    showSave: vi.fn(async () => (answers.save ? { canceled: false, filePath: answers.save } : { canceled: true, filePath: '' })),
  } satisfies FileDialogs
}

describe('recent files', () => {
  it('keeps the most recent first, without duplicates, at most MAX_RECENT_FILES, persisted as JSON', async () => {
    const storePath = fresh('recent.json')
    const onChange = vi.fn()
    const recent = await loadRecentFiles({ storePath, onChange })
    expect(recent.list()).toEqual([])
    for (let i = 0; i < MAX_RECENT_FILES + 3; i++) await recent.add(join(dir, `s${i}.json`))
    await recent.add(join(dir, 's5.json'))
    expect(recent.list()).toHaveLength(MAX_RECENT_FILES)
    expect(recent.list()[0]).toBe(join(dir, 's5.json'))
    expect(recent.list().filter((p) => p === join(dir, 's5.json'))).toHaveLength(1)
    expect(onChange).toHaveBeenLastCalledWith(recent.list())

    const reloaded = await loadRecentFiles({ storePath })
    expect(reloaded.list()).toEqual(recent.list())
    expect(JSON.parse(readFileSync(storePath, 'utf8'))).toEqual({ version: 1, files: recent.list() })

    await reloaded.remove(join(dir, 's5.json'))
    expect(reloaded.list()).not.toContain(join(dir, 's5.json'))
    await reloaded.clear()
    expect((await loadRecentFiles({ storePath })).list()).toEqual([])
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('treats a missing or corrupt store as empty and drops entries that are not absolute paths', async () => {
    expect((await loadRecentFiles({ storePath: fresh('missing.json') })).list()).toEqual([])
    const corrupt = fresh('corrupt.json')
    writeFileSync(corrupt, '{not json')
    expect((await loadRecentFiles({ storePath: corrupt })).list()).toEqual([])
    const odd = fresh('odd.json')
    writeFileSync(odd, JSON.stringify({ version: 1, files: ['relative.json', 42, join(dir, 'ok.json'), join(dir, 'ok.json')] }))
    expect((await loadRecentFiles({ storePath: odd })).list()).toEqual([join(dir, 'ok.json')])
  })
})

describe('session files', () => {
  it('opens through the dialog and lists the file as recent, without granting a write to it', async () => {
    const path = fresh('open.json')
    writeFileSync(path, '{"steps": 5}')
    const recent = await loadRecentFiles({ storePath: fresh('recent.json') })
    const dialogs = fakeDialogs({ open: path })
    const files = createSessionFiles({ dialogs, recent })
    const owner = { window: 1 }
    expect(await files.open(owner)).toEqual({ name: path.split('/').pop(), path, text: '{"steps": 5}' })
    expect(dialogs.showOpen).toHaveBeenCalledWith(owner, expect.objectContaining({ properties: ['openFile'] }))
    expect(recent.list()).toEqual([path])
    // Reading is not consent to overwrite (the renderer may yet refuse the contents): saving to
    // the opened path goes through the Save dialog, proposing that path.
    expect(files.isGranted(path)).toBe(false)
    expect(await files.save(owner, 'replaced', undefined, path)).toBeNull() // the user cancels
    expect(dialogs.showSave).toHaveBeenCalledWith(owner, expect.objectContaining({ defaultPath: path }))
    expect(readFileSync(path, 'utf8')).toBe('{"steps": 5}')
    expect(files.isGranted(path)).toBe(false)
  })

  it('a file whose contents are refused leaves no grant behind either', async () => {
    const path = fresh('refused.json')
    writeFileSync(path, Buffer.from([0x7b, 0xff, 0x7d]))
    const files = createSessionFiles({
      dialogs: fakeDialogs({ open: path }),
      recent: await loadRecentFiles({ storePath: fresh('r.json') }),
    })
    await expect(files.open(null)).rejects.toThrow(/not valid UTF-8/)
    expect(files.isGranted(path)).toBe(false)
  })

  it('drops a byte-order mark and refuses bytes that are not UTF-8, naming the offset', async () => {
    const files = createSessionFiles({ dialogs: fakeDialogs({}), recent: await loadRecentFiles({ storePath: fresh('r.json') }) })
    const withMark = fresh('bom.json')
    writeFileSync(withMark, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"steps": 5}')]))
    const opened = await files.openPath(withMark)
    expect(opened.text).toBe('{"steps": 5}')
    expect(JSON.parse(opened.text)).toEqual({ steps: 5 })

    const latin1 = fresh('latin1.json')
    writeFileSync(latin1, Buffer.concat([Buffer.from('{"label": "caf'), Buffer.from([0xe9]), Buffer.from('"}')]))
    await expect(files.openPath(latin1)).rejects.toThrow(/latin1\.json: not valid UTF-8 text: byte 0xE9 at byte offset 14 \(line 1\)/)
  })

  it('returns null when a dialog is cancelled', async () => {
    const files = createSessionFiles({ dialogs: fakeDialogs({}), recent: await loadRecentFiles({ storePath: fresh('r.json') }) })
    expect(await files.open(null)).toBeNull()
    expect(await files.save(null, '{}', 'x.json')).toBeNull()
  })

  it('saves in place only to a path the user chose; any other path goes through the Save dialog', async () => {
    const chosen = fresh('chosen.json')
    const recent = await loadRecentFiles({ storePath: fresh('recent.json') })
    const dialogs = fakeDialogs({ save: chosen })
    const files = createSessionFiles({ dialogs, recent })

    // Save As (no path): dialog, proposing the suggested name.
    expect(await files.save(null, 'one', 'mine.json')).toEqual({ name: chosen.split('/').pop(), path: chosen })
    expect(dialogs.showSave).toHaveBeenLastCalledWith(null, expect.objectContaining({ defaultPath: 'mine.json' }))
    expect(readFileSync(chosen, 'utf8')).toBe('one')

    // Save to the granted path: no dialog.
    dialogs.showSave.mockClear()
    expect(await files.save(null, 'two', undefined, chosen)).toEqual({ name: chosen.split('/').pop(), path: chosen })
    expect(dialogs.showSave).not.toHaveBeenCalled()
    expect(readFileSync(chosen, 'utf8')).toBe('two')

    // A path the renderer made up is never written without the dialog.
    const madeUp = fresh('made-up.json')
    const relative = 'relative.json'
    for (const path of [madeUp, relative]) {
      dialogs.showSave.mockClear()
      await files.save(null, 'three', undefined, path)
      expect(dialogs.showSave).toHaveBeenCalledTimes(1)
    }
    expect(existsSync(madeUp)).toBe(false)
    expect(readFileSync(chosen, 'utf8')).toBe('three') // the user picked `chosen` in the dialog

    // Paths in the recent list (chosen in an earlier run) are not: the grant does not outlive the run.
    const earlier = fresh('earlier.json')
    await recent.add(earlier)
    expect(files.isGranted(earlier)).toBe(false)
    const later = createSessionFiles({ dialogs: fakeDialogs({}), recent })
    expect(later.isGranted(chosen)).toBe(false)
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('refuses a too large session and reports unreadable files clearly', async () => {
    const files = createSessionFiles({
      dialogs: fakeDialogs({ save: fresh('big.json') }),
      recent: await loadRecentFiles({ storePath: fresh('r.json') }),
    })
    await expect(files.save(null, 'x'.repeat(MAX_SESSION_TEXT + 1))).rejects.toThrow(/too large/)
    await expect(files.openPath(fresh('absent.json'))).rejects.toThrow(/ENOENT/)
    await expect(files.openPath(dir)).rejects.toThrow(/is not a file/)
  })
})

describe('export files', () => {
  it('asks with a filter for the extension, then writes the bytes exactly where the user chose, once', async () => {
    const chosen = fresh('run.mp4')
    const dialogs = fakeDialogs({ save: chosen })
    const files = createExportFiles({ dialogs })
    const owner = { window: 1 }
    expect(await files.choose(owner, 'gradscape-booth.mp4')).toEqual({ name: chosen.split('/').pop(), path: chosen })
    expect(dialogs.showSave).toHaveBeenCalledWith(
      owner,
      expect.objectContaining({
        defaultPath: 'gradscape-booth.mp4',
        filters: [
          { name: 'MP4 video', extensions: ['mp4'] },
          { name: 'All files', extensions: ['*'] },
        ],
      }),
    )
    const bytes = new Uint8Array([0, 1, 2, 250, 255])
    expect(await files.write(chosen, bytes)).toEqual({ name: chosen.split('/').pop(), path: chosen })
    expect([...readFileSync(chosen)]).toEqual([...bytes])
    // The choice is used up: a second write (or any other path) is refused and writes nothing.
    await expect(files.write(chosen, new Uint8Array([9]))).rejects.toThrow(/not chosen for an export/)
    const other = fresh('other.mp4')
    await expect(files.write(other, bytes)).rejects.toThrow(/not chosen for an export/)
    await expect(files.write('relative.mp4', bytes)).rejects.toThrow(/not chosen for an export/)
    expect(existsSync(other)).toBe(false)
    expect([...readFileSync(chosen)]).toEqual([...bytes])
  })

  it('returns null when cancelled, refuses other extensions, and leaves nothing behind when the write fails', async () => {
    expect(await createExportFiles({ dialogs: fakeDialogs({}) }).choose(null, 'a.png')).toBeNull()
    await expect(createExportFiles({ dialogs: fakeDialogs({ save: fresh('x.exe') }) }).choose(null, 'x.exe')).rejects.toThrow(
      /not an export file name/,
    )
    const missingDir = join(dir, 'no-such-dir', 'clip.webm')
    const files = createExportFiles({ dialogs: fakeDialogs({ save: missingDir }) })
    expect(await files.choose(null, 'clip.webm')).toEqual({ name: 'clip.webm', path: missingDir })
    await expect(files.write(missingDir, new Uint8Array(10))).rejects.toThrow(/ENOENT/)
    expect(existsSync(join(dir, 'no-such-dir'))).toBe(false)
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
    // A failed write keeps the choice: saving again is allowed (and fails the same way here).
    await expect(files.write(missingDir, new Uint8Array(10))).rejects.toThrow(/ENOENT/)
  })
})
