// Preload (sandboxed, built as CommonJS to out/preload/index.cjs). It exposes named, data-only
// members on window.gradscape; it must never hand ipcRenderer (or any generic send/invoke) to the page.
import { contextBridge } from 'electron'
import { version } from '../package.json'

contextBridge.exposeInMainWorld('gradscape', Object.freeze({ version }))
