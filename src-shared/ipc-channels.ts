// The IPC channel names and the result envelope shared by the main process (src-main/ipc.ts),
// the sandboxed preload (src-main/preload.ts) and the renderer that unwraps the envelope. Pure
// TypeScript with type-only imports, so that the preload bundle stays free of Node modules.
import type { InputProblem, Operation } from './api'
import type { ShellOperation } from './desktop-api'

/** Every channel starts with this prefix. */
export const CHANNEL_PREFIX = 'gradscape:'

/** The `ipcMain.handle` channel of one request/response operation: `gradscape:<op>`. */
export const channelOf = (op: Operation | ShellOperation): `gradscape:${Operation | ShellOperation}` => `gradscape:${op}`

/**
 * Job events. The renderer invokes this channel once per page load; main answers by posting a
 * MessagePort on the same channel (`ipcRenderer.on('gradscape:events')` → `event.ports[0]`), and
 * from then on every JobEvent arrives on that port.
 */
export const EVENTS_CHANNEL = 'gradscape:events'

/**
 * What the renderer posts back on its event port after its listeners have taken a chunk. Main
 * releases the chunk to the engine only then (backpressure: MessagePortMain has no send buffer
 * to watch), so a renderer that falls behind slows its job instead of growing main's memory.
 */
export const PORT_ACK = 'gradscape:ack'

/** Application-menu commands, main → renderer (`webContents.send`). Payload: a `MenuEvent`. */
export const MENU_CHANNEL = 'gradscape:menu'

/**
 * What every `gradscape:<op>` handler resolves to. Errors travel as data, not as a rejected
 * `invoke`: Electron would otherwise prefix the message ("Error invoking remote method …") and
 * drop every other property. The preload turns `ok: false` back into a rejected promise.
 */
export type IpcResult<T = unknown> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: { readonly message: string; readonly problem?: InputProblem } }
