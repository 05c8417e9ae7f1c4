/** @vitest-environment node */
/**
 * The sweep view in a real browser: an lr × momentum grid over the first optimizer runs as one job
 * and draws a heatmap; clicking a cell applies that cell's values to the optimizer, so the 3-D view
 * shows its trajectories.
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

describe('sweep view', () => {
  it('runs an lr × momentum grid, draws a heatmap, and a click shows that cell', async () => {
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
    await panel.scrollIntoViewIfNeeded()
    await settle(page, 500)
    const png = await shot(page, '11-sweep', (await heatmap.boundingBox())!)
    const stats = await pixelStats(h, png)
    expect(stats.distinct).toBeGreaterThan(8) // a graded heatmap, not a blank canvas
    expect(await panel.locator('.aside').last().textContent()).toMatch(/64 configurations/)

    // Click the top-right cell: largest lr and momentum.
    await expect.poll(() => jobDone(page), { timeout: 60_000, interval: 100 }).toBe(true)
    const before = await jobId(page)
    const box = (await heatmap.boundingBox())!
    await heatmap.click({ position: { x: box.width - 12, y: 12 } })
    await expect.poll(() => panel.locator('.aside').last().textContent()).toMatch(/lr = .*momentum = 0\.99/)
    await expect.poll(() => jobId(page), { timeout: 30_000 }).toBeGreaterThan(before)
    const card = page.locator('[data-testid=optimizer-0]')
    await expect.poll(async () => (await card.textContent()) ?? '').toMatch(/0\.99/)
    await shot(page, '12-sweep-cell')
    expect(errors).toEqual([])
  })
})
