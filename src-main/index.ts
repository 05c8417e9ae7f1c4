// Electron main process: a thin shell. Every decision lives in electron-free modules that are
// unit-tested under Node (./shell/security, ./ipc, ./shell/files, ./shell/menu); this file only
// wires them to the real `electron` objects.
import { basename, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { app, BrowserWindow, dialog, ipcMain, Menu, MessageChannelMain, session, type WebContents } from 'electron'
import createWorker from './engine/worker?nodeWorker'
import { createHost, type Host } from './host/host'
import { createSenderCheck, type IpcEventLike, type IpcRegistration, registerIpc } from './ipc'
import { MENU_CHANNEL } from '../src-shared/ipc-channels'
import type { MenuEvent } from '../src-shared/desktop-api'
import {
  createExportFiles,
  createSessionFiles,
  type FileDialogs,
  loadRecentFiles,
  type RecentFiles,
  type SessionFiles,
} from './shell/files'
import { buildMenuTemplate } from './shell/menu'
import { createWindowOptions, hardenSession, hardenWebContents } from './shell/security'

// Bundled to out/main/index.js; siblings are out/preload and out/renderer.
const here = import.meta.dirname
const preloadPath = join(here, '../preload/index.cjs')
const rendererHtml = join(here, '../renderer/index.html')
// Packaged too (electron-builder.yml lists it in `files`): Linux and Windows use it as the window icon.
const iconPath = join(here, '../../resources/icon.png')

// The dev server URL is honoured only in an unpackaged (development) run.
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined
const appUrl = devServerUrl ?? pathToFileURL(rendererHtml).href

app.enableSandbox()

// Every WebContents the app ever creates (the window's, and any a bug might open) gets the guards.
app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, appUrl))

let mainWindow: BrowserWindow | null = null
let host: Host | null = null
let ipc: IpcRegistration | null = null
let recent: RecentFiles | null = null
let files: SessionFiles | null = null

function createWindow(): BrowserWindow {
  const win = new BrowserWindow(createWindowOptions({ preloadPath, iconPath }))
  mainWindow = win
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null
  })
  win.once('ready-to-show', () => win.show())
  if (devServerUrl !== undefined) void win.loadURL(devServerUrl)
  else void win.loadFile(rendererHtml)
  return win
}

const windowOf = (sender: unknown): BrowserWindow | null => BrowserWindow.fromWebContents(sender as WebContents)

/** A menu command goes to the focused app window (or the main one); with no window, one opens. */
function sendMenuEvent(event: MenuEvent): void {
  const target = BrowserWindow.getFocusedWindow() ?? mainWindow
  if (target && !target.isDestroyed()) target.webContents.send(MENU_CHANNEL, event)
  else createWindow()
}

function openRecent(path: string): void {
  if (!files) return
  files.openPath(path).then(
    (file) => sendMenuEvent({ command: 'open-file', file }),
    async (err: unknown) => {
      await recent?.remove(path).catch(() => undefined)
      const options = {
        type: 'error' as const,
        message: `Could not open ${basename(path)}`,
        detail: (err as Error)?.message ?? String(err),
      }
      const owner = BrowserWindow.getFocusedWindow() ?? mainWindow
      await (owner ? dialog.showMessageBox(owner, options) : dialog.showMessageBox(options))
    },
  )
}

function rebuildMenu(): void {
  const template = buildMenuTemplate({
    platform: process.platform,
    isPackaged: app.isPackaged,
    recentFiles: recent?.list() ?? [],
    send: sendMenuEvent,
    openRecent,
    clearRecent: () => void recent?.clear().catch(() => undefined),
  })
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))
}

const dialogs: FileDialogs = {
  showOpen: (owner, options) => (owner instanceof BrowserWindow ? dialog.showOpenDialog(owner, options) : dialog.showOpenDialog(options)),
  showSave: (owner, options) => (owner instanceof BrowserWindow ? dialog.showSaveDialog(owner, options) : dialog.showSaveDialog(options)),
}

app.whenReady().then(async () => {
  hardenSession(session.defaultSession)

  recent = await loadRecentFiles({
    storePath: join(app.getPath('userData'), 'recent-files.json'),
    onChange: (list) => {
      if (list.length > 0) app.addRecentDocument(list[0])
      else app.clearRecentDocuments()
      rebuildMenu()
    },
  })
  files = createSessionFiles({ dialogs, recent })
  const sessionFiles = files
  const exportFiles = createExportFiles({ dialogs })
  rebuildMenu()

  // The engine runs in a Node worker bundled by electron-vite. If it dies, the EngineClient
  // restarts it and emits 'engine-restarted', which reaches the renderer like any JobEvent.
  host = createHost({ host: 'electron', version: app.getVersion(), spawnWorker: () => createWorker({}) })
  ipc = registerIpc({
    ipcMain,
    host,
    isTrustedSender: createSenderCheck({
      appUrl,
      isAppWindow: (event: IpcEventLike) => windowOf(event.sender) !== null,
    }),
    createChannel: () => new MessageChannelMain(),
    shell: {
      openSessionFile: (event) => sessionFiles.open(windowOf(event.sender)),
      saveSessionFile: (event, text, suggestedName, path) => sessionFiles.save(windowOf(event.sender), text, suggestedName, path),
      chooseExportFile: (event, suggestedName) => exportFiles.choose(windowOf(event.sender), suggestedName),
      writeExportFile: (_event, path, data) => exportFiles.write(path, data),
    },
  })

  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

app.on('will-quit', () => {
  ipc?.dispose()
  ipc = null
  void host?.dispose().catch(() => undefined)
  host = null
})
