/** @vitest-environment node */
/** src-main/ipc.ts against fakes of ipcMain and frames, with Node's MessageChannel standing in for MessageChannelMain. */
import { MessageChannel, type MessagePort } from 'node:worker_threads'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  type CentralFlowRequest,
  type FlowData,
  type GradscapeApi,
  type HostInfo,
  type JobEvent,
  type JobStarted,
  guards,
  MAX_EXPRESSION_PAYLOAD,
  OPERATIONS,
  type Surface,
  type SurfaceRequest,
} from '../../src-shared/api'
import { spawnNodeWorker } from '../../src-main/engine/node-worker'
import { createHost } from '../../src-main/host/host'
import {
  createSenderCheck,
  type EventPortLike,
  type FrameLike,
  type IpcEventLike,
  type IpcMainLike,
  type IpcRegistration,
  type MessageChannelLike,
  registerIpc,
  type ShellHandlers,
} from '../../src-main/ipc'
import { channelOf, EVENTS_CHANNEL, type IpcResult } from '../../src-shared/ipc-channels'
import { SHELL_OPERATIONS } from '../../src-shared/desktop-api'

// ---- fakes of the few Electron members ipc.ts touches ----

type Handler = (event: IpcEventLike, ...args: unknown[]) => unknown

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Handler>()
  handle(channel: string, listener: Handler): void {
    // Electron throws on a second handler for a channel; so does the fake.
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
    this.handlers.set(channel, listener)
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  }
  /** What ipcRenderer.invoke(channel, ...args) from `event`'s frame resolves to. */
  async invoke(event: IpcEventLike, channel: string, ...args: unknown[]): Promise<IpcResult> {
    const handler = this.handlers.get(channel)
    if (!handler) throw new Error(`No handler registered for '${channel}'`)
    return (await handler(event, ...args)) as IpcResult
  }
}

class FakeFrame implements FrameLike {
  readonly posted: { channel: string; message: unknown; transfer: unknown[] | undefined }[] = []
  constructor(
    readonly url: string,
    readonly parent: FrameLike | null = null,
  ) {}
  postMessage(channel: string, message: unknown, transfer?: unknown[]): void {
    this.posted.push({ channel, message, transfer })
  }
  /** The MessagePort main posted to this frame (the renderer's `event.ports[0]`). */
  port(index = 0): MessagePort {
    const posted = this.posted.filter((p) => p.channel === EVENTS_CHANNEL)[index]
    expect(posted?.transfer).toHaveLength(1)
    return posted!.transfer![0] as MessagePort
  }
}

const APP_URL = 'file:///opt/Gradscape/resources/app.asar/out/renderer/index.html'
const DEV_URL = 'http://localhost:5173/'

const appFrame = () => new FakeFrame(`${APP_URL}#/`)
const eventFrom = (frame: FrameLike | null, id = 1): IpcEventLike => ({ senderFrame: frame, sender: { id } })

/** Node's MessageChannel as MessageChannelMain; records how port1.postMessage was called. */
function recordingChannel(calls: unknown[][], opened: MessagePort[]): () => MessageChannelLike {
  return () => {
    const { port1, port2 } = new MessageChannel()
    opened.push(port1, port2)
    const main: EventPortLike = {
      postMessage: (...args: unknown[]) => {
        calls.push(args)
        port1.postMessage(args[0])
      },
      start: () => port1.start(),
      close: () => port1.close(),
      // MessagePortMain's 'message' carries a MessageEvent ({ data }), Node's the value itself.
      on: (event: 'close' | 'message', listener: (e: { data: unknown }) => void) =>
        event === 'message' ? port1.on('message', (data: unknown) => listener({ data })) : port1.on(event, listener as () => void),
    }
    return { port1: main, port2 }
  }
}

const info: HostInfo = { version: 'test', host: 'electron', presets: [], optimizers: [], backend: 'float64-js' }
const started: JobStarted = {
  jobId: 7,
  optimizers: [{ base: { name: 'sgd', lr: 0.1 }, sweep: [] }],
  starts: Float64Array.of(1, 2),
  kept: 3,
  every: 1,
}
const flow: FlowData = {
  jobId: -1,
  run: -1,
  xy: Float32Array.of(0, 0.1, 1, 0.05),
  loss: Float32Array.of(1, 0.5),
  predictedLoss: Float32Array.of(1, 0.5),
  sharpness: Float32Array.of(1, 2),
  sigma2: Float32Array.of(0, 0),
  axis: Float32Array.of(0, 1, 0, 1),
  stoppedAt: null,
  stopReason: null,
}
const goodFlowRequest = {
  landscape: { preset: 'cubic_valley' },
  optimizer: { name: 'sgd', lr: 0.4, momentum: 0 },
  init: [4, 0.5],
  steps: 100,
  every: 1,
}
const surface: Surface = {
  x: [-1, 1],
  y: [-1, 1],
  n: [2, 2],
  values: new Float32Array([1, 2, 3, 4]),
  min: 1,
  max: 4,
  lo: 1,
  hi: 4,
}

/** A host whose every operation is a spy; `emit` plays the engine. */
function fakeHost() {
  const listeners = new Set<(e: JobEvent) => void>()
  const host = {
    info: vi.fn(async () => info),
    validateExpression: vi.fn(async (_expr: string) => ({ ok: true as const })),
    validateScenario: vi.fn(async (_doc: Record<string, unknown>) => ({ ok: true as const })),
    sampleSurface: vi.fn(async (_r: SurfaceRequest) => surface),
    startJob: vi.fn(async (_doc: Record<string, unknown>) => started),
    cancelJob: vi.fn(async (_id: number) => undefined),
    centralFlow: vi.fn(async (_r: CentralFlowRequest) => flow),
    gradientEstimates: vi.fn(async (_r: unknown) => ({ gradient: [1, 2], estimate: [3, 4] })),
    onJobEvent: vi.fn((listener: (e: JobEvent) => void) => {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    }),
  } satisfies GradscapeApi
  const emit = (e: JobEvent) => {
    for (const l of listeners) l(e)
  }
  const hostCalls = () => OPERATIONS.reduce((n, op) => n + host[op].mock.calls.length, 0)
  return { host, emit, hostCalls, listenerCount: () => listeners.size }
}

function fakeShell() {
  return {
    openSessionFile: vi.fn(async () => ({ name: 'a.json', path: '/tmp/a.json', text: '{}' })),
    saveSessionFile: vi.fn(async (_e: IpcEventLike, _text: string, name?: string) => ({
      name: name ?? 'scenario.json',
      path: `/tmp/${name ?? 'scenario.json'}`,
    })),
    chooseExportFile: vi.fn(async (_e: IpcEventLike, name: string) => ({ name, path: `/tmp/${name}` })),
    writeExportFile: vi.fn(async (_e: IpcEventLike, path: string, _data: Uint8Array) => ({ name: path.split('/').pop() ?? '', path })),
  } satisfies ShellHandlers
}

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function setup(appUrl = APP_URL) {
  const ipcMain = new FakeIpcMain()
  const fake = fakeHost()
  const shell = fakeShell()
  const postCalls: unknown[][] = []
  const opened: MessagePort[] = []
  const log = vi.fn()
  const ipc = registerIpc({
    ipcMain,
    host: fake.host,
    shell,
    log,
    isTrustedSender: createSenderCheck({ appUrl }),
    createChannel: recordingChannel(postCalls, opened),
  })
  cleanups.push(() => {
    ipc.dispose()
    for (const p of opened) p.close()
  })
  return { ipcMain, ipc, shell, postCalls, log, ...fake }
}

/** The next `count` messages on a renderer port. */
function receive(port: MessagePort, count: number): Promise<unknown[]> {
  const got: unknown[] = []
  return new Promise((resolve) => {
    const onMessage = (m: unknown) => {
      got.push(m)
      if (got.length === count) {
        port.off('message', onMessage)
        resolve(got)
      }
    }
    port.on('message', onMessage)
  })
}

describe('registration', () => {
  it('handles every operation on gradscape:<op>, plus the shell operations and the event port', () => {
    const { ipcMain, ipc } = setup()
    for (const op of OPERATIONS) expect(ipcMain.handlers.has(`gradscape:${op}`)).toBe(true)
    for (const op of SHELL_OPERATIONS) expect(ipcMain.handlers.has(channelOf(op))).toBe(true)
    expect(ipcMain.handlers.has(EVENTS_CHANNEL)).toBe(true)
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...ipc.channels].sort())
    expect(ipc.channels).toHaveLength(OPERATIONS.length + SHELL_OPERATIONS.length + 1)
    ipc.dispose()
    expect(ipcMain.handlers.size).toBe(0)
  })

  it('registers no shell channels without shell handlers', () => {
    const ipcMain = new FakeIpcMain()
    const ipc = registerIpc({ ipcMain, host: fakeHost().host, isTrustedSender: () => true, createChannel: recordingChannel([], []) })
    expect(ipc.channels).toHaveLength(OPERATIONS.length + 1)
    for (const op of SHELL_OPERATIONS) expect(ipcMain.handlers.has(channelOf(op))).toBe(false)
    ipc.dispose()
  })
})

describe('sender frame check', () => {
  const packaged = createSenderCheck({ appUrl: APP_URL })
  const dev = createSenderCheck({ appUrl: DEV_URL })

  it("accepts only the app's own top-level page", () => {
    expect(packaged(eventFrom(new FakeFrame(APP_URL)))).toBe(true)
    expect(packaged(eventFrom(new FakeFrame(`${APP_URL}?x=1#/scene`)))).toBe(true)
    expect(dev(eventFrom(new FakeFrame('http://localhost:5173/index.html#/')))).toBe(true)
  })

  it('rejects sub-frames, other files, other origins and destroyed frames', () => {
    const top = new FakeFrame(APP_URL)
    expect(packaged(eventFrom(new FakeFrame(APP_URL, top)))).toBe(false)
    expect(packaged(eventFrom(null))).toBe(false)
    for (const url of [
      'file:///opt/Gradscape/resources/app.asar/out/renderer/other.html',
      'file:///tmp/evil.html',
      'https://evil.example/',
      'http://localhost:5173/',
      'about:blank',
      'data:text/html,hi',
      'not a url',
    ])
      expect(packaged(eventFrom(new FakeFrame(url))), url).toBe(false)
    for (const url of ['http://localhost:5174/', 'http://127.0.0.1:5173/', 'https://localhost:5173/', `${APP_URL}`]) {
      expect(dev(eventFrom(new FakeFrame(url))), url).toBe(false)
    }
    expect(dev(eventFrom(new FakeFrame('http://localhost:5173/', new FakeFrame('http://localhost:5173/'))))).toBe(false)
  })

  it('applies the extra window test', () => {
    const check = createSenderCheck({ appUrl: APP_URL, isAppWindow: (e) => e.sender.id === 1 })
    expect(check(eventFrom(new FakeFrame(APP_URL), 1))).toBe(true)
    expect(check(eventFrom(new FakeFrame(APP_URL), 2))).toBe(false)
  })

  it('refuses every call from a foreign frame without calling the host', async () => {
    const { ipcMain, hostCalls, shell, log } = setup()
    const foreign = [
      new FakeFrame('https://evil.example/'),
      new FakeFrame(APP_URL, new FakeFrame(APP_URL)), // an iframe inside the app page
      new FakeFrame('file:///tmp/evil.html'),
      null,
    ]
    for (const frame of foreign) {
      const e = eventFrom(frame)
      const calls: [string, ...unknown[]][] = [
        [channelOf('info')],
        [channelOf('validateExpression'), 'x^2'],
        [channelOf('validateScenario'), {}],
        [channelOf('sampleSurface'), { landscape: { preset: 'booth' }, x: [-1, 1], y: [-1, 1], n: [8, 8] }],
        [channelOf('startJob'), {}],
        [channelOf('cancelJob'), 1],
        [channelOf('openSessionFile')],
        [channelOf('saveSessionFile'), 'text'],
        [channelOf('chooseExportFile'), 'a.mp4'],
        [channelOf('writeExportFile'), '/tmp/a.mp4', new Uint8Array(4)],
        [EVENTS_CHANNEL],
      ]
      for (const [channel, ...args] of calls) {
        const r = await ipcMain.invoke(e, channel, ...args)
        expect(r.ok).toBe(false)
        if (!r.ok) expect(r.error.message).toBe(`${channel}: refused: the sender is not the Gradscape window`)
      }
      if (frame) expect((frame as FakeFrame).posted).toEqual([]) // no event port for it
    }
    expect(hostCalls()).toBe(0)
    expect(shell.openSessionFile).not.toHaveBeenCalled()
    expect(shell.saveSessionFile).not.toHaveBeenCalled()
    expect(shell.chooseExportFile).not.toHaveBeenCalled()
    expect(shell.writeExportFile).not.toHaveBeenCalled()
    expect(log).toHaveBeenCalledWith(expect.stringContaining('refused gradscape:info from https://evil.example/'))
    expect(log).toHaveBeenCalledWith(expect.stringContaining('from a sub-frame at'))
  })
})

describe('payload validation', () => {
  const goodSurface = { landscape: { preset: 'booth' }, x: [-1, 1], y: [-2, 2], n: [16, 16] }
  const malformed: [string, unknown[], RegExp][] = [
    ['validateExpression', [42], /expr must be a string of at most 4000 characters/],
    ['validateExpression', ['x'.repeat(MAX_EXPRESSION_PAYLOAD + 1)], /expr must be a string/],
    ['validateExpression', [], /expr must be/],
    ['validateExpression', ['x', 'y'], /expected at most 1 argument, got 2/],
    ['validateScenario', [null], /doc must be a scenario object/],
    ['validateScenario', [[1, 2]], /doc must be a scenario object/],
    ['validateScenario', ['{}'], /doc must be a scenario object/],
    ['startJob', [undefined], /doc must be a scenario object/],
    ['startJob', [42], /doc must be a scenario object/],
    ['sampleSurface', [{ ...goodSurface, n: [1, 16] }], /request must be .*\[2, 2048\]/],
    ['sampleSurface', [{ ...goodSurface, n: [4096, 16] }], /request must be/],
    ['sampleSurface', [{ ...goodSurface, n: [16.5, 16] }], /request must be/],
    ['sampleSurface', [{ ...goodSurface, x: [-1, Infinity] }], /request must be/],
    ['sampleSurface', [{ ...goodSurface, y: [0] }], /request must be/],
    ['sampleSurface', [{ ...goodSurface, landscape: 'booth' }], /request must be/],
    ['sampleSurface', [{ ...goodSurface, landscape: { expr: 'x'.repeat(MAX_EXPRESSION_PAYLOAD + 1) } }], /request must be/],
    ['sampleSurface', [{ ...goodSurface, landscape: { preset: 3 } }], /request must be/],
    ['sampleSurface', [null], /request must be/],
    ['centralFlow', [], /request must be \{ landscape: \{ expr\?, preset\? \}, optimizer/],
    ['centralFlow', [null], /request must be/],
    ['centralFlow', [{ ...goodFlowRequest, landscape: {} }], /request must be/],
    ['centralFlow', [{ ...goodFlowRequest, landscape: { expr: 'x'.repeat(MAX_EXPRESSION_PAYLOAD + 1) } }], /request must be/],
    ['centralFlow', [{ ...goodFlowRequest, optimizer: { lr: 0.4 } }], /request must be/],
    ['centralFlow', [{ ...goodFlowRequest, optimizer: { name: 'sgd', lr: { evil: true } } }], /request must be/],
    ['centralFlow', [{ ...goodFlowRequest, optimizer: { name: 'sgd', lr: NaN } }], /request must be/],
    ['centralFlow', [{ ...goodFlowRequest, init: [4, Infinity] }], /request must be/],
    ['centralFlow', [{ ...goodFlowRequest, steps: 1.5 }], /request must be .*integer steps/],
    ['centralFlow', [{ ...goodFlowRequest, steps: -1 }], /request must be/],
    ['centralFlow', [{ ...goodFlowRequest, steps: 10_000_000 }], /request must be/],
    ['centralFlow', [{ ...goodFlowRequest, every: 0 }], /request must be/],
    ['centralFlow', [{ ...goodFlowRequest, steps: 100_000, every: 1 }], /request must be .*at most 20001 points/],
    ['centralFlow', [goodFlowRequest, 1], /expected at most 1 argument, got 2/],
    ['cancelJob', [-1], /jobId must be a non-negative integer/],
    ['cancelJob', [1.5], /jobId must be a non-negative integer/],
    ['cancelJob', ['1'], /jobId must be a non-negative integer/],
    ['info', [1], /expected at most 0 arguments, got 1/],
    ['saveSessionFile', [42], /text must be a string/],
    ['saveSessionFile', ['{}', '../etc/passwd'], /suggestedName must be a file name/],
    ['saveSessionFile', ['{}', 'a\\b.json'], /suggestedName must be a file name/],
    ['saveSessionFile', ['{}', 'ok.json', 'a\0b'], /path must be a file path/],
    ['saveSessionFile', ['{}', 'ok.json', 5], /path must be a file path/],
    ['openSessionFile', ['/etc/passwd'], /expected at most 0 arguments/],
    ['chooseExportFile', [], /suggestedName must be a file name .* ending in \.png/],
    ['chooseExportFile', ['video.exe'], /suggestedName must be a file name .*\.mp4, \.webm/],
    ['chooseExportFile', ['../video.mp4'], /suggestedName must be a file name/],
    ['chooseExportFile', ['a.mp4', 'b'], /expected at most 1 argument, got 2/],
    ['writeExportFile', ['/tmp/a.mp4'], /data must be bytes \(a Uint8Array\)/],
    ['writeExportFile', ['/tmp/a.mp4', 'text'], /data must be bytes/],
    ['writeExportFile', ['/tmp/a.mp4', [1, 2, 3]], /data must be bytes/],
    ['writeExportFile', ['/tmp/a.mp4', new Uint16Array(2)], /data must be bytes/],
    ['writeExportFile', ['a\0b', new Uint8Array(2)], /path must be a file path/],
  ]

  it.each(malformed)('rejects %s(%j) with a clear error and never calls the host', async (op, args, message) => {
    const { ipcMain, hostCalls, shell } = setup()
    const channel = `gradscape:${op}`
    const r = await ipcMain.invoke(eventFrom(appFrame()), channel, ...args)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.message.startsWith(`${channel}: `)).toBe(true)
      expect(r.error.message).toMatch(message)
    }
    expect(hostCalls()).toBe(0)
    expect(shell.saveSessionFile).not.toHaveBeenCalled()
    expect(shell.openSessionFile).not.toHaveBeenCalled()
    expect(shell.chooseExportFile).not.toHaveBeenCalled()
    expect(shell.writeExportFile).not.toHaveBeenCalled()
  })
})

describe('valid calls', () => {
  it('reach the host with their arguments and return its result', async () => {
    const { ipcMain, host } = setup()
    const e = eventFrom(appFrame())
    const request = { landscape: { expr: 'x^2 + y^2' }, x: [-1, 1], y: [-1, 1], n: [2, 2] }
    const doc = { landscape: { preset: 'booth' }, optimizers: [{ name: 'sgd', lr: 0.1 }] }

    expect(await ipcMain.invoke(e, 'gradscape:info')).toEqual({ ok: true, value: info })
    expect(await ipcMain.invoke(e, 'gradscape:validateExpression', 'x^2')).toEqual({ ok: true, value: { ok: true } })
    expect(host.validateExpression).toHaveBeenCalledWith('x^2')
    expect(await ipcMain.invoke(e, 'gradscape:validateScenario', doc)).toEqual({ ok: true, value: { ok: true } })
    expect(host.validateScenario).toHaveBeenCalledWith(doc)
    const s = await ipcMain.invoke(e, 'gradscape:sampleSurface', request)
    expect(s.ok && s.value).toBe(surface)
    expect(host.sampleSurface).toHaveBeenCalledWith(request)
    expect(await ipcMain.invoke(e, 'gradscape:startJob', doc)).toEqual({ ok: true, value: started })
    expect(host.startJob).toHaveBeenCalledWith(doc)
    expect(await ipcMain.invoke(e, 'gradscape:cancelJob', 7)).toEqual({ ok: true, value: undefined })
    expect(host.cancelJob).toHaveBeenCalledWith(7)
    const f = await ipcMain.invoke(e, 'gradscape:centralFlow', goodFlowRequest)
    expect(f.ok && f.value).toBe(flow)
    expect(host.centralFlow).toHaveBeenCalledWith(goodFlowRequest)
    // An expression of exactly the maximum length passes.
    expect((await ipcMain.invoke(e, 'gradscape:validateExpression', 'x'.repeat(MAX_EXPRESSION_PAYLOAD))).ok).toBe(true)
  })

  it('turns a failure into an error envelope that keeps the input problem', async () => {
    const { ipcMain, host } = setup()
    const problem = { field: 'optimizers[0].lr', message: 'lr must be positive' }
    host.startJob.mockRejectedValueOnce(Object.assign(new Error('lr must be positive'), { problem, secret: 'x' }))
    host.validateScenario.mockRejectedValueOnce(new Error('engine exited with code 1; the engine was restarted'))
    const e = eventFrom(appFrame())
    expect(await ipcMain.invoke(e, 'gradscape:startJob', {})).toEqual({ ok: false, error: { message: 'lr must be positive', problem } })
    expect(await ipcMain.invoke(e, 'gradscape:validateScenario', {})).toEqual({
      ok: false,
      error: { message: 'engine exited with code 1; the engine was restarted' },
    })
  })

  it('passes the shell operations their event and arguments', async () => {
    const { ipcMain, shell } = setup()
    const e = eventFrom(appFrame())
    expect(await ipcMain.invoke(e, 'gradscape:openSessionFile')).toEqual({
      ok: true,
      value: { name: 'a.json', path: '/tmp/a.json', text: '{}' },
    })
    expect(shell.openSessionFile).toHaveBeenCalledWith(e)
    expect(await ipcMain.invoke(e, 'gradscape:saveSessionFile', '{"a":1}', 'mine.json', undefined)).toEqual({
      ok: true,
      value: { name: 'mine.json', path: '/tmp/mine.json' },
    })
    expect(shell.saveSessionFile).toHaveBeenCalledWith(e, '{"a":1}', 'mine.json', undefined)
    await ipcMain.invoke(e, 'gradscape:saveSessionFile', '{}', undefined, '/home/u/s.json')
    expect(shell.saveSessionFile).toHaveBeenLastCalledWith(e, '{}', undefined, '/home/u/s.json')
    expect(await ipcMain.invoke(e, 'gradscape:chooseExportFile', 'run.webm')).toEqual({
      ok: true,
      value: { name: 'run.webm', path: '/tmp/run.webm' },
    })
    expect(shell.chooseExportFile).toHaveBeenCalledWith(e, 'run.webm')
    const bytes = new Uint8Array([1, 2, 3])
    expect(await ipcMain.invoke(e, 'gradscape:writeExportFile', '/tmp/run.webm', bytes)).toEqual({
      ok: true,
      value: { name: 'run.webm', path: '/tmp/run.webm' },
    })
    expect(shell.writeExportFile).toHaveBeenCalledWith(e, '/tmp/run.webm', bytes)
  })
})

describe('job events over a MessagePort', () => {
  it('posts one port to the asking frame and forwards every event with typed arrays intact', async () => {
    const { ipcMain, emit, postCalls, ipc } = setup()
    const frame = appFrame()
    expect(await ipcMain.invoke(eventFrom(frame), EVENTS_CHANNEL)).toEqual({ ok: true, value: null })
    expect(frame.posted).toHaveLength(1)
    expect(frame.posted[0].message).toBeNull()
    expect(ipc.connectedRenderers()).toBe(1)
    const port = frame.port()
    const received = receive(port, 5)

    const xy = new Float32Array([0.5, -1.25, 2, 3])
    const loss = new Float32Array([0.1, 0.2])
    const sharpness = new Float32Array([7, 8])
    emit({ type: 'chunk', chunk: { jobId: 3, start: 0, count: 2, xy, loss, sharpness, extra: 'dropped' } as never })
    emit({ type: 'done', jobId: 3, divergedAt: new Int32Array([-1, 5]), seconds: 0.25 })
    emit({ type: 'cancelled', jobId: 4 })
    emit({ type: 'error', jobId: 5, problem: { field: 'landscape.expr', message: 'unknown symbol z', position: 3 } })
    emit({ type: 'engine-restarted', reason: 'engine exited with code 1' })

    const [chunk, done, cancelled, error, restarted] = (await received) as JobEvent[]
    expect(chunk.type).toBe('chunk')
    if (chunk.type === 'chunk') {
      expect(chunk.chunk.xy).toBeInstanceOf(Float32Array)
      expect(chunk.chunk.loss).toBeInstanceOf(Float32Array)
      expect(chunk.chunk.sharpness).toBeInstanceOf(Float32Array)
      expect([...chunk.chunk.xy]).toEqual([...xy])
      expect([...chunk.chunk.loss]).toEqual([...loss])
      expect([...chunk.chunk.sharpness!]).toEqual([...sharpness])
      expect(chunk.chunk).toEqual({ jobId: 3, start: 0, count: 2, xy, loss, sharpness })
      expect('extra' in chunk.chunk).toBe(false)
    }
    expect(done.type === 'done' && done.divergedAt).toBeInstanceOf(Int32Array)
    expect(done).toEqual({ type: 'done', jobId: 3, divergedAt: new Int32Array([-1, 5]), seconds: 0.25 })
    expect(cancelled).toEqual({ type: 'cancelled', jobId: 4 })
    expect(error).toEqual({ type: 'error', jobId: 5, problem: { field: 'landscape.expr', message: 'unknown symbol z', position: 3 } })
    expect(restarted).toEqual({ type: 'engine-restarted', reason: 'engine exited with code 1' })

    // MessagePortMain.postMessage transfers only ports: main passes the event alone (the typed
    // arrays are structured-cloned as binary), never a transfer list of ArrayBuffers, which
    // Electron would reject.
    expect(postCalls).toHaveLength(5)
    for (const args of postCalls) expect(args).toHaveLength(1)
  })

  it('replaces the port when the page reloads, and stops forwarding when the renderer closes its end', async () => {
    const { ipcMain, emit, ipc, listenerCount } = setup()
    const frame = appFrame()
    await ipcMain.invoke(eventFrom(frame, 1), EVENTS_CHANNEL)
    const first = frame.port(0)
    const firstClosed = new Promise<void>((resolve) => first.once('close', () => resolve()))
    await ipcMain.invoke(eventFrom(frame, 1), EVENTS_CHANNEL) // reload: same WebContents asks again
    await firstClosed
    expect(ipc.connectedRenderers()).toBe(1)
    expect(listenerCount()).toBe(1)

    const second = frame.port(1)
    const got = receive(second, 1)
    emit({ type: 'cancelled', jobId: 1 })
    expect(await got).toEqual([{ type: 'cancelled', jobId: 1 }])

    // A second window gets its own port.
    const other = appFrame()
    await ipcMain.invoke(eventFrom(other, 2), EVENTS_CHANNEL)
    expect(ipc.connectedRenderers()).toBe(2)

    // The renderer closes its end (window closed): main unsubscribes.
    second.close()
    await vi.waitFor(() => expect(ipc.connectedRenderers()).toBe(1))
    expect(listenerCount()).toBe(1)

    ipc.dispose()
    expect(ipc.connectedRenderers()).toBe(0)
    expect(listenerCount()).toBe(0)
  })
})

describe('with the real engine worker', () => {
  it("a worker crash reaches the renderer's port as 'engine-restarted' and the host keeps serving", async () => {
    const host = createHost({ host: 'electron', version: 'test', spawnWorker: spawnNodeWorker })
    const ipcMain = new FakeIpcMain()
    const opened: MessagePort[] = []
    let ipc: IpcRegistration | null = registerIpc({
      ipcMain,
      host,
      isTrustedSender: createSenderCheck({ appUrl: APP_URL }),
      createChannel: recordingChannel([], opened),
      log: () => undefined,
    })
    cleanups.push(async () => {
      ipc?.dispose()
      ipc = null
      for (const p of opened) p.close()
      await host.dispose()
    })
    const frame = appFrame()
    const e = eventFrom(frame)
    await ipcMain.invoke(e, EVENTS_CHANNEL)
    const port = frame.port()
    const events: JobEvent[] = []
    port.on('message', (m: JobEvent) => events.push(m))

    const request = { landscape: { preset: 'himmelblau' }, x: [-5, 5], y: [-5, 5], n: [32, 24] }
    const before = await ipcMain.invoke(e, 'gradscape:sampleSurface', request)
    expect(before.ok).toBe(true)

    await host.engine.crashForTest()
    await vi.waitFor(() => expect(events.some((x) => x.type === 'engine-restarted')).toBe(true), { timeout: 10_000 })
    const restarted = events.find((x) => x.type === 'engine-restarted')
    expect(restarted?.type === 'engine-restarted' && restarted.reason).toMatch(/engine exited with code/)
    expect(host.engine.restarts).toBe(1)

    // Still serving, through IPC, on the restarted worker.
    const after = await ipcMain.invoke(e, 'gradscape:sampleSurface', request)
    expect(after.ok).toBe(true)
    if (after.ok && before.ok) {
      const s = after.value as Surface
      expect(s.values).toBeInstanceOf(Float32Array)
      expect(s.values).toHaveLength(32 * 24)
      expect([...s.values]).toEqual([...(before.value as Surface).values])
    }
    const valid = await ipcMain.invoke(e, 'gradscape:validateScenario', { landscape: { preset: 'booth' }, optimizers: [{ name: 'nope' }] })
    expect(valid.ok && (valid.value as { ok: boolean }).ok).toBe(false)

    // And a job started after the restart streams to the same port.
    const doc = { landscape: { preset: 'booth' }, optimizers: [{ name: 'adam', lr: 0.1 }], init: [1, 1], steps: 20 }
    const startedJob = await ipcMain.invoke(e, 'gradscape:startJob', doc)
    expect(startedJob.ok).toBe(true)
    const jobId = startedJob.ok ? (startedJob.value as JobStarted).jobId : -1
    await vi.waitFor(() => expect(events.some((x) => x.type === 'done' && x.jobId === jobId)).toBe(true), { timeout: 10_000 })
    const chunks = events.filter((x): x is Extract<JobEvent, { type: 'chunk' }> => x.type === 'chunk' && x.chunk.jobId === jobId)
    expect(chunks.length).toBeGreaterThan(0)
    expect(chunks[0].chunk.xy).toBeInstanceOf(Float32Array)
  })
})

describe('centralFlow with the real engine worker', () => {
  it('integrates the flow in the worker and answers a FlowData; an optimizer without a flow is a problem', async () => {
    const host = createHost({ host: 'electron', version: 'test', spawnWorker: spawnNodeWorker })
    const ipcMain = new FakeIpcMain()
    const ipc = registerIpc({
      ipcMain,
      host,
      isTrustedSender: createSenderCheck({ appUrl: APP_URL }),
      createChannel: recordingChannel([], []),
      log: () => undefined,
    })
    cleanups.push(async () => {
      ipc.dispose()
      await host.dispose()
    })
    const e = eventFrom(appFrame())
    // docs/central-flows.md, "Scene: cubic valley": the cubic valley's flow rests at (4, 0) with tr Σ = 1.
    const r = await ipcMain.invoke(e, 'gradscape:centralFlow', {
      landscape: { preset: 'cubic_valley' },
      optimizer: { name: 'sgd', lr: 0.4 },
      init: [0, 0.1],
      steps: 300,
      every: 3,
    })
    expect(r.ok).toBe(true)
    const f = (r as { value: FlowData }).value
    expect(guards.flowData(f)).toBe(true)
    expect(f.loss).toHaveLength(101)
    expect(f.xy[200]).toBeCloseTo(4, 3)
    expect(Math.abs(f.xy[201])).toBeLessThan(1e-3)
    expect(f.sigma2[100]).toBeCloseTo(1, 3)
    expect(f.stoppedAt).toBeNull()
    const adam = await ipcMain.invoke(e, 'gradscape:centralFlow', {
      landscape: { preset: 'cubic_valley' },
      optimizer: { name: 'adam', lr: 0.1 },
      init: [0, 0.1],
      steps: 10,
      every: 1,
    })
    expect(!adam.ok && adam.error.message).toMatch(/no central flow for adam/)
    const bad = await ipcMain.invoke(e, 'gradscape:centralFlow', {
      landscape: { preset: 'cubic_valley' },
      optimizer: { name: 'sgd', lr: -1 },
      init: [0, 0.1],
      steps: 10,
      every: 1,
    })
    expect(!bad.ok && bad.error.message).toMatch(/lr/)
    // No self-stabilisation (§5 L7): the flow stops at once and says GD diverges.
    const q = await ipcMain.invoke(e, 'gradscape:centralFlow', {
      landscape: { preset: 'ill_conditioned_quadratic' },
      optimizer: { name: 'sgd', lr: 0.025 },
      init: [-8, 1],
      steps: 20,
      every: 1,
    })
    const qf = (q as { value: FlowData }).value
    expect(qf.stoppedAt).toBe(0)
    expect(qf.stopReason).toMatch(/GD diverges here/)
  })
})
