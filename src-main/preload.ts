// Preload (sandboxed, built as CommonJS to out/preload/index.cjs; only `electron` may be required
// at run time, everything else here is bundled pure TypeScript).
//
// It exposes `window.gradscape` (GradscapeWindowApi, src-shared/desktop-api.ts): one named method per
// operation, each invoking its own `gradscape:<op>` channel, plus onJobEvent (fed by a
// MessagePort that main posts once per page load) and onMenuCommand. It never hands ipcRenderer,
// or any generic send/invoke/on, to the page.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { version } from '../package.json'
import type { JobEvent, Operation } from '../src-shared/api'
import { channelOf, EVENTS_CHANNEL, type IpcResult, MENU_CHANNEL, PORT_ACK } from '../src-shared/ipc-channels'
import { type GradscapeWindowApi, isMenuEvent, type MenuEvent, type ShellOperation } from '../src-shared/desktop-api'

/**
 * The envelope main answered, as it is: an Error would lose its `problem` on the context bridge
 * (only the message crosses), a plain envelope crosses whole. src-renderer/api unwraps it.
 */
function call<T>(op: Operation | ShellOperation, ...args: unknown[]): Promise<IpcResult<T>> {
  return ipcRenderer.invoke(channelOf(op), ...args) as Promise<IpcResult<T>>
}

// ---- job events ----

const JOB_EVENT_TYPES: ReadonlySet<string> = new Set<JobEvent['type']>(['chunk', 'flow', 'done', 'cancelled', 'error', 'engine-restarted'])
const isJobEvent = (v: unknown): v is JobEvent =>
  typeof v === 'object' && v !== null && JOB_EVENT_TYPES.has((v as { type?: unknown }).type as string)

const jobListeners = new Set<{ readonly listener: (event: JobEvent) => void }>()
let eventPort: MessagePort | null = null

ipcRenderer.on(EVENTS_CHANNEL, (event: IpcRendererEvent) => {
  const port = event.ports[0]
  if (!port) return
  eventPort?.close()
  eventPort = port
  port.onmessage = ({ data }: MessageEvent) => {
    if (!isJobEvent(data)) return
    for (const { listener } of [...jobListeners]) {
      try {
        listener(data)
      } catch (err) {
        console.error('gradscape: a job event listener failed', err)
      }
    }
    // The listeners have copied the chunk: main may let the engine make the next one.
    if (data.type === 'chunk') port.postMessage(PORT_ACK)
  }
})
// Ask main for this page's event port (answered on EVENTS_CHANNEL above).
void (ipcRenderer.invoke(EVENTS_CHANNEL) as Promise<IpcResult<null>>).then(
  (result) => {
    if (!result.ok) console.error('gradscape: no job event port:', result.error.message)
  },
  (err: unknown) => console.error('gradscape: no job event port:', err),
)

// ---- the exposed API ----

const api: GradscapeWindowApi = {
  version,
  info: () => call('info'),
  validateExpression: (expr) => call('validateExpression', expr),
  validateScenario: (doc) => call('validateScenario', doc),
  sampleSurface: (request) => call('sampleSurface', request),
  startJob: (doc) => call('startJob', doc),
  cancelJob: (jobId) => call('cancelJob', jobId),
  centralFlow: (request) => call('centralFlow', request),
  gradientEstimates: (request) => call('gradientEstimates', request),
  onJobEvent(listener) {
    if (typeof listener !== 'function') throw new TypeError('onJobEvent: listener must be a function')
    const entry = { listener }
    jobListeners.add(entry)
    return () => void jobListeners.delete(entry)
  },
  openSessionFile: () => call('openSessionFile'),
  saveSessionFile: (text, suggestedName, path) => call('saveSessionFile', text, suggestedName, path),
  chooseExportFile: (suggestedName) => call('chooseExportFile', suggestedName),
  writeExportFile: (path, data) => call('writeExportFile', path, data),
  onMenuCommand(listener) {
    if (typeof listener !== 'function') throw new TypeError('onMenuCommand: listener must be a function')
    const handler = (_event: IpcRendererEvent, message: unknown): void => {
      if (isMenuEvent(message)) listener(message as MenuEvent)
    }
    ipcRenderer.on(MENU_CHANNEL, handler)
    return () => void ipcRenderer.removeListener(MENU_CHANNEL, handler)
  },
}

contextBridge.exposeInMainWorld('gradscape', Object.freeze(api))
