/** @vitest-environment node */
/**
 * Sweeps over a learning-rate schedule's arguments in the app (issue 12): for an optimizer with a
 * StepLR schedule the sweep panel offers `schedule.gamma` and `schedule.step_size` as axes, runs an
 * lr × gamma grid as one job and draws its map; the status names the grid. Screenshot:
 * artifacts/e2e/schedule-sweep.png.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { artifacts, type Harness, openApp, pixelStats, settle, shot, startHarness, waitJobDone } from './harness'

let h: Harness
let page: Page
let errors: string[]

beforeAll(async () => {
  h = await startHarness()
  ;({ page, errors } = await openApp(h))
}, 180_000)

afterAll(async () => {
  await h?.close()
})

const session = {
  landscape: { preset: 'rosenbrock' },
  optimizers: [{ name: 'sgd', lr: 0.001, momentum: 0.9, schedule: { name: 'StepLR', step_size: 50, gamma: 0.5 } }],
  init: [
    [-1.5, 2],
    [1.5, -0.5],
  ],
  steps: 200,
  record: { every: 1 },
}

describe('sweeps over schedule arguments', () => {
  it('offers the schedule’s arguments as axes and maps an lr × gamma grid', async () => {
    const path = join(artifacts, 'schedule-sweep-session.json')
    writeFileSync(path, JSON.stringify(session))
    await page.setInputFiles('[data-testid=file-input]', path)
    await page.locator('[data-testid=toast-info]').filter({ hasText: 'Opened' }).waitFor({ timeout: 30_000 })
    await waitJobDone(page)
    const panel = page.locator('[data-testid=panel-sweep]')
    await panel.locator('.section-toggle').click()
    const yAxis = panel.locator('select[aria-label="sweep y"]')
    const keys = await yAxis.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))
    expect(keys).toEqual(expect.arrayContaining(['schedule.gamma', 'schedule.step_size']))
    await panel.locator('select[aria-label="sweep x"]').selectOption('lr')
    await yAxis.selectOption('schedule.gamma')
    const cells = panel.locator('input[aria-label="sweep cells per axis"]')
    await cells.fill('6')
    await cells.press('Enter')
    await panel.locator('[data-testid=sweep-run]').click()
    const heatmap = panel.locator('[data-testid=sweep-heatmap]')
    await heatmap.waitFor({ timeout: 60_000 })
    await settle(page, 800)
    expect(await panel.getByTestId('sweep-status').innerText()).toMatch(/36 configurations × 2 starts/)
    const png = await shot(page, 'schedule-sweep', (await panel.getByTestId('sweep-results').boundingBox())!)
    expect((await pixelStats(h, png)).distinct).toBeGreaterThan(8)
    // Hovering a cell names the schedule argument's value beside the lr.
    const box = (await heatmap.boundingBox())!
    await heatmap.hover({ position: { x: box.width / 2, y: box.height / 2 } })
    await expect.poll(() => panel.getByTestId('sweep-tooltip').innerText()).toMatch(/schedule\.gamma = \d/)
    expect(errors).toEqual([])
  })
})
