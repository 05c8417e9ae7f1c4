// The application menu as a plain template, kept free of any `electron` import (tested under
// Node in tests/main/menu.test.ts). src-main/index.ts feeds it to Menu.buildFromTemplate.
// App-specific items send a MenuEvent to the renderer; editing and window items use Electron roles.
import { basename, dirname } from 'node:path'
import type { MenuCommand, MenuEvent } from '../../src-shared/desktop-api'

/** The Electron roles this menu uses (a subset of MenuItemConstructorOptions['role']). */
export type MenuRole =
  'appMenu' | 'windowMenu' | 'quit' | 'close' | 'cut' | 'copy' | 'paste' | 'selectAll' | 'togglefullscreen' | 'reload' | 'toggleDevTools'

/** The members of Electron's MenuItemConstructorOptions that this menu sets. */
export interface MenuItemTemplate {
  label?: string
  accelerator?: string
  role?: MenuRole
  type?: 'separator' | 'submenu'
  enabled?: boolean
  submenu?: MenuItemTemplate[]
  click?: () => void
}

export interface MenuOptions {
  readonly platform: NodeJS.Platform
  /** Development runs add Reload and Developer Tools. */
  readonly isPackaged: boolean
  /** Most recent first. */
  readonly recentFiles: readonly string[]
  /** Sends a command to the focused app window. */
  readonly send: (event: MenuEvent) => void
  readonly openRecent: (path: string) => void
  readonly clearRecent: () => void
}

const separator: MenuItemTemplate = { type: 'separator' }

export function buildMenuTemplate(options: MenuOptions): MenuItemTemplate[] {
  const { platform, send } = options
  const mac = platform === 'darwin'
  const command = (label: string, cmd: MenuCommand, accelerator?: string): MenuItemTemplate => ({
    label,
    ...(accelerator ? { accelerator } : {}),
    click: () => send({ command: cmd }),
  })

  const recent: MenuItemTemplate[] =
    options.recentFiles.length === 0
      ? [{ label: 'No recent files', enabled: false }]
      : options.recentFiles.map((path) => ({ label: `${basename(path)}  —  ${dirname(path)}`, click: () => options.openRecent(path) }))

  const file: MenuItemTemplate = {
    label: 'File',
    submenu: [
      command('New', 'new', 'CmdOrCtrl+N'),
      command('Open…', 'open', 'CmdOrCtrl+O'),
      command('Open Link…', 'open-link', 'Shift+CmdOrCtrl+O'),
      {
        label: 'Open Recent',
        submenu: [...recent, separator, { label: 'Clear Recent', enabled: options.recentFiles.length > 0, click: options.clearRecent }],
      },
      separator,
      command('Save', 'save', 'CmdOrCtrl+S'),
      command('Save As…', 'save-as', 'Shift+CmdOrCtrl+S'),
      separator,
      command('Export…', 'export', 'CmdOrCtrl+E'),
      separator,
      mac ? { role: 'close' } : { role: 'quit' },
    ],
  }

  const edit: MenuItemTemplate = {
    label: 'Edit',
    submenu: [
      command('Undo', 'undo', 'CmdOrCtrl+Z'),
      command('Redo', 'redo', mac ? 'Shift+CmdOrCtrl+Z' : 'CmdOrCtrl+Y'),
      separator,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  }

  const view: MenuItemTemplate = {
    label: 'View',
    submenu: [
      command('Reset Camera', 'reset-camera', 'CmdOrCtrl+0'),
      command('3-D View', 'view-3d', 'CmdOrCtrl+1'),
      command('Top View', 'view-top', 'CmdOrCtrl+2'),
      command('Toggle Panels', 'toggle-panels', 'CmdOrCtrl+B'),
      command('Edge of Stability View', 'toggle-eos', 'CmdOrCtrl+3'),
      separator,
      { label: 'Full Screen', role: 'togglefullscreen' },
      ...(options.isPackaged ? [] : [separator, { role: 'reload' } as const, { role: 'toggleDevTools' } as const]),
    ],
  }

  const help: MenuItemTemplate = {
    label: 'Help',
    submenu: [command('Keyboard Shortcuts', 'shortcuts', 'CmdOrCtrl+/'), separator, command('About Gradscape', 'about')],
  }

  return mac ? [{ role: 'appMenu' }, file, edit, view, { role: 'windowMenu' }, help] : [file, edit, view, help]
}
