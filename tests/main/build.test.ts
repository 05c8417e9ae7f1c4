/** @vitest-environment node */
import { execFile } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const out = (path: string) => join(root, 'out', path)
const read = (path: string) => readFileSync(out(path), 'utf8')

describe('electron-vite build', () => {
  beforeAll(async () => {
    await promisify(execFile)('npx', ['electron-vite', 'build'], { cwd: root, maxBuffer: 16 * 1024 * 1024 })
  }, 120_000)

  it('emits the main, preload and renderer entries', () => {
    expect(existsSync(out('main/index.js'))).toBe(true)
    expect(existsSync(out('preload/index.cjs'))).toBe(true)
    expect(existsSync(out('renderer/index.html'))).toBe(true)
  })

  it('emits the preload as CommonJS, as a sandboxed preload requires', () => {
    const preload = read('preload/index.cjs')
    expect(preload).toContain('require("electron")')
    expect(preload).not.toMatch(/^\s*(import|export)\s/m)
    expect(preload).toContain('exposeInMainWorld')
  })

  it('ships no insecure window settings in the main bundle', () => {
    const main = read('main/index.js')
    expect(main).not.toMatch(/nodeIntegration\s*:\s*true/)
    expect(main).not.toMatch(/contextIsolation\s*:\s*false/)
    expect(main).not.toMatch(/sandbox\s*:\s*false/)
    expect(main).not.toMatch(/webSecurity\s*:\s*false/)
    expect(main).toMatch(/contextIsolation\s*:\s*true/)
    expect(main).toMatch(/sandbox\s*:\s*true/)
    expect(main).toContain('preload/index.cjs')
  })

  it('emits a renderer page whose scripts are all external (the CSP forbids inline script)', () => {
    const html = read('renderer/index.html')
    expect(html).toMatch(/<meta\s+http-equiv="Content-Security-Policy"/i)
    const scripts = html.match(/<script\b[^>]*>/g) ?? []
    expect(scripts.length).toBeGreaterThan(0)
    for (const tag of scripts) expect(tag).toMatch(/\ssrc="\.\//)
    const bundles = readdirSync(out('renderer/assets')).filter((name) => name.endsWith('.js'))
    expect(bundles.length).toBeGreaterThan(0)
  })
})
