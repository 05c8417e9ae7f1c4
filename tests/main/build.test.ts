/** @vitest-environment node */
import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OPERATIONS } from '../../src-shared/api'
// The IPC contract (src-shared): the channel list is what matters.
import { channelOf, EVENTS_CHANNEL, MENU_CHANNEL } from '../../src-shared/ipc-channels'
import { SHELL_OPERATIONS } from '../../src-shared/desktop-api'

const root = fileURLToPath(new URL('../..', import.meta.url))
const out = (path: string) => join(root, 'out', path)
const read = (path: string) => readFileSync(out(path), 'utf8')

// One build for both suites below (the launch test runs what this produced).
beforeAll(async () => {
  await promisify(execFile)('npx', ['electron-vite', 'build'], { cwd: root, maxBuffer: 16 * 1024 * 1024 })
}, 120_000)

describe('electron-vite build', () => {
  it('emits the main, preload and renderer entries', () => {
    expect(existsSync(out('main/index.js'))).toBe(true)
    expect(existsSync(out('preload/index.cjs'))).toBe(true)
    expect(existsSync(out('renderer/index.html'))).toBe(true)
  })

  it('emits the preload as CommonJS, as a sandboxed preload requires', () => {
    const preload = read('preload/index.cjs')
    expect(preload).toContain('require("electron")')
    expect(preload).not.toMatch(/^\s*(import|export)\s/m)
    expect(preload).toContain('exposeInMainWorld')
  })

  it('ships no insecure window settings in the main bundle', () => {
    const main = read('main/index.js')
    expect(main).not.toMatch(/nodeIntegration\s*:\s*true/)
    expect(main).not.toMatch(/contextIsolation\s*:\s*false/)
    expect(main).not.toMatch(/sandbox\s*:\s*false/)
    expect(main).not.toMatch(/webSecurity\s*:\s*false/)
    expect(main).toMatch(/contextIsolation\s*:\s*true/)
    expect(main).toMatch(/sandbox\s*:\s*true/)
    expect(main).toContain('preload/index.cjs')
  })

  it('emits a renderer page whose scripts are all external (the CSP forbids inline script)', () => {
    const html = read('renderer/index.html')
    expect(html).toMatch(/<meta\s+http-equiv="Content-Security-Policy"/i)
    const scripts = html.match(/<script\b[^>]*>/g) ?? []
    expect(scripts.length).toBeGreaterThan(0)
    for (const tag of scripts) expect(tag).toMatch(/\ssrc="\.\//)
    const bundles = readdirSync(out('renderer/assets')).filter((name) => name.endsWith('.js'))
    expect(bundles.length).toBeGreaterThan(0)
  })
})

/**
 * The launch test. Electron's binary cannot be downloaded on the machines that run the tests, so
 * the BUILT main process (out/main/index.js, as packaged) runs under plain Node with a recording
 * stand-in for the `electron` module (tests/main/launch/). It catches what unit tests against
 * fakes cannot: wrong paths to the preload, the page or the worker chunk, a module format Node
 * (and so Electron) will not load, a channel left unregistered, a worker that outlives quit.
 */
describe('the built main process, launched with a recording electron', () => {
  interface LaunchReport {
    steps: string[]
    sandboxEnabled: boolean
    windows: {
      options: { icon?: string; webPreferences: Record<string, unknown> }
      loadFile: string | null
      loadURL: string | null
      shown: boolean
      guards: string[]
      windowOpenDenied: boolean
    }[]
    applicationMenu: string[] | null
    handled: string[]
    removed: string[]
    sessionHardened: Record<string, boolean>
    refusals: Record<string, string[]>
    calls: {
      info?: { ok: boolean; host?: string; presets?: number; optimizers?: number }
      events?: { posted: { channel: string; ports: number }[] }
      startJob?: { ok: boolean; jobId?: number; kept?: number }
    }
    events: { chunks: number; points: number; firstPoints: number[]; done: { jobId: number; divergedAt: number[] } | null; error: unknown }
    menuClick: { channel: string; args: unknown[] } | null
    quit: { willQuit: boolean; handlesAfterQuit: string[] | null }
    failure: string | null
  }

  const scratch = mkdtempSync(join(tmpdir(), 'gradscape-launch-'))
  const reportPath = join(scratch, 'report.json')
  const job = {
    landscape: { preset: 'himmelblau' },
    optimizer: { name: 'adam', lr: 0.1 },
    init: [
      [1, 1],
      [-1, 2],
    ],
    steps: 50,
  }
  let exit: { code: number | null; signal: string | null; exitedByItself: boolean; stderr: string }
  let report: LaunchReport

  beforeAll(async () => {
    const child = spawn(process.execPath, ['--import', './tests/main/launch/register.mjs', out('main/index.js')], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        GRADSCAPE_LAUNCH_REPORT: reportPath,
        GRADSCAPE_LAUNCH_USER_DATA: join(scratch, 'userData'),
        GRADSCAPE_LAUNCH_JOB: JSON.stringify(job),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    // The process must end by itself once the app quits: a worker (or port) left running keeps it alive.
    exit = await new Promise((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
      }, 150_000)
      child.on('exit', (code, signal) => {
        clearTimeout(timer)
        resolve({ code, signal, exitedByItself: signal === null, stderr })
      })
    })
    report = JSON.parse(readFileSync(reportPath, 'utf8')) as LaunchReport
  }, 180_000)

  afterAll(() => rmSync(scratch, { recursive: true, force: true }))

  it('runs to the end and exits by itself after quit (the engine worker is stopped)', () => {
    expect(report.failure, exit.stderr).toBeNull()
    expect(report.steps).toEqual(['window shown', 'foreign senders tried', 'job finished', 'menu clicked', 'app.quit', 'window closed'])
    expect(report.quit.willQuit).toBe(true)
    expect(exit, `still holding: ${JSON.stringify(report.quit.handlesAfterQuit)}`).toMatchObject({ code: 0, exitedByItself: true })
  })

  it('opens one sandboxed window with the built preload, loading the built page', () => {
    expect(report.sandboxEnabled).toBe(true)
    expect(report.windows).toHaveLength(1)
    const [win] = report.windows
    expect(win.options.webPreferences).toMatchObject({
      preload: out('preload/index.cjs'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
    })
    expect(existsSync(win.options.webPreferences.preload as string)).toBe(true)
    expect(win.loadFile).toBe(out('renderer/index.html'))
    expect(existsSync(win.loadFile!)).toBe(true)
    expect(win.loadURL).toBeNull()
    expect(existsSync(win.options.icon!)).toBe(true)
    expect(win.shown).toBe(true)
  })

  it('guards the window and the session', () => {
    const [win] = report.windows
    expect(win.guards).toEqual(['will-attach-webview', 'will-frame-navigate', 'will-navigate', 'will-redirect'])
    expect(win.windowOpenDenied).toBe(true)
    expect(report.sessionHardened).toEqual({ headers: true, permissionRequests: true, permissionChecks: true })
  })

  it('registers every channel of the contract, each refusing foreign senders', () => {
    const contract: string[] = [...[...OPERATIONS, ...SHELL_OPERATIONS].map((op) => channelOf(op)), EVENTS_CHANNEL]
    expect([...report.handled].sort()).toEqual([...contract].sort())
    for (const channel of contract) expect(report.refusals[channel], channel).toEqual(['refused', 'refused', 'refused', 'refused'])
  })

  it('answers the app page: info, the event port, and a job run by the engine worker from the built chunk', () => {
    expect(report.calls.info).toMatchObject({ ok: true, host: 'electron' })
    expect(report.calls.info?.presets).toBeGreaterThan(5)
    expect(report.calls.events?.posted).toEqual([{ channel: EVENTS_CHANNEL, ports: 1 }])
    expect(report.calls.startJob).toMatchObject({ ok: true, kept: 51 })
    expect(report.events.error).toBeNull()
    expect(report.events.done).toEqual({ jobId: report.calls.startJob?.jobId, divergedAt: [-1, -1] })
    expect(report.events.points).toBe(51)
    // Run-major: the first run's first point is its start, (1, 1); its second moved.
    expect(report.events.firstPoints.slice(0, 2)).toEqual([1, 1])
    expect(report.events.firstPoints.slice(2)).not.toEqual([1, 1])
  })

  it('builds the menu, whose commands reach the window, and removes every handler on quit', () => {
    expect(report.applicationMenu).toEqual(['File', 'Edit', 'View', 'Help'])
    expect(report.menuClick).toEqual({ channel: MENU_CHANNEL, args: [{ command: 'open' }] })
    expect([...report.removed].sort()).toEqual([...report.handled].sort())
  })
})
