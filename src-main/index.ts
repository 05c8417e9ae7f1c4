// Electron main process: a thin shell. Every security decision lives in ./shell/security (testable
// under Node); this file only wires it to the real `electron` objects.
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { app, BrowserWindow, session } from 'electron'
import { createWindowOptions, hardenSession, hardenWebContents } from './shell/security'

// Bundled to out/main/index.js; siblings are out/preload and out/renderer.
const here = import.meta.dirname
const preloadPath = join(here, '../preload/index.cjs')
const rendererHtml = join(here, '../renderer/index.html')
const iconPath = join(here, '../../resources/icon.png')

// The dev server URL is honoured only in an unpackaged (development) run.
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined
const appUrl = devServerUrl ?? pathToFileURL(rendererHtml).href

app.enableSandbox()

// Every WebContents the app ever creates (the window's, and any a bug might open) gets the guards.
app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, appUrl))

function createWindow(): BrowserWindow {
  const win = new BrowserWindow(createWindowOptions({ preloadPath, iconPath }))
  win.once('ready-to-show', () => win.show())
  if (devServerUrl !== undefined) void win.loadURL(devServerUrl)
  else void win.loadFile(rendererHtml)
  return win
}

app.whenReady().then(() => {
  hardenSession(session.defaultSession)
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
