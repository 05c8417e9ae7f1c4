/**
 * E2E harness: the web host (real engine) on a free loopback port, Debian's Chromium driven by
 * playwright-core, and pixel checks done in a blank helper page (so the app's CSP is untouched).
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Browser, chromium, type Page } from 'playwright-core'
import { expect } from 'vitest'
import { spawnNodeWorker } from '../../src-main/engine/node-worker'
import { createHost } from '../../src-main/host/host'
import { buildRenderer, rendererIsStale } from '../../src-main/web/renderer-build'
import { RENDERER_DIR, startWebServer, type WebServer } from '../../src-main/web/server'

export const root = fileURLToPath(new URL('../..', import.meta.url))
export const artifacts = join(root, 'artifacts', 'e2e')

/** Flags from shared/NOTES-TECH.md; WebGL 2 runs on SwiftShader without more. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export interface Harness {
  readonly server: WebServer
  readonly browser: Browser
  /** A blank page for decoding screenshots. */
  readonly scratch: Page
  close(): Promise<void>
}

export async function startHarness(): Promise<Harness> {
  mkdirSync(artifacts, { recursive: true })
  if (rendererIsStale(root, RENDERER_DIR) && !buildRenderer(root, true)) throw new Error('electron-vite build failed')
  const server = await startWebServer({
    rootDir: join(root, RENDERER_DIR),
    port: 0,
    createApi: () => createHost({ host: 'web', version: 'e2e', spawnWorker: spawnNodeWorker }),
  })
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
  const scratch = await browser.newPage()
  return {
    server,
    browser,
    scratch,
    async close() {
      await browser.close().catch(() => undefined)
      await server.close()
    },
  }
}

/** A fresh app page at 1280×800, with console errors collected. */
export async function openApp(h: Harness): Promise<{ page: Page; errors: string[] }> {
  const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  await page.goto(h.server.url)
  return { page, errors }
}

/** Region of the 3-D view not covered by the floating cards (the scene itself). */
export async function sceneClip(page: Page): Promise<{ x: number; y: number; width: number; height: number }> {
  const box = await page.locator('[data-testid=viewport]').boundingBox()
  if (!box) throw new Error('no viewport')
  return {
    x: Math.round(box.x + 16),
    y: Math.round(box.y + 64),
    width: Math.round(box.width - 16 - 370),
    height: Math.round(box.height - 80),
  }
}

export async function shot(page: Page, name: string, clip?: { x: number; y: number; width: number; height: number }): Promise<Buffer> {
  return page.screenshot({ path: join(artifacts, `${name}.png`), ...(clip ? { clip } : {}) })
}

export interface PixelStats {
  width: number
  height: number
  distinct: number
  lumaStd: number
  meanLuma: number
}

/** Colour statistics of a PNG (decoded by the browser in the scratch page). */
export async function pixelStats(h: Harness, png: Buffer): Promise<PixelStats> {
  return h.scratch.evaluate(async (b64) => {
    const img = new Image()
    img.src = `data:image/png;base64,${b64}`
    await img.decode()
    const c = document.createElement('canvas')
    c.width = img.width
    c.height = img.height
    const ctx = c.getContext('2d')!
    ctx.drawImage(img, 0, 0)
    const d = ctx.getImageData(0, 0, c.width, c.height).data
    const colors = new Set<number>()
    let sum = 0,
      sum2 = 0
    const n = d.length / 4
    for (let i = 0; i < d.length; i += 4) {
      colors.add(((d[i] >> 3) << 10) | ((d[i + 1] >> 3) << 5) | (d[i + 2] >> 3))
      const l = 0.2126 * d[i] + 0.7152 * d[i + 1] + 0.0722 * d[i + 2]
      sum += l
      sum2 += l * l
    }
    const mean = sum / n
    return {
      width: c.width,
      height: c.height,
      distinct: colors.size,
      meanLuma: mean,
      lumaStd: Math.sqrt(Math.max(0, sum2 / n - mean * mean)),
    }
  }, png.toString('base64'))
}

/** Fraction of pixels whose colour differs by more than `threshold` (0–255, any channel). */
export async function pixelDiff(h: Harness, a: Buffer, b: Buffer, threshold = 24): Promise<number> {
  return h.scratch.evaluate(
    async ([a64, b64, t]) => {
      const load = async (s: string) => {
        const img = new Image()
        img.src = `data:image/png;base64,${s}`
        await img.decode()
        const c = document.createElement('canvas')
        c.width = img.width
        c.height = img.height
        const ctx = c.getContext('2d')!
        ctx.drawImage(img, 0, 0)
        return ctx.getImageData(0, 0, c.width, c.height)
      }
      const [x, y] = await Promise.all([load(a64 as string), load(b64 as string)])
      if (x.width !== y.width || x.height !== y.height) return 1
      let changed = 0
      for (let i = 0; i < x.data.length; i += 4) {
        if (
          Math.abs(x.data[i] - y.data[i]) > (t as number) ||
          Math.abs(x.data[i + 1] - y.data[i + 1]) > (t as number) ||
          Math.abs(x.data[i + 2] - y.data[i + 2]) > (t as number)
        )
          changed++
      }
      return changed / (x.data.length / 4)
    },
    [a.toString('base64'), b.toString('base64'), threshold] as const,
  )
}

/** Wait until `read` returns something different from `before`. */
export async function changed<T>(read: () => Promise<T>, before: T, timeoutMs = 60_000): Promise<T> {
  const t0 = Date.now()
  for (;;) {
    const now = await read()
    if (now !== before) return now
    if (Date.now() - t0 > timeoutMs) throw new Error(`no change from ${String(before)} within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

export const surfaceVersion = (page: Page) => page.getAttribute('[data-testid=view-toolbar]', 'data-surface-version').then(Number)
export const jobId = (page: Page) => page.getAttribute('[data-testid=job-status]', 'data-job-id').then(Number)
export const jobDone = (page: Page) => page.getAttribute('[data-testid=job-status]', 'data-done').then((v) => v === 'true')

/** Wait until the page's current job has finished. */
export async function waitJobDone(page: Page): Promise<void> {
  await expect.poll(() => jobDone(page), { timeout: 60_000, interval: 100 }).toBe(true)
}

/**
 * Pause at the end of the run (a still frame); Escape first leaves any text field.
 * End is pressed again while the view still plays: a job that starts just after
 * the key press (a debounced edit landing late on a loaded machine) restarts
 * playback, as it should for a user.
 */
export async function pauseAtEnd(page: Page): Promise<void> {
  await page.keyboard.press('Escape')
  await expect
    .poll(
      async () => {
        await page.keyboard.press('End')
        return page.getAttribute('[data-testid=play]', 'data-playing')
      },
      { timeout: 20_000, interval: 250 },
    )
    .toBe('false')
}

/** SwiftShader needs a moment to draw a frame after data arrives. */
export const settle = (page: Page, ms = 1500) => page.waitForTimeout(ms)
