/** @vitest-environment node */
/**
 * `npm start` (scripts/start.mjs) where Electron's binary cannot be fetched: one line saying so and
 * naming `npm run web`, the offer to start it at a terminal, a non-zero exit otherwise; never
 * electron-vite's "Error: Electron uninstall". And `engines` states what the pinned Electron
 * tooling really needs.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it, vi } from 'vitest'
// @ts-expect-error: a plain .mjs script without type declarations
import { electronBinary, NO_DESKTOP_SHELL, start } from '../../scripts/start.mjs'

const root = fileURLToPath(new URL('../..', import.meta.url))
const require = createRequire(import.meta.url)
const scratch = mkdtempSync(join(tmpdir(), 'gradscape-start-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe('finding the Electron binary', () => {
  it('follows path.txt into dist/, as electron/index.js does, and says null when it is missing', () => {
    const dir = join(scratch, 'electron')
    mkdirSync(join(dir, 'dist'), { recursive: true })
    expect(electronBinary(dir, {})).toBeNull() // no path.txt: never fetched
    writeFileSync(join(dir, 'path.txt'), 'electron')
    expect(electronBinary(dir, {})).toBeNull() // path.txt, but no binary
    writeFileSync(join(dir, 'dist', 'electron'), '')
    expect(electronBinary(dir, {})).toBe(join(dir, 'dist', 'electron'))
    expect(electronBinary(dir, { ELECTRON_OVERRIDE_DIST_PATH: join(scratch, 'nowhere') })).toBeNull()
    expect(electronBinary(dir, { ELECTRON_OVERRIDE_DIST_PATH: join(dir, 'dist') })).toBe(join(dir, 'dist', 'electron'))
  })
})

describe('what npm start does', () => {
  const effects = (over: Partial<Record<string, unknown>> = {}) => ({
    hasElectron: vi.fn(() => false),
    fetchElectron: vi.fn(() => false),
    runDesktop: vi.fn(() => undefined),
    runWeb: vi.fn(() => undefined),
    interactive: false,
    ask: vi.fn(async () => false),
    say: vi.fn(),
    ...over,
  })

  it('runs the desktop app when Electron is there, or once it is fetched', async () => {
    const present = effects({ hasElectron: vi.fn(() => true) })
    await start(present)
    expect(present.runDesktop).toHaveBeenCalledOnce()
    expect(present.fetchElectron).not.toHaveBeenCalled()
    const fetched = effects({ fetchElectron: vi.fn(() => true) })
    await start(fetched)
    expect(fetched.runDesktop).toHaveBeenCalledOnce()
    expect(fetched.say).not.toHaveBeenCalled()
  })

  it('without Electron and without a terminal: the one line, exit status 1, nothing started', async () => {
    const e = effects()
    expect(await start(e)).toBe(1)
    expect(e.say.mock.calls).toEqual([[NO_DESKTOP_SHELL]])
    expect(e.ask).not.toHaveBeenCalled()
    expect(e.runWeb).not.toHaveBeenCalled()
    expect(e.runDesktop).not.toHaveBeenCalled()
  })

  it('at a terminal it offers the web host: yes starts it, no exits with 1', async () => {
    const yes = effects({ interactive: true, ask: vi.fn(async () => true) })
    await start(yes)
    expect(yes.ask).toHaveBeenCalledWith(expect.stringMatching(/web host.*\[y\/N\]/))
    expect(yes.runWeb).toHaveBeenCalledOnce()
    const no = effects({ interactive: true })
    expect(await start(no)).toBe(1)
    expect(no.runWeb).not.toHaveBeenCalled()
  })

  it('the line says the shell could not be fetched and names npm run web', () => {
    expect(NO_DESKTOP_SHELL).toMatch(/desktop shell.*could not be fetched.*`npm run web` serves the same app/)
    expect(NO_DESKTOP_SHELL.split('\n')).toHaveLength(1)
  })

  it('the real script, offline and non-interactive: the line, no stack trace, exit 1', async () => {
    const empty = join(scratch, 'no-electron')
    mkdirSync(empty, { recursive: true })
    const env = {
      PATH: process.env.PATH,
      ELECTRON_OVERRIDE_DIST_PATH: empty, // as if the binary were absent, even where it is installed
      electron_config_cache: join(scratch, 'cache'), // nothing cached to install from
      ELECTRON_MIRROR: 'http://127.0.0.1:9/', // the download fails at once, network or not
    }
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, ['scripts/start.mjs'], { cwd: root, env, timeout: 60_000 }, (err, _stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stderr })
      })
      child.stdin?.end()
    })
    expect(result.code).toBe(1)
    const lines = result.stderr.trim().split('\n')
    expect(lines.at(-1)).toBe(NO_DESKTOP_SHELL)
    expect(result.stderr).not.toMatch(/Electron uninstall|^\s+at /m)
    expect(lines.length).toBeLessThanOrEqual(2) // the line, and at most the downloader's own one-line reason
  })
})

describe('package.json', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string>; engines: { node: string } }

  it('npm start goes through the launcher', () => {
    expect(pkg.scripts.start).toBe('node scripts/start.mjs')
  })

  it('engines.node asks for no less than the pinned Electron tooling requires (npm warned EBADENGINE)', () => {
    const semver = require('semver') as { subset(a: string, b: string): boolean; satisfies(v: string, r: string): boolean }
    const tooling = ['electron', '@electron/get', '@electron/rebuild']
    for (const name of tooling) {
      // Read directly: some of these packages do not export their package.json.
      const path = [
        join(root, 'node_modules', name),
        join(root, 'node_modules/app-builder-lib/node_modules', name),
        join(root, 'node_modules/electron/node_modules', name),
      ]
        .map((dir) => join(dir, 'package.json'))
        .find((file) => existsSync(file))
      expect(path, `${name} is installed`).toBeDefined()
      const needs = (JSON.parse(readFileSync(path!, 'utf8')) as { engines?: { node?: string } }).engines?.node
      if (needs === undefined) continue
      expect(semver.subset(pkg.engines.node, needs), `${name} needs node ${needs}; package.json says ${pkg.engines.node}`).toBe(true)
    }
  })
})
