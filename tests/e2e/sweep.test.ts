/** @vitest-environment node */
/**
 * The sweep view in a real browser: an lr × momentum grid over the first optimizer runs as one job
 * and draws a heatmap, shown where the user is looking, with a colour bar, a legend for the
 * hatching and a tooltip per cell. Clicking a cell previews its trajectories; only "Apply" sets its
 * values on the optimizer, and the axis ranges stay what they were. A new metric re-reduces the
 * same job; a precision change marks the map stale. Screenshots: artifacts/e2e/11-sweep.png,
 * 12-sweep-cell.png, 13-sweep-overlay.png.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Harness, jobDone, jobId, openApp, pixelStats, settle, shot, startHarness } from './harness'

let h: Harness
let page: Page
let errors: string[]

beforeAll(async () => {
  h = await startHarness()
  ;({ page, errors } = await openApp(h))
})

afterAll(async () => {
  await h?.close()
})

/** Whether the element lies wholly inside the window (nothing cut off or below the fold). */
const inView = (page: Page, testId: string) =>
  page.getByTestId(testId).evaluate((el) => {
    const r = el.getBoundingClientRect()
    return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0
  })

describe('sweep view', () => {
  it('runs an lr × momentum grid and shows a readable map: colour bar, legend, tooltip, in view', async () => {
    await expect.poll(() => jobDone(page), { timeout: 60_000, interval: 100 }).toBe(true)
    const panel = page.locator('[data-testid=panel-sweep]')
    await panel.locator('.section-toggle').click()
    await panel.locator('select[aria-label="sweep x"]').selectOption('lr')
    await panel.locator('select[aria-label="sweep y"]').selectOption('momentum')
    const cells = panel.locator('input[aria-label="sweep cells per axis"]')
    await cells.fill('8')
    await cells.press('Enter')
    await panel.locator('[data-testid=sweep-run]').click()
    const heatmap = panel.locator('[data-testid=sweep-heatmap]')
    await heatmap.waitFor({ timeout: 60_000 })
    await settle(page, 800)
    // The result is where the user is looking: map, colour bar and the whole status line on screen.
    expect(await inView(page, 'sweep-heatmap')).toBe(true)
    expect(await inView(page, 'sweep-status')).toBe(true)
    expect(await inView(page, 'sweep-colorbar')).toBe(true)
    expect(await panel.getByTestId('sweep-status').innerText()).toMatch(/64 configurations × 12 starts in \d+\.\d\d s/)

    const png = await shot(page, '11-sweep', (await panel.getByTestId('sweep-results').boundingBox())!)
    expect((await pixelStats(h, png)).distinct).toBeGreaterThan(8) // a graded heatmap, not a blank canvas

    // Colour bar: labelled ends and ticks, a log scale for the final loss.
    const bar = panel.getByTestId('sweep-colorbar')
    expect(await bar.innerText()).toMatch(/median final loss \(log scale\)/)
    const values = await bar.locator('[data-value]').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.value)))
    expect(values.length).toBeGreaterThanOrEqual(2)
    expect(values.every((v) => Number.isFinite(v) && v > 0)).toBe(true)
    expect(values[1]).toBeGreaterThan(values[0]) // lo (bright end) < hi (dark end)
    expect(await panel.getByTestId('sweep-legend').innerText()).toMatch(/diverged/)

    // Hovering the top-right cell (largest lr and momentum) names its configuration and value.
    const box = (await heatmap.boundingBox())!
    await heatmap.hover({ position: { x: box.width - 14, y: 14 } })
    const tip = panel.getByTestId('sweep-tooltip')
    await expect.poll(() => tip.innerText()).toMatch(/lr = 0\.0?3.*momentum = 0\.99/s)
    expect(await tip.innerText()).toMatch(/median final loss|diverged/)
    await heatmap.hover({ position: { x: 60, y: box.height - 45 } }) // bottom-left: smallest lr, momentum 0
    await expect.poll(() => tip.innerText()).toMatch(/lr = 3\.333e-4, momentum = 0\n.*median final loss \d/)
    expect(errors).toEqual([])
  })

  it('previews a clicked cell and applies it only on request, keeping the axis ranges', async () => {
    const panel = page.locator('[data-testid=panel-sweep]')
    const heatmap = panel.locator('[data-testid=sweep-heatmap]')
    const card = page.locator('[data-testid=optimizer-0]')
    await expect.poll(() => jobDone(page), { timeout: 60_000, interval: 100 }).toBe(true)
    const before = await jobId(page)
    const cardBefore = await card.textContent()
    const fromBefore = await panel.locator('input[aria-label="sweep x from"]').inputValue()
    const box = (await heatmap.boundingBox())!
    // Click the cell below the top-right one: largest lr, momentum 0.99·6/7 = 0.8486.
    await heatmap.click({ position: { x: box.width - 14, y: 14 + (box.height - 40) / 8 } })
    const preview = panel.getByTestId('sweep-preview')
    await expect.poll(() => preview.innerText()).toMatch(/Preview · lr = 0\.03, momentum = 0\.8486/)
    await settle(page, 500)
    await shot(page, '12-sweep-cell', (await panel.getByTestId('sweep-results').boundingBox())!)
    // Nothing applied yet: the optimizer and the job are unchanged.
    await page.waitForTimeout(400)
    expect(await card.textContent()).toBe(cardBefore)
    expect(await jobId(page)).toBe(before)

    await panel.getByTestId('sweep-apply').click()
    await expect.poll(() => jobId(page), { timeout: 30_000 }).toBeGreaterThan(before)
    await expect.poll(async () => (await card.textContent()) ?? '').toMatch(/0\.84(86|9)/)
    // The axis range is the user's: applying a cell does not re-centre it.
    expect(await panel.locator('input[aria-label="sweep x from"]').inputValue()).toBe(fromBefore)
    expect(await panel.getByTestId('sweep-results').getAttribute('data-stale')).toBe('false')
    expect(errors).toEqual([])
  })

  it('re-reduces for a new metric at once and marks the map stale when the precision changes', async () => {
    const panel = page.locator('[data-testid=panel-sweep]')
    const bar = panel.getByTestId('sweep-colorbar')
    await expect.poll(() => jobDone(page), { timeout: 60_000, interval: 100 }).toBe(true)
    const job = await jobId(page)
    await panel.getByRole('radio', { name: 'Steps to tol.' }).click()
    await expect.poll(() => bar.innerText()).toMatch(/median steps to tolerance/)
    expect(await panel.getByTestId('sweep-legend').innerText()).toMatch(/never reached loss ≤ 0\.001/)
    expect(await jobId(page)).toBe(job) // no new job: the finished sweep's losses were re-reduced

    await page.getByTestId('precision').getByRole('radio', { name: 'float32 kernels' }).click()
    await expect.poll(() => panel.getByTestId('sweep-results').getAttribute('data-stale')).toBe('true')
    expect(await panel.getByTestId('sweep-stale').innerText()).toMatch(/Stale: the scenario changed/)
    expect(await panel.getByTestId('sweep-run').innerText()).toMatch(/Re-run sweep/)
    await page.getByTestId('precision').getByRole('radio', { name: 'float64' }).click()
    await expect.poll(() => panel.getByTestId('sweep-results').getAttribute('data-stale')).toBe('false')
    expect(errors).toEqual([])
  })

  it('overlays the stability limit and the critical momentum on a quadratic', async () => {
    await page.locator('[data-preset=ill_conditioned_quadratic]').click()
    await expect.poll(() => jobDone(page), { timeout: 60_000, interval: 100 }).toBe(true)
    const panel = page.locator('[data-testid=panel-sweep]')
    await panel.getByRole('radio', { name: 'Final loss' }).click()
    await panel.locator('select[aria-label="sweep optimizer"]').selectOption('1') // SGD with momentum
    await panel.locator('select[aria-label="sweep y"]').selectOption('momentum')
    const from = panel.locator('input[aria-label="sweep x from"]')
    await from.fill('0.001')
    await from.press('Enter')
    const to = panel.locator('input[aria-label="sweep x to"]')
    await to.fill('0.1')
    await to.press('Enter')
    await panel.locator('[data-testid=sweep-run]').click()
    const stability = panel.getByTestId('sweep-overlay-stability')
    await stability.waitFor({ timeout: 60_000 })
    // ½(x² + 100y²): eigenvalues 1 and 100, so lr < 2(1+β)/100.
    expect(await stability.innerText()).toMatch(/λ_max = 100/)
    expect(await panel.getByTestId('sweep-overlay-critical').innerText()).toMatch(/λ ∈ \{1, 100\}/)
    await settle(page, 500)
    await shot(page, '13-sweep-overlay', (await panel.getByTestId('sweep-results').boundingBox())!)
    expect(errors).toEqual([])
  })
})
