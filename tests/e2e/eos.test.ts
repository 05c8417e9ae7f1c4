/** @vitest-environment node */
/**
 * The edge-of-stability view in a real browser: the cubic valley scene from the gallery runs GD at
 * η = 0.4 with its central flow; the view draws its three charts, GD ends in the 2-cycle (4, ±1)
 * while the flow rests at (4, 0), the onset is marked, hovering a chart highlights a step, and
 * "Restart flow here" integrates a second flow. Screenshot: artifacts/e2e/eos-view.png.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EosAutomationState } from '../../src-renderer/export/automation'
import { type Harness, pixelStats, settle, shot, startHarness } from './harness'

let h: Harness
let page: Page
const errors: string[] = []

const eosState = () => page.evaluate(() => window.gradscapeAutomation!.eosState()) as Promise<EosAutomationState>

beforeAll(async () => {
  h = await startHarness()
  const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 } })
  page = await context.newPage()
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  await page.goto(`${h.server.url}?automation`)
})

afterAll(async () => {
  await h?.close()
})

describe('edge-of-stability view', () => {
  it('loads the cubic valley scene and shows GD at the edge of stability beside its central flow', async () => {
    const scene = page.locator('[data-eos-scene=eos_cubic_valley]')
    await scene.waitFor({ timeout: 60_000 })
    const before = (await eosState()).jobId
    await scene.click()
    await page.locator('[data-testid=eos-view]').waitFor()
    await expect
      .poll(
        async () => {
          const s = await eosState()
          return s.jobId > before && s.done && s.flowEnd !== null && s.xy.length === 2 * 301
        },
        { timeout: 90_000, interval: 200 },
      )
      .toBe(true)
    const s = await eosState()
    expect(s.open).toBe(true)
    expect(s.every).toBe(1)

    // GD ends in the period-2 orbit (4, ±1): y alternates in sign over the last 20 steps.
    const ys = Array.from({ length: 21 }, (_, i) => s.xy[2 * (280 + i) + 1])
    for (let i = 0; i < 20; i++) expect(ys[i] * ys[i + 1]).toBeLessThan(0)
    for (const y of ys) expect(Math.abs(Math.abs(y) - 1)).toBeLessThan(0.05)
    expect(s.xy[2 * 300]).toBeCloseTo(4, 1)
    // The central flow rests at (4, 0) (docs/central-flows.md, "Scene: cubic valley").
    expect(Math.abs(s.flowEnd![0] - 4)).toBeLessThan(1e-2)
    expect(Math.abs(s.flowEnd![1])).toBeLessThan(1e-2)
    expect(s.flowStoppedAt).toBeNull()
    // The onset: the first step with S ≥ 2/η = 5, marked on the charts.
    // On the floor x_k ≈ 4.5(1 − 0.6^k) and S = 1 + x, so S first reaches 5 at k = 5 (0.6^5 < 1/9 < 0.6^4).
    expect(s.onsetStep).toBe(5)
    const charts = page.locator('[data-testid=eos-charts]')
    await expect.poll(() => charts.getAttribute('data-onset')).toBe(String(s.onsetStep))
    // The flow reaches the edge with GD: its floor motion x(t) ≈ 4.5(1 − e^{−0.4t}) meets S = 5 near t = 5.5.
    const edge = /central flow reaches the edge \(σ² > 0\) at step (\d+)/.exec(await page.locator('[data-testid=eos-view]').innerText())
    expect(edge).not.toBeNull()
    expect(Number(edge![1])).toBeGreaterThanOrEqual(4)
    expect(Number(edge![1])).toBeLessThanOrEqual(8)

    // The charts are drawn.
    await settle(page, 800)
    const box = (await charts.boundingBox())!
    const stats = await pixelStats(h, await shot(page, 'eos-charts', box))
    expect(stats.distinct).toBeGreaterThan(40)
    expect(stats.lumaStd).toBeGreaterThan(8)
  })

  it("links a hover on the chart to a highlighted step, and restarts the flow from GD's iterate there", async () => {
    const cursor = page.locator('[data-testid=eos-cursor]')
    const box = (await cursor.boundingBox())!
    // About step 100: the plot spans [50, width − 12] px for steps 0…300.
    const x = 50 + (box.width - 62) / 3
    await cursor.hover({ position: { x, y: box.height / 2 } })
    await expect.poll(async () => (await eosState()).highlightStep).not.toBeNull()
    const hovered = (await eosState()).highlightStep!
    expect(Math.abs(hovered - 100)).toBeLessThan(5)
    expect(await page.getAttribute('[data-testid=eos-readout]', 'data-highlight')).toBe(String(hovered))
    expect(await page.textContent('[data-testid=eos-readout]')).toMatch(new RegExp(`step ${hovered} · GD loss`))

    // Pin it with a click, then restart the flow from there.
    await cursor.click({ position: { x, y: box.height / 2 } })
    await page.click('[data-testid=eos-restart]')
    await expect.poll(async () => (await eosState()).restarted.length, { timeout: 30_000 }).toBe(1)
    const s = await eosState()
    expect(s.restarted[0].startStep).toBe(hovered)
    // Restarted from GD's oscillating iterate, the flow still ends at (4, 0).
    expect(Math.abs(s.restarted[0].end[0] - 4)).toBeLessThan(1e-2)
    expect(Math.abs(s.restarted[0].end[1])).toBeLessThan(1e-2)
    await expect.poll(() => page.getAttribute('[data-testid=eos-charts]', 'data-flows')).toBe('2')

    await settle(page, 1500)
    await shot(page, 'eos-view')
    expect(errors).toEqual([])
  })

  it('says where the central flow does not exist (quadratic above 2/η)', async () => {
    const before = (await eosState()).jobId
    await page.click('[data-eos-scene=eos_quadratic]')
    await expect
      .poll(
        async () => {
          const s = await eosState()
          return s.jobId > before && s.done && s.flowStoppedAt !== null
        },
        { timeout: 60_000, interval: 200 },
      )
      .toBe(true)
    await expect.poll(() => page.textContent('[data-testid=eos-stop]')).toMatch(/GD diverges here/)
    await settle(page, 1000)
    await shot(page, 'eos-quadratic')
    // Undo restores the cubic valley scene.
    await page.click('[data-testid=undo]')
    await expect.poll(() => page.getAttribute('[data-testid=preset-gallery] [aria-selected=true]', 'data-preset')).toBe('cubic_valley')
    expect(errors).toEqual([])
  })

  it('derives every label from the selected run, switching between GD and Adam, and frames the path', async () => {
    const doc = {
      landscape: { preset: 'cubic_valley' },
      optimizers: [
        { name: 'sgd', lr: 0.4 },
        { name: 'adam', lr: 0.1 },
      ],
      init: [[0, 0.1]],
      steps: 300,
      record: { every: 1, sharpness: true },
      central_flow: true,
    }
    const loaded = await page.evaluate((text) => window.gradscapeAutomation!.loadSession(text, 'gd-adam.json'), JSON.stringify(doc))
    expect(loaded.ok).toBe(true)
    await page.evaluate(() => window.gradscapeAutomation!.waitReady(90_000))
    await expect.poll(async () => (await eosState()).done, { timeout: 60_000, interval: 200 }).toBe(true)
    await page.getByTestId('eos-toggle').check()
    const view = page.getByTestId('eos-view')
    const threshold = page.getByTestId('eos-threshold')
    const select = view.locator('select[aria-label="EoS run"]')

    // The view frames the shown run's path when it opens (it is open: a new request on reopening).
    const framedBefore = Number(await view.getAttribute('data-framed'))
    await page.getByTestId('eos-toggle').uncheck()
    await page.getByTestId('eos-toggle').check()
    await expect
      .poll(async () => Number(await page.getByTestId('eos-view').getAttribute('data-framed')), { timeout: 10_000 })
      .toBeGreaterThan(framedBefore)

    await select.selectOption('0')
    await expect.poll(() => threshold.innerText(), { timeout: 2000 }).toMatch(/^Threshold for GD: S ≤ 2\/η \(GD\) = 5\./)
    await select.selectOption('1')
    // Adam: the threshold (2+2β₁)/((1−β₁)η) = 380 in the same render as the selection, not GD's 5.
    await expect
      .poll(() => threshold.innerText(), { timeout: 2000 })
      .toMatch(/^Threshold for Adam: λ₁\(P⁻¹H\) ≤ \(2\+2β₁\)\/\(\(1−β₁\)η\) = 380/)
    expect(await threshold.innerText()).toMatch(/Adam is not at the edge of stability/)
    expect(await page.getByTestId('eos-readout').innerText()).not.toMatch(/NaN/)
    await settle(page, 1500)
    await shot(page, 'eos-adam')
    await select.selectOption('0')
    await expect.poll(() => threshold.innerText(), { timeout: 2000 }).toMatch(/^Threshold for GD: S ≤ 2\/η \(GD\) = 5\./)

    // "Zoom to path" frames again.
    const framed = Number(await view.getAttribute('data-framed'))
    await page.getByTestId('eos-zoom').click()
    await expect.poll(async () => Number(await view.getAttribute('data-framed')), { timeout: 10_000 }).toBe(framed + 1)
    expect(errors).toEqual([])
  })

  it('cites the papers by title in the scene caption and opens the in-app note', async () => {
    const before = (await eosState()).jobId
    await page.click('[data-eos-scene=eos_zhu]')
    await expect
      .poll(
        async () => {
          const s = await eosState()
          return s.jobId > before && s.done
        },
        { timeout: 90_000, interval: 200 },
      )
      .toBe(true)
    const caption = page.getByTestId('eos-caption')
    await expect.poll(() => caption.innerText()).toMatch(/Understanding Edge-of-Stability Training Dynamics with a Minimalist Example/)
    expect(await caption.innerText()).not.toMatch(/§5/)
    await caption.getByRole('button', { name: /note: Zhu/ }).click()
    const note = page.getByTestId('eos-note')
    await expect.poll(() => note.locator('section.current h3').innerText()).toMatch(/Zhu et al/)
    await settle(page, 300)
    await shot(page, 'eos-note')
    await note.getByRole('button', { name: 'Close the note' }).click()
    await page.getByTestId('eos-zoom').click()
    await settle(page, 1500)
    await shot(page, 'eos-zhu-zoomed')
    expect(errors).toEqual([])
  })
})
