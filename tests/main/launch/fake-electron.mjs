// A recording stand-in for the `electron` module, for tests/main/build.test.ts's launch test: the
// BUILT out/main/index.js runs under plain Node with this module in Electron's place (see
// register.mjs). It plays the parts of Electron that main touches, records what main does with
// them, then drives the app as the renderer would (IPC calls from the window's frame and from
// foreign frames, one job over the event port, a menu click) and finally quits it. Everything it
// saw goes to the JSON file named by GRADSCAPE_LAUNCH_REPORT, which the test reads.
//
// Plain JavaScript on purpose: it must load in a bare Node process, with no build step.
import { EventEmitter } from 'node:events'
import { writeFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { MessageChannel } from 'node:worker_threads'

const reportPath = process.env.GRADSCAPE_LAUNCH_REPORT
const userData = process.env.GRADSCAPE_LAUNCH_USER_DATA
const job = JSON.parse(process.env.GRADSCAPE_LAUNCH_JOB ?? 'null')

const report = {
  steps: [],
  sandboxEnabled: false,
  webContentsCreated: 0,
  windows: [],
  menus: [],
  applicationMenu: null,
  handled: [],
  removed: [],
  sessionHardened: { headers: false, permissionRequests: false, permissionChecks: false },
  refusals: {},
  calls: {},
  events: { chunks: 0, points: 0, firstPoints: [], done: null, error: null },
  menuClick: null,
  quit: { willQuit: false, handlesAfterQuit: null },
  failure: null,
}
const save = () => {
  if (reportPath) writeFileSync(reportPath, JSON.stringify(report, null, 2))
}
const step = (name) => {
  report.steps.push(name)
  save()
}

// ---- app ----

class App extends EventEmitter {
  isPackaged = false
  #ready
  #resolveReady
  constructor() {
    super()
    this.#ready = new Promise((resolve) => {
      this.#resolveReady = resolve
    })
  }
  enableSandbox() {
    report.sandboxEnabled = true
  }
  whenReady() {
    return this.#ready
  }
  isReady() {
    return true
  }
  getPath(name) {
    if (name !== 'userData') throw new Error(`fake electron: app.getPath(${name}) is not modelled`)
    return userData
  }
  getVersion() {
    return '0.0.0-launch-test'
  }
  getName() {
    return 'Gradscape'
  }
  addRecentDocument() {}
  clearRecentDocuments() {}
  quit() {
    step('app.quit')
    const event = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true
      },
    }
    this.emit('before-quit', event)
    const willQuit = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true
      },
    }
    this.emit('will-quit', willQuit)
    report.quit.willQuit = true
    this.emit('quit', {}, 0)
    save()
  }
  _becomeReady() {
    this.#resolveReady()
    this.emit('ready', {}, {})
  }
}
export const app = new App()

// ---- windows ----

let nextWebContentsId = 1

class WebContents extends EventEmitter {
  id = nextWebContentsId++
  sent = []
  openHandler = null
  setWindowOpenHandler(handler) {
    this.openHandler = handler
  }
  send(channel, ...args) {
    this.sent.push({ channel, args })
  }
  isDestroyed() {
    return false
  }
}

const allWindows = []
let focused = null

export class BrowserWindow extends EventEmitter {
  constructor(options) {
    super()
    this.options = options
    this.webContents = new WebContents()
    this.shown = false
    this.destroyed = false
    this.record = { options, loadFile: null, loadURL: null, shown: false, guards: [] }
    report.windows.push(this.record)
    allWindows.push(this)
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the fake tracks the focused window, as Electron does
    focused = this
    app.emit('web-contents-created', {}, this.webContents)
    report.webContentsCreated++
    this.record.guards = [...this.webContents.eventNames()].map(String).sort()
    this.record.windowOpenDenied = this.webContents.openHandler?.({ url: 'https://example.com/' })?.action === 'deny'
    save()
  }
  static fromWebContents(contents) {
    return allWindows.find((w) => w.webContents === contents) ?? null
  }
  static getFocusedWindow() {
    return focused
  }
  static getAllWindows() {
    return [...allWindows]
  }
  loadFile(path) {
    this.record.loadFile = path
    save()
    setImmediate(() => this.emit('ready-to-show'))
    return Promise.resolve()
  }
  loadURL(url) {
    this.record.loadURL = url
    save()
    return Promise.resolve()
  }
  show() {
    this.shown = true
    this.record.shown = true
    save()
    onWindowShown(this)
  }
  isDestroyed() {
    return this.destroyed
  }
  close() {
    this.destroyed = true
    allWindows.splice(allWindows.indexOf(this), 1)
    if (focused === this) focused = null
    this.emit('closed')
    if (allWindows.length === 0) app.emit('window-all-closed')
  }
}

// ---- menu ----

export const Menu = {
  buildFromTemplate(template) {
    report.menus.push(template.map((item) => item.label ?? `role:${item.role}`))
    return { template }
  },
  setApplicationMenu(menu) {
    report.applicationMenu = menu?.template.map((item) => item.label ?? `role:${item.role}`) ?? null
    lastMenu = menu
  },
}
let lastMenu = null

export const dialog = {
  showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
  showSaveDialog: async () => ({ canceled: true }),
  showMessageBox: async () => ({ response: 0 }),
}

// ---- session ----

export const session = {
  defaultSession: {
    webRequest: {
      onHeadersReceived() {
        report.sessionHardened.headers = true
      },
    },
    setPermissionRequestHandler() {
      report.sessionHardened.permissionRequests = true
    },
    setPermissionCheckHandler() {
      report.sessionHardened.permissionChecks = true
    },
  },
}

// ---- IPC ----

const handlers = new Map()
export const ipcMain = {
  handle(channel, listener) {
    if (handlers.has(channel)) throw new Error(`fake electron: a second handler for ${channel}`)
    handlers.set(channel, listener)
    report.handled.push(channel)
  },
  removeHandler(channel) {
    handlers.delete(channel)
    report.removed.push(channel)
  },
  on() {},
  removeAllListeners() {},
}

/**
 * Electron's MessageChannelMain, played by Node's MessageChannel (same postMessage/start/close/
 * 'close'); port1's 'message' listeners get a MessageEvent ({ data }) as MessagePortMain's do.
 */
export class MessageChannelMain {
  constructor() {
    const { port1, port2 } = new MessageChannel()
    const on = port1.on.bind(port1)
    port1.on = (event, listener) => (event === 'message' ? on('message', (data) => listener({ data, ports: [] })) : on(event, listener))
    this.port1 = port1
    this.port2 = port2
  }
}

export const shell = { openExternal: async () => undefined }
export const nativeTheme = new EventEmitter()
export default { app, BrowserWindow, Menu, dialog, session, ipcMain, MessageChannelMain, shell, nativeTheme }

// ---- driving the app, once its window is on screen ----

/** The frame of a renderer: the app's page in `win`, or a foreign or nested one. */
function frame(url, parent = null, posted = []) {
  return { url, parent, postMessage: (channel, message, transfer) => posted.push({ channel, message, transfer }) }
}

async function invoke(channel, event, ...args) {
  const handler = handlers.get(channel)
  if (!handler) throw new Error(`no handler for ${channel}`)
  return handler(event, ...args)
}

let driven = false
async function onWindowShown(win) {
  if (driven) return
  driven = true
  try {
    step('window shown')
    const appUrl = pathToFileURL(win.record.loadFile ?? '').href
    const stranger = new WebContents() // a WebContents of no app window

    // Every channel refuses foreign senders: another origin, a sub-frame of the app page, a
    // destroyed frame, and the app page's URL inside a WebContents that is no app window.
    for (const channel of handlers.keys()) {
      const outcomes = []
      for (const event of [
        { senderFrame: frame('https://evil.example/'), sender: win.webContents },
        { senderFrame: frame(appUrl, frame(appUrl)), sender: win.webContents },
        { senderFrame: null, sender: win.webContents },
        { senderFrame: frame(appUrl), sender: stranger },
      ]) {
        const r = await invoke(channel, event)
        outcomes.push(r?.ok === false && /refused/.test(r.error?.message ?? '') ? 'refused' : JSON.stringify(r))
      }
      report.refusals[channel] = outcomes
    }
    step('foreign senders tried')

    // The app's own page: info, the event port, one job to its end.
    const posted = []
    const trusted = { senderFrame: frame(appUrl, null, posted), sender: win.webContents }
    const info = await invoke('gradscape:info', trusted)
    report.calls.info = info?.ok
      ? { ok: true, host: info.value.host, presets: info.value.presets.length, optimizers: info.value.optimizers.length }
      : info
    const subscribed = await invoke('gradscape:events', trusted)
    report.calls.events = { result: subscribed, posted: posted.map((p) => ({ channel: p.channel, ports: p.transfer?.length ?? 0 })) }
    const port = posted.find((p) => p.channel === 'gradscape:events')?.transfer?.[0]
    if (!port) throw new Error('main posted no event port')
    const finished = new Promise((resolve) => {
      port.on('message', (e) => {
        if (e.type === 'chunk') {
          port.postMessage('gradscape:ack') // as the preload does (PORT_ACK): the engine may go on
          report.events.chunks++
          report.events.points += e.chunk.count
          if (e.chunk.start === 0) report.events.firstPoints = Array.from(e.chunk.xy.subarray(0, 4))
        } else if (e.type === 'done') {
          report.events.done = { jobId: e.jobId, divergedAt: Array.from(e.divergedAt) }
          resolve()
        } else if (e.type === 'error') {
          report.events.error = e.problem
          resolve()
        }
      })
      port.start()
    })
    const started = await invoke('gradscape:startJob', trusted, job)
    report.calls.startJob = started?.ok ? { ok: true, jobId: started.value.jobId, kept: started.value.kept } : started
    if (started?.ok) {
      const timeout = setTimeout(() => {
        report.events.error = { message: 'no done event within 30 s' }
        save()
        process.exit(3)
      }, 30_000)
      await finished
      clearTimeout(timeout)
    }
    step('job finished')

    // A menu command reaches the focused window on the menu channel.
    const file = lastMenu?.template.find((item) => item.label === 'File')
    const open = file?.submenu?.find((item) => item.label === 'Open…')
    open?.click?.()
    report.menuClick = win.webContents.sent.at(-1) ?? null
    step('menu clicked')

    // Quit as a user does: close the last window (Linux: window-all-closed → app.quit).
    win.close()
    port.close()
    step('window closed')
    // A live worker (or any other handle main forgot) keeps this process alive: the test waits
    // for it to exit by itself. This unref'd timer only records what is still holding it.
    setTimeout(() => {
      report.quit.handlesAfterQuit = process.getActiveResourcesInfo().filter((r) => r !== 'Timeout')
      save()
    }, 1500).unref()
  } catch (err) {
    report.failure = String(err?.stack ?? err)
    save()
    process.exit(2)
  }
}

// Electron emits `ready` once the main script has run; main registers its handler synchronously.
setImmediate(() => app._becomeReady())
save()
