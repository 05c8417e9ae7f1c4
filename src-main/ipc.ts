// The Electron IPC side of GradscapeApi, kept free of any `electron` import so that it can be
// unit-tested under plain Node (tests/main/ipc.test.ts). src-main/index.ts hands it the real
// `ipcMain`, `MessageChannelMain` and frame objects; the interfaces below are the few members it
// touches.
//
// One `ipcMain.handle` per operation, on `gradscape:<op>`. Every handler first checks the sending
// frame (only the app's own top-level page), then every argument with the shared guards, and only
// then calls the host. Job events go to each renderer over its own MessagePort.
import { type GradscapeApi, type JobEvent, OPERATIONS } from '../src-shared/api'
import { argumentProblem, type ArgSpec, type ArgSpecs, OPERATION_TABLE, type OperationEntry } from '../src-shared/operations'
import { errorEnvelope, problemOf } from '../src-shared/problem'
import { channelOf, EVENTS_CHANNEL, type IpcResult, PORT_ACK } from '../src-shared/ipc-channels'
import {
  EXPORT_EXTENSIONS,
  type ExportFile,
  exportExtension,
  MAX_EXPORT_BYTES,
  MAX_FILE_NAME,
  MAX_FILE_PATH,
  MAX_SESSION_TEXT,
  type SavedSessionFile,
  type SessionFile,
  SHELL_OPERATIONS,
  type ShellApi,
  type ShellOperation,
} from '../src-shared/desktop-api'
import { isNavigationAllowed } from './shell/security'

// ---- the Electron members used (structural, so tests can fake them) ----

/** Electron's `WebFrameMain`. */
export interface FrameLike {
  readonly url: string
  /** null for a top-level frame. */
  readonly parent: FrameLike | null
  postMessage(channel: string, message: unknown, transfer?: unknown[]): void
}

/** Electron's `IpcMainInvokeEvent`. */
export interface IpcEventLike {
  /** null when the frame navigated away or was destroyed before the message was handled. */
  readonly senderFrame: FrameLike | null
  /** The sending WebContents; its `id` keys the renderer's event port. */
  readonly sender: { readonly id: number }
}

/** Electron's `ipcMain`. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void
  removeHandler(channel: string): void
}

/** Electron's `MessagePortMain` (the main-process end of an event port). */
export interface EventPortLike {
  /**
   * Electron's MessagePortMain can transfer only other ports, not ArrayBuffers: the typed
   * arrays of an event are structured-cloned (a binary copy that stays a Float32Array), never
   * turned into JSON arrays.
   */
  postMessage(message: unknown): void
  start(): void
  close(): void
  on(event: 'close', listener: () => void): unknown
  /** Messages from the renderer (Electron passes a MessageEvent; only PORT_ACK is expected). */
  on(event: 'message', listener: (e: { readonly data: unknown }) => void): unknown
}

/** Electron's `new MessageChannelMain()`. */
export interface MessageChannelLike {
  readonly port1: EventPortLike
  /** Posted to the renderer; never used in main. */
  readonly port2: unknown
}

// ---- who may call ----

export type SenderCheck = (event: IpcEventLike) => boolean

export interface SenderCheckOptions {
  /**
   * The URL the app window loads: the file: URL of out/renderer/index.html, or (unpackaged runs
   * only) the dev server's URL. A file: page must be that very file (query and hash may differ);
   * an http(s) page must have the dev server's origin.
   */
  readonly appUrl: string
  /** Extra test on the sender (index.ts: the WebContents belongs to a window the app created). */
  readonly isAppWindow?: (event: IpcEventLike) => boolean
}

/**
 * Only the app's own top-level frame may call: not a sub-frame (iframe), not a page of another
 * origin or another file, not a frame that is already gone.
 */
export function createSenderCheck({ appUrl, isAppWindow }: SenderCheckOptions): SenderCheck {
  return (event) => {
    const frame = event.senderFrame
    if (!frame || frame.parent !== null) return false
    if (!isNavigationAllowed(frame.url, appUrl)) return false
    return isAppWindow ? isAppWindow(event) : true
  }
}

// ---- payloads ----

export { argumentProblem } from '../src-shared/operations'

const isFileName = (v: unknown): boolean =>
  typeof v === 'string' && v.length > 0 && v.length <= MAX_FILE_NAME && !/[/\\\0]/.test(v) && v !== '.' && v !== '..'
const isFilePath = (v: unknown): boolean => typeof v === 'string' && v.length > 0 && v.length <= MAX_FILE_PATH && !v.includes('\0')

const isExportName = (v: unknown): boolean => isFileName(v) && exportExtension(v as string) !== null
const isExportData = (v: unknown): boolean => v instanceof Uint8Array && v.byteLength <= MAX_EXPORT_BYTES

const SHELL_ARGS: { readonly [K in ShellOperation]: ArgSpecs<ShellApi[K]> } = {
  openSessionFile: [],
  saveSessionFile: [
    {
      name: 'text',
      expect: `a string of at most ${MAX_SESSION_TEXT} characters`,
      check: (v) => typeof v === 'string' && v.length <= MAX_SESSION_TEXT,
    },
    {
      name: 'suggestedName',
      expect: `a file name (no directories) of at most ${MAX_FILE_NAME} characters`,
      check: isFileName,
      optional: true,
    },
    { name: 'path', expect: `a file path of at most ${MAX_FILE_PATH} characters`, check: isFilePath, optional: true },
  ],
  chooseExportFile: [
    {
      name: 'suggestedName',
      expect: `a file name (no directories) of at most ${MAX_FILE_NAME} characters ending in .${EXPORT_EXTENSIONS.join(', .')}`,
      check: isExportName,
    },
  ],
  writeExportFile: [
    { name: 'path', expect: `a file path of at most ${MAX_FILE_PATH} characters`, check: isFilePath },
    { name: 'data', expect: `bytes (a Uint8Array) of at most ${MAX_EXPORT_BYTES}`, check: isExportData },
  ],
}

// ---- results and events ----

/** The envelope of a failure: the message, and the input problem when the host refused the input. */
export const failure = (err: unknown): IpcResult<never> => ({ ok: false, error: errorEnvelope(err) })

/**
 * A JobEvent rebuilt from its known fields only: nothing else the engine might attach travels
 * to the renderer. Typed arrays stay typed arrays.
 */
export function portEvent(e: JobEvent): JobEvent {
  switch (e.type) {
    case 'chunk': {
      const c = e.chunk
      return {
        type: 'chunk',
        chunk: {
          jobId: c.jobId,
          start: c.start,
          count: c.count,
          xy: c.xy,
          loss: c.loss,
          ...(c.sharpness ? { sharpness: c.sharpness } : {}),
          ...(c.axis ? { axis: c.axis } : {}),
          ...(c.preconditioned ? { preconditioned: c.preconditioned } : {}),
          ...(c.gfsSharpness ? { gfsSharpness: c.gfsSharpness } : {}),
          // A network job's slice data (NETWORKS.md "Slices"): without it the desktop app's
          // network readout, λ₂ series and decision boundary would be empty.
          ...(c.offPlane ? { offPlane: c.offPlane } : {}),
          ...(c.sliceLoss ? { sliceLoss: c.sliceLoss } : {}),
          ...(c.eigenvalues ? { eigenvalues: c.eigenvalues, eigenCount: c.eigenCount } : {}),
          ...(c.params ? { params: c.params, paramCount: c.paramCount } : {}),
        },
      }
    }
    case 'flow': {
      const f = e.flow
      return {
        type: 'flow',
        flow: {
          jobId: f.jobId,
          run: f.run,
          xy: f.xy,
          loss: f.loss,
          predictedLoss: f.predictedLoss,
          sharpness: f.sharpness,
          sigma2: f.sigma2,
          axis: f.axis,
          stoppedAt: f.stoppedAt,
          stopReason: f.stopReason === null ? null : String(f.stopReason),
        },
      }
    }
    case 'done':
      return {
        type: 'done',
        jobId: e.jobId,
        divergedAt: e.divergedAt,
        seconds: e.seconds,
        ...(typeof e.backend === 'string' ? { backend: e.backend.slice(0, 200) } : {}),
      }
    case 'cancelled':
      return { type: 'cancelled', jobId: e.jobId }
    case 'error':
      return { type: 'error', jobId: e.jobId, problem: problemOf(e.problem) ?? { field: '', message: 'engine error' } }
    case 'engine-restarted':
      return { type: 'engine-restarted', reason: String(e.reason) }
  }
}

// ---- registration ----

/** The desktop-only operations; they get the event so that dialogs can be parented to its window. */
export interface ShellHandlers {
  openSessionFile(event: IpcEventLike): Promise<SessionFile | null>
  saveSessionFile(event: IpcEventLike, text: string, suggestedName?: string, path?: string): Promise<SavedSessionFile | null>
  chooseExportFile(event: IpcEventLike, suggestedName: string): Promise<ExportFile | null>
  writeExportFile(event: IpcEventLike, path: string, data: Uint8Array): Promise<ExportFile>
}

export interface RegisterIpcOptions {
  readonly ipcMain: IpcMainLike
  readonly host: GradscapeApi
  readonly isTrustedSender: SenderCheck
  /** `() => new MessageChannelMain()` */
  readonly createChannel: () => MessageChannelLike
  readonly shell?: ShellHandlers
  /** Refusals and failed calls; default console.warn. */
  readonly log?: (message: string) => void
}

export interface IpcRegistration {
  /** Every channel handled. */
  readonly channels: readonly string[]
  /** Renderers holding an open event port. */
  readonly connectedRenderers: () => number
  /** Removes every handler and closes every event port. */
  dispose(): void
}

export function registerIpc(options: RegisterIpcOptions): IpcRegistration {
  const { ipcMain, host, isTrustedSender, createChannel, shell } = options
  const log = options.log ?? ((m: string) => console.warn(`[gradscape ipc] ${m}`))
  const channels: string[] = []
  /** WebContents id → closes its event port and unsubscribes. */
  const ports = new Map<number, () => void>()

  const refuse = (channel: string, event: IpcEventLike): IpcResult<never> => {
    log(
      `refused ${channel} from ${event.senderFrame ? `${event.senderFrame.parent ? 'a sub-frame at ' : ''}${event.senderFrame.url}` : 'a destroyed frame'}`,
    )
    return { ok: false, error: { message: `${channel}: refused: the sender is not the Gradscape window` } }
  }

  const handle = (
    channel: string,
    specs: readonly ArgSpec[],
    run: (event: IpcEventLike, args: readonly unknown[]) => Promise<unknown>,
  ): void => {
    ipcMain.handle(channel, async (event: IpcEventLike, ...args: unknown[]): Promise<IpcResult> => {
      if (!isTrustedSender(event)) return refuse(channel, event)
      const problem = argumentProblem(channel, specs, args)
      if (problem !== null) {
        log(problem)
        return { ok: false, error: { message: problem } }
      }
      try {
        return { ok: true, value: await run(event, args) }
      } catch (err) {
        return failure(err)
      }
    })
    channels.push(channel)
  }

  for (const op of OPERATIONS) {
    const { args: specs, call } = OPERATION_TABLE[op] as OperationEntry<GradscapeApi, typeof op>
    handle(channelOf(op), specs, (_event, args) => call(host, args))
  }

  if (shell) {
    // The casts are safe: argumentProblem has checked every argument against SHELL_ARGS.
    const SHELL_CALL: { readonly [K in ShellOperation]: (event: IpcEventLike, a: readonly unknown[]) => Promise<unknown> } = {
      openSessionFile: (event) => shell.openSessionFile(event),
      saveSessionFile: (event, a) => shell.saveSessionFile(event, a[0] as string, a[1] as string | undefined, a[2] as string | undefined),
      chooseExportFile: (event, a) => shell.chooseExportFile(event, a[0] as string),
      writeExportFile: (event, a) => shell.writeExportFile(event, a[0] as string, a[1] as Uint8Array),
    }
    for (const op of SHELL_OPERATIONS) handle(channelOf(op), SHELL_ARGS[op], (event, a) => SHELL_CALL[op](event, a))
  }

  // Job events: one MessagePort per renderer page. A reload asks again and replaces the old port.
  handle(EVENTS_CHANNEL, [], async (event) => {
    const frame = event.senderFrame as FrameLike // checked by isTrustedSender
    const id = event.sender.id
    ports.get(id)?.()
    const { port1, port2 } = createChannel()
    let closed = false
    /** Chunks posted and not yet acknowledged by the renderer, oldest first: each releases one. */
    const unacknowledged: Array<() => void> = []
    const close = (): void => {
      if (closed) return
      closed = true
      unsubscribe()
      for (const release of unacknowledged.splice(0)) release()
      if (ports.get(id) === close) ports.delete(id)
      port1.close()
    }
    const unsubscribe = host.onJobEvent((e): Promise<void> | undefined => {
      try {
        port1.postMessage(portEvent(e))
      } catch (err) {
        log(`event port of renderer ${id} failed: ${(err as Error)?.message ?? String(err)}`)
        close()
        return undefined
      }
      // The engine makes more chunks once the renderer has taken this one (or its port closed).
      return e.type === 'chunk' && !closed ? new Promise<void>((release) => unacknowledged.push(release)) : undefined
    })
    port1.on('message', ({ data }) => {
      if (data === PORT_ACK) unacknowledged.shift()?.()
    })
    port1.on('close', close)
    port1.start()
    ports.set(id, close)
    frame.postMessage(EVENTS_CHANNEL, null, [port2])
    return null
  })

  return {
    channels,
    connectedRenderers: () => ports.size,
    dispose() {
      for (const channel of channels) ipcMain.removeHandler(channel)
      for (const close of [...ports.values()]) close()
      ports.clear()
    },
  }
}
