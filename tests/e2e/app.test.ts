/** @vitest-environment node */
/**
 * Gradscape in a real browser against the web host: the 3-D view draws, presets and typed
 * expressions change the surface, a bad expression shows its error at the position, dragging a
 * slider changes the trajectories while the pointer is still down, sessions round-trip, and a
 * corrupt file is refused without touching the session. Screenshots go to artifacts/e2e/.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  pauseAtEnd as pauseRunAtEnd,
  waitJobDone,
  artifacts,
  changed,
  type Harness,
  jobId,
  openApp,
  pixelDiff,
  pixelStats,
  sceneClip,
  settle,
  shot,
  startHarness,
  surfaceVersion,
} from './harness'

let h: Harness
let page: Page
let errors: string[]

const waitDone = () => waitJobDone(page)

async function download(name: string): Promise<Record<string, unknown>> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=save]')])
  const path = join(artifacts, name)
  await d.saveAs(path)
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
}

const pauseAtEnd = () => pauseRunAtEnd(page)

async function selectedPreset(): Promise<string | null> {
  const selected = page.locator('[data-testid=preset-gallery] [aria-selected=true]')
  return (await selected.count()) === 0 ? null : selected.first().getAttribute('data-preset')
}

beforeAll(async () => {
  h = await startHarness()
  ;({ page, errors } = await openApp(h))
})

afterAll(async () => {
  await h?.close()
})

describe('Gradscape in Chromium', () => {
  it('opens on a racing scene and draws a non-blank 3-D canvas', async () => {
    await expect.poll(() => surfaceVersion(page), { timeout: 60_000 }).toBeGreaterThan(0)
    await waitDone()
    expect(await page.locator('[data-testid=legend] li').count()).toBe(4)
    expect(await selectedPreset()).toBe('himmelblau')
    await pauseAtEnd()
    await settle(page, 2500)
    const clip = await sceneClip(page)
    const stats = await pixelStats(h, await shot(page, '01-scene', clip))
    await shot(page, '01-app')
    expect(stats.distinct).toBeGreaterThan(300)
    expect(stats.lumaStd).toBeGreaterThan(12)
    expect(
      await page
        .locator('[data-testid=scene-canvas] canvas')
        .first()
        .evaluate((c: HTMLCanvasElement) => c.width * c.height),
    ).toBeGreaterThan(100_000)
    expect(errors).toEqual([])
  })

  it('changes the surface for a preset and for a typed expression', async () => {
    const clip = await sceneClip(page)
    const before = await page.screenshot({ clip })
    let v = await surfaceVersion(page)
    let job = await jobId(page)
    await page.click('[data-preset=booth]')
    await changed(() => surfaceVersion(page), v)
    // The surface can arrive before the job's first message: wait for the new job itself.
    job = await changed(() => jobId(page), job, 30_000)
    await waitDone()
    await pauseAtEnd()
    await settle(page, 2500)
    const booth = await shot(page, '02-preset-booth', clip)
    expect(await pixelDiff(h, before, booth)).toBeGreaterThan(0.05)
    expect(await selectedPreset()).toBe('booth')

    await page.fill('[data-testid=expr-input]', 'sin(x) * cos(y) * 20 + 0.3*(x^2 + y^2)')
    v = await changed(() => surfaceVersion(page), v)
    await changed(() => jobId(page), job, 30_000)
    await waitDone()
    await pauseAtEnd()
    await settle(page, 2500)
    const typed = await shot(page, '03-typed-expression', clip)
    expect(await pixelDiff(h, booth, typed)).toBeGreaterThan(0.05)
    expect(await selectedPreset()).toBe(null) // a custom landscape
  })

  it("shows a bad expression's error at its character position and keeps the surface", async () => {
    const v = await surfaceVersion(page)
    await page.fill('[data-testid=expr-input]', 'x^2 + z*y')
    const error = page.locator('[data-testid=expr-error]')
    await error.waitFor({ state: 'visible', timeout: 30_000 })
    expect(await error.getAttribute('data-position')).toBe('7')
    expect(await page.textContent('[data-testid=expr-error-mark]')).toBe('z')
    expect(await error.textContent()).toMatch(/Position 7:.*'z'/)
    expect(await page.getAttribute('[data-testid=expr-input]', 'aria-invalid')).toBe('true')
    await shot(page, '04-bad-expression')
    await settle(page, 500)
    expect(await surfaceVersion(page)).toBe(v) // the last good landscape stays
    await page.fill('[data-testid=expr-input]', 'x^2 + 3*y^2')
    await error.waitFor({ state: 'detached', timeout: 30_000 })
  })

  it('re-runs while a hyperparameter slider is dragged, and the trajectories change before release', async () => {
    const v = await surfaceVersion(page)
    await page.click('[data-preset=himmelblau]')
    await changed(() => surfaceVersion(page), v)
    await waitDone()
    await pauseAtEnd()
    await settle(page, 2500)
    const clip = await sceneClip(page)
    // SGD with momentum: its spirals reshape with the learning rate (plain GD would only change speed).
    const slider = page.locator('[data-testid=slider-1-lr]')
    await slider.scrollIntoViewIfNeeded()
    const box = (await slider.boundingBox())!
    const position = Number(await slider.inputValue())
    const y = box.y + box.height / 2
    let x = box.x + 7 + ((box.width - 14) * position) / 1000
    const valueBefore = await page.inputValue('[data-testid=value-1-lr]')
    let frame = await page.screenshot({ clip })
    let job = await jobId(page)
    const firstJob = job
    await page.mouse.move(x, y)
    await page.mouse.down()
    const diffs: number[] = []
    for (let k = 0; k < 3; k++) {
      x -= 5 // smaller lr: stays stable
      await page.mouse.move(x, y, { steps: 3 })
      job = await changed(() => jobId(page), job, 30_000)
      await waitDone()
      await settle(page, 2000)
      const next = await shot(page, `05-drag-${k + 1}`, clip)
      diffs.push(await pixelDiff(h, frame, next))
      frame = next
    }
    // Still dragging: the value field shows the live value.
    expect(await page.inputValue('[data-testid=value-1-lr]')).not.toBe(valueBefore)
    await page.mouse.up()
    expect(job - firstJob).toBeGreaterThanOrEqual(3)
    for (const d of diffs) expect(d).toBeGreaterThan(0.001)
    // One undo step for the whole drag.
    await page.keyboard.press('Control+z')
    await expect.poll(() => page.inputValue('[data-testid=value-1-lr]')).toBe(valueBefore)
  })

  it('saves a session and loads it back exactly', async () => {
    const saved = await download('session.json')
    expect(saved).toMatchObject({ landscape: { preset: 'himmelblau' }, steps: 300 })
    expect(Array.isArray(saved.optimizers)).toBe(true)
    expect((saved.view as { region: unknown }).region).toEqual({ x: [-5, 5], y: [-5, 5] })
    // Change the session, then load the file.
    let v = await surfaceVersion(page)
    await page.click('[data-preset=rastrigin]')
    v = await changed(() => surfaceVersion(page), v)
    await page.click('[data-testid=remove-3]')
    await expect.poll(() => page.locator('[data-testid=legend] li').count()).toBe(3)
    await page.setInputFiles('[data-testid=file-input]', join(artifacts, 'session.json'))
    await page.locator('[data-testid=toast-info]').filter({ hasText: 'Opened' }).waitFor({ timeout: 30_000 })
    await changed(() => surfaceVersion(page), v)
    expect(await selectedPreset()).toBe('himmelblau')
    expect(await page.locator('[data-testid=legend] li').count()).toBe(4)
    await waitDone()
    await settle(page, 1500)
    await shot(page, '06-loaded')
    expect(await download('session-again.json')).toEqual(saved)
  })

  it('refuses a corrupt session file with the reason and leaves the session untouched', async () => {
    const before = await download('before-corrupt.json')
    const bad = { ...before, optimizers: [{ name: 'adam', lr: 0.1, betas: [0.9, 1.5] }] }
    const badPath = join(artifacts, 'corrupt-session.json')
    writeFileSync(badPath, JSON.stringify(bad))
    await page.setInputFiles('[data-testid=file-input]', badPath)
    const toast = page.locator('[data-testid=toast-error]')
    await toast.waitFor({ timeout: 30_000 })
    expect(await toast.textContent()).toMatch(/optimizers\[0\]\.betas.*beta/i)
    await shot(page, '07-corrupt-refused')

    const notJson = join(artifacts, 'not-json.json')
    writeFileSync(notJson, '{"landscape": ')
    await page.setInputFiles('[data-testid=file-input]', notJson)
    await expect.poll(() => toast.textContent(), { timeout: 30_000 }).toMatch(/not valid JSON/)

    const badView = join(artifacts, 'bad-view.json')
    writeFileSync(badView, JSON.stringify({ ...before, view: { region: { x: [3, 1], y: [0, 1] } } }))
    await page.setInputFiles('[data-testid=file-input]', badView)
    await expect.poll(() => toast.textContent(), { timeout: 30_000 }).toMatch(/view\.region/)

    expect(await download('after-corrupt.json')).toEqual(before)
    expect(await selectedPreset()).toBe('himmelblau')
    expect(await page.locator('[data-testid=legend] li').count()).toBe(4)
  })

  it('exports a PNG of the 3-D view', async () => {
    const [d] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export]')])
    expect(d.suggestedFilename()).toMatch(/^gradscape-himmelblau-.*\.png$/)
    const path = join(artifacts, '10-export.png')
    await d.saveAs(path)
    const png = readFileSync(path)
    expect(png.subarray(1, 4).toString()).toBe('PNG')
    const stats = await pixelStats(h, png)
    expect(stats.width).toBeGreaterThan(400)
    expect(stats.distinct).toBeGreaterThan(300)
  })

  it('adds a start point where the surface is clicked in pick mode', async () => {
    await pauseAtEnd()
    const before = await jobId(page)
    expect(await page.textContent('[data-testid=panel-starts] .aside')).toMatch(/^12 × 4/)
    await page.keyboard.press('p')
    await page.locator('.pick-hint').waitFor()
    const box = (await page.locator('[data-testid=scene-canvas] canvas').boundingBox())!
    // The valley between the four minima: left of the viewport centre (the cards float on the right).
    await page.mouse.click(box.x + box.width * 0.42, box.y + box.height * 0.5)
    await changed(() => jobId(page), before, 30_000)
    await waitDone()
    expect(await page.textContent('[data-testid=panel-starts] .aside')).toMatch(/^13 × 4 = 52 runs/)
    await page.keyboard.press('Escape')
    await page.locator('.pick-hint').waitFor({ state: 'detached' })
    await settle(page, 1500)
    await shot(page, '08-picked-start')
  })

  it('undoes and redoes scenario edits from the keyboard, and lists shortcuts in the help', async () => {
    await page.click('[data-preset=booth]')
    await expect.poll(selectedPreset).toBe('booth')
    await page.keyboard.press('Control+z')
    await expect.poll(selectedPreset).toBe('himmelblau')
    await page.keyboard.press('Control+Shift+z')
    await expect.poll(selectedPreset).toBe('booth')
    await page.keyboard.press('?')
    const help = page.locator('[data-testid=help-overlay]')
    await help.waitFor()
    expect(await help.textContent()).toMatch(/Play \/ pause/)
    await shot(page, '09-help')
    await page.keyboard.press('Escape')
    await help.waitFor({ state: 'detached' })
    expect(errors).toEqual([])
  })
})
