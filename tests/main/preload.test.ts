/** @vitest-environment node */
/** src-main/preload.ts loaded against a fake `electron` module (contextBridge + ipcRenderer). */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { type JobEvent, OPERATIONS } from '../../src-shared/api'
import { channelOf, EVENTS_CHANNEL, MENU_CHANNEL } from '../../src-shared/ipc-channels'
import { type GradscapeWindowApi, type MenuEvent, SHELL_OPERATIONS } from '../../src-shared/desktop-api'

type Listener = (event: unknown, ...args: unknown[]) => void

const electron = vi.hoisted(() => {
  const listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>()
  const ipcRenderer = {
    invoke: vi.fn(async (channel: string, ...args: unknown[]): Promise<unknown> => ({ ok: true, value: { channel, args } })),
    on: vi.fn((channel: string, listener: (event: unknown, ...args: unknown[]) => void) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set())
      listeners.get(channel)!.add(listener)
      return ipcRenderer
    }),
    removeListener: vi.fn((channel: string, listener: (event: unknown, ...args: unknown[]) => void) => {
      listeners.get(channel)?.delete(listener)
      return ipcRenderer
    }),
    send: vi.fn(),
    sendSync: vi.fn(),
    postMessage: vi.fn(),
  }
  const contextBridge = { exposeInMainWorld: vi.fn() }
  return { ipcRenderer, contextBridge, listeners }
})

vi.mock('electron', () => ({ ipcRenderer: electron.ipcRenderer, contextBridge: electron.contextBridge }))

/** Main → renderer: what ipcRenderer.on listeners of `channel` get. */
const fromMain = (channel: string, event: unknown, ...args: unknown[]) => {
  for (const l of [...(electron.listeners.get(channel) ?? [])] as Listener[]) l(event, ...args)
}

let api: GradscapeWindowApi
const channels: MessageChannel[] = []

beforeAll(async () => {
  await import('../../src-main/preload')
  api = electron.contextBridge.exposeInMainWorld.mock.calls[0]?.[1] as GradscapeWindowApi
})
afterAll(() => {
  for (const c of channels) {
    c.port1.close()
    c.port2.close()
  }
})

describe('preload', () => {
  it('exposes window.gradscape once, through contextBridge', () => {
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1)
    expect(electron.contextBridge.exposeInMainWorld.mock.calls[0][0]).toBe('gradscape')
    expect(Object.isFrozen(api)).toBe(true)
  })

  it('asks main for its job-event port on load', () => {
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith(EVENTS_CHANNEL)
    expect(electron.listeners.get(EVENTS_CHANNEL)?.size).toBe(1)
  })

  it('has exactly the named operations: no ipcRenderer, no generic send/invoke/on', () => {
    const expected = ['version', ...OPERATIONS, 'onJobEvent', ...SHELL_OPERATIONS, 'onMenuCommand']
    expect(Object.keys(api).sort()).toEqual([...expected].sort())
    const forbidden = new Set<unknown>([
      electron.ipcRenderer,
      electron.ipcRenderer.invoke,
      electron.ipcRenderer.send,
      electron.ipcRenderer.on,
      electron.ipcRenderer.sendSync,
      electron.ipcRenderer.postMessage,
      electron.ipcRenderer.removeListener,
      electron.contextBridge,
    ])
    for (const [key, value] of Object.entries(api)) {
      expect(forbidden.has(value), key).toBe(false)
      expect(key).not.toMatch(/^(ipc|ipcRenderer|send|sendSync|invoke|on|emit|postMessage|removeListener)$/i)
      if (typeof value === 'object' && value !== null) throw new Error(`${key}: the API must not expose nested objects`)
    }
    expect(typeof api.version).toBe('string')
  })

  it('invokes each operation on its own channel with exactly its arguments', async () => {
    const surface = { landscape: { preset: 'booth' }, x: [-1, 1], y: [-1, 1], n: [8, 8] } as const
    const doc = { landscape: { preset: 'booth' } }
    const flowRequest = {
      landscape: { preset: 'cubic_valley' },
      optimizer: { name: 'sgd', lr: 0.4 },
      init: [4, 0.5],
      steps: 10,
      every: 1,
    } as const
    const estimateRequest = { landscape: { preset: 'booth' }, gradient: { estimator: 'forward' }, points: [0, 0, 0, 1] }
    const cases: [string, () => Promise<unknown>, unknown[]][] = [
      ['info', () => api.info(), []],
      ['validateExpression', () => api.validateExpression('x^2'), ['x^2']],
      ['validateScenario', () => api.validateScenario(doc), [doc]],
      ['sampleSurface', () => api.sampleSurface(surface), [surface]],
      ['startJob', () => api.startJob(doc), [doc]],
      ['cancelJob', () => api.cancelJob(3), [3]],
      ['centralFlow', () => api.centralFlow(flowRequest), [flowRequest]],
      ['gradientEstimates', () => api.gradientEstimates(estimateRequest), [estimateRequest]],
      ['openSessionFile', () => api.openSessionFile(), []],
      ['saveSessionFile', () => api.saveSessionFile('{}', 'a.json', '/tmp/a.json'), ['{}', 'a.json', '/tmp/a.json']],
      ['chooseExportFile', () => api.chooseExportFile('run.mp4'), ['run.mp4']],
      ['writeExportFile', () => api.writeExportFile('/tmp/run.mp4', new Uint8Array([1, 2])), ['/tmp/run.mp4', new Uint8Array([1, 2])]],
    ]
    expect(cases.map(([op]) => op).sort()).toEqual([...OPERATIONS, ...SHELL_OPERATIONS].sort())
    for (const [op, run, args] of cases) {
      electron.ipcRenderer.invoke.mockClear()
      // The fake main answers with the channel and arguments it got; the envelope comes back whole.
      expect(await run()).toEqual({ ok: true, value: { channel: `gradscape:${op}`, args } })
      expect(electron.ipcRenderer.invoke).toHaveBeenCalledTimes(1)
      expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith(channelOf(op as never), ...args)
    }
    // Extra arguments from the page never reach IPC.
    electron.ipcRenderer.invoke.mockClear()
    await (api.validateExpression as (...a: unknown[]) => Promise<unknown>)('x', 'extra', { evil: true })
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith('gradscape:validateExpression', 'x')
  })

  it('passes a failure envelope through whole, its input problem intact (an Error would lose it on the context bridge)', async () => {
    const failure = { ok: false, error: { message: 'steps: must be a number', problem: { field: 'steps', message: 'must be a number' } } }
    electron.ipcRenderer.invoke.mockResolvedValueOnce(failure)
    await expect(api.startJob({})).resolves.toEqual(failure)
  })

  it('feeds onJobEvent listeners from the port main posted, typed arrays intact', async () => {
    const channel = new MessageChannel()
    channels.push(channel)
    fromMain(EVENTS_CHANNEL, { ports: [channel.port2] })

    const got: JobEvent[] = []
    const off = api.onJobEvent((e) => {
      got.push(e)
    })
    const throwing = api.onJobEvent(() => {
      throw new Error('listener bug')
    })
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined)

    const xy = new Float32Array([1, 2, 3, 4])
    channel.port1.postMessage({ type: 'chunk', chunk: { jobId: 1, start: 0, count: 2, xy, loss: new Float32Array([5, 6]) } })
    channel.port1.postMessage({ nonsense: true })
    channel.port1.postMessage({ type: 'engine-restarted', reason: 'crash' })
    await vi.waitFor(() => expect(got).toHaveLength(2))
    expect(got[0].type === 'chunk' && got[0].chunk.xy).toBeInstanceOf(Float32Array)
    expect(got[0].type === 'chunk' && [...got[0].chunk.xy]).toEqual([1, 2, 3, 4])
    expect(got[1]).toEqual({ type: 'engine-restarted', reason: 'crash' })
    expect(quiet).toHaveBeenCalled() // the throwing listener did not stop the others
    quiet.mockRestore()

    off()
    throwing()
    channel.port1.postMessage({ type: 'cancelled', jobId: 1 })
    await new Promise((r) => setTimeout(r, 20))
    expect(got).toHaveLength(2)
    expect(() => api.onJobEvent('not a function' as never)).toThrow(TypeError)
  })

  it('delivers only well-formed menu commands to onMenuCommand listeners, until unsubscribed', () => {
    const got: MenuEvent[] = []
    const off = api.onMenuCommand((e) => got.push(e))
    expect(electron.ipcRenderer.on).toHaveBeenCalledWith(MENU_CHANNEL, expect.any(Function))
    fromMain(MENU_CHANNEL, {}, { command: 'save' })
    fromMain(MENU_CHANNEL, {}, { command: 'rm -rf' })
    fromMain(MENU_CHANNEL, {}, 'save')
    fromMain(MENU_CHANNEL, {}, { command: 'open-file', file: { name: 'a.json', path: '/a.json', text: '{}' } })
    fromMain(MENU_CHANNEL, {}, { command: 'open-file', file: { name: 'a.json' } })
    expect(got).toEqual([{ command: 'save' }, { command: 'open-file', file: { name: 'a.json', path: '/a.json', text: '{}' } }])
    off()
    expect(electron.listeners.get(MENU_CHANNEL)?.size).toBe(0)
    fromMain(MENU_CHANNEL, {}, { command: 'new' })
    expect(got).toHaveLength(2)
  })
})
