/** @vitest-environment node */
/** src-main/shell/menu.ts: the application menu template. */
import { describe, expect, it, vi } from 'vitest'
import { MENU_COMMANDS, type MenuEvent } from '../../src-shared/desktop-api'
import { buildMenuTemplate, type MenuItemTemplate, type MenuOptions } from '../../src-main/shell/menu'

function build(overrides: Partial<MenuOptions> = {}) {
  const sent: MenuEvent[] = []
  const options: MenuOptions = {
    platform: 'linux',
    isPackaged: true,
    recentFiles: [],
    send: (e) => sent.push(e),
    openRecent: vi.fn(),
    clearRecent: vi.fn(),
    ...overrides,
  }
  return { template: buildMenuTemplate(options), sent, options }
}

const flat = (items: MenuItemTemplate[]): MenuItemTemplate[] => items.flatMap((i) => [i, ...flat(i.submenu ?? [])])
const find = (items: MenuItemTemplate[], label: string) => {
  const item = flat(items).find((i) => i.label === label)
  if (!item) throw new Error(`no menu item ${label}`)
  return item
}

describe('application menu', () => {
  it('has File, Edit, View and Help with the asked-for items', () => {
    const { template } = build()
    expect(template.map((m) => m.label)).toEqual(['File', 'Edit', 'View', 'Help'])
    const labels = (menu: string) => (template.find((m) => m.label === menu)?.submenu ?? []).map((i) => i.label ?? i.role ?? i.type)
    expect(labels('File')).toEqual([
      'New',
      'Open…',
      'Open Link…',
      'Open Recent',
      'separator',
      'Save',
      'Save As…',
      'separator',
      'Export…',
      'separator',
      'quit',
    ])
    expect(labels('Edit')).toEqual(['Undo', 'Redo', 'separator', 'cut', 'copy', 'paste', 'selectAll'])
    expect(labels('View')).toEqual([
      'Reset Camera',
      '3-D View',
      'Top View',
      'Toggle Panels',
      'Edge of Stability View',
      'separator',
      'Full Screen',
    ])
    expect(labels('Help')).toEqual(['Keyboard Shortcuts', 'separator', 'About Gradscape'])
    expect(find(template, 'Full Screen').role).toBe('togglefullscreen')
  })

  it('sends every menu command, each from one item', () => {
    const { template, sent } = build()
    for (const item of flat(template)) if (item.click && item.label !== 'Clear Recent') item.click()
    expect(sent.map((e) => e.command).sort()).toEqual([...MENU_COMMANDS].sort())
  })

  it('gives no two items the same accelerator', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const accels = flat(build({ platform, isPackaged: false }).template).flatMap((i) => (i.accelerator ? [i.accelerator] : []))
      expect(new Set(accels).size).toBe(accels.length)
    }
  })

  it('lists recent files, opens them and clears them', () => {
    const openRecent = vi.fn()
    const clearRecent = vi.fn()
    const { template } = build({ recentFiles: ['/home/u/a.json', '/home/u/b.json'], openRecent, clearRecent })
    const recent = find(template, 'Open Recent').submenu!
    expect(recent.map((i) => i.label ?? i.type)).toEqual(['a.json  —  /home/u', 'b.json  —  /home/u', 'separator', 'Clear Recent'])
    recent[1].click!()
    expect(openRecent).toHaveBeenCalledWith('/home/u/b.json')
    recent[3].click!()
    expect(clearRecent).toHaveBeenCalled()
    const empty = find(build().template, 'Open Recent').submenu!
    expect(empty[0]).toEqual({ label: 'No recent files', enabled: false })
    expect(find(build().template, 'Clear Recent').enabled).toBe(false)
  })

  it('follows macOS conventions there, and adds developer items only when unpackaged', () => {
    const mac = build({ platform: 'darwin' }).template
    expect(mac[0]).toEqual({ role: 'appMenu' })
    expect(mac.some((m) => m.role === 'windowMenu')).toBe(true)
    expect(find(mac, 'Redo').accelerator).toBe('Shift+CmdOrCtrl+Z')
    expect(find(build().template, 'Redo').accelerator).toBe('CmdOrCtrl+Y')
    const roles = (t: MenuItemTemplate[]) => flat(t).map((i) => i.role)
    expect(roles(build().template)).not.toContain('toggleDevTools')
    expect(roles(build({ isPackaged: false }).template)).toContain('toggleDevTools')
  })
})
