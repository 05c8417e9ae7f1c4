/** @vitest-environment node */
/**
 * The optimizer-state view on runs whose update is not the plain rule (issue 12): a forward
 * gradient estimate with gradient noise, and Adam under OneCycleLR. The view's float64 replay
 * (estimator draws, noise and the scheduled lr and beta1 applied as the engine applies them) must
 * land on the point the engine drew; the gradient row shows the received estimate beside the true
 * gradient, and the scheduled lr is shown. Screenshot: artifacts/e2e/opt-state-extras.png.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { artifacts, type Harness, openApp, pauseAtEnd, settle, shot, startHarness, waitJobDone } from './harness'

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
  landscape: { preset: 'himmelblau' },
  optimizers: [
    { name: 'sgd', lr: 0.004, momentum: 0.5, gradient: { estimator: 'forward', directions: 1, seed: 3 } },
    { name: 'adam', lr: 0.05, schedule: { name: 'OneCycleLR', max_lr: 0.1, total_steps: 80 } },
  ],
  init: [
    [-0.5, 0.5],
    [0.8, -1.2],
  ],
  noise: { std: 0.5, seed: 7 },
  steps: 60,
  record: { every: 1 },
}

const body = (page: Page) => page.getByTestId('opt-state-body')
const vectorRows = (page: Page) =>
  page
    .getByTestId('opt-state-vectors')
    .locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.vector))

describe('optimizer state view: estimators, noise and schedules', () => {
  it('replays an estimated, noisy run and a scheduled run onto the drawn points', async () => {
    const path = join(artifacts, 'opt-state-extras-session.json')
    writeFileSync(path, JSON.stringify(session))
    await page.setInputFiles('[data-testid=file-input]', path)
    await page.locator('[data-testid=toast-info]').filter({ hasText: 'Opened' }).waitFor({ timeout: 30_000 })
    await waitJobDone(page)
    await pauseAtEnd(page)
    await page.getByTestId('opt-state-open').click()
    await body(page).waitFor({ timeout: 20_000 })

    // Run 1: SGD with a forward-gradient estimate and noise.
    await page.locator('select[aria-label="Optimizer state run"]').selectOption('1')
    await expect.poll(() => page.getByTestId('opt-state').getAttribute('data-run')).toBe('1')
    expect(Number(await body(page).getAttribute('data-mismatch'))).toBeLessThan(1e-6)
    const rows = await vectorRows(page)
    expect(rows.length).toBeGreaterThan(3) // the received gradient and, faint, the true one
    expect(await page.getByTestId('opt-state-vectors').innerText()).toMatch(/estimate/)
    expect(await page.getByTestId('opt-state-vectors').innerText()).toMatch(/true gradient/)

    // Run 2: Adam under OneCycleLR (lr and beta1 cycled), with the same noise.
    await page.locator('select[aria-label="Optimizer state run"]').selectOption('2')
    await expect.poll(() => page.getByTestId('opt-state').getAttribute('data-run')).toBe('2')
    expect(Number(await body(page).getAttribute('data-mismatch'))).toBeLessThan(1e-6)
    expect(await page.getByTestId('opt-state-schedule').innerText()).toMatch(/scheduled lr/)
    await settle(page, 1200)
    await page.getByTestId('opt-state').screenshot({ path: join(artifacts, 'opt-state-extras.png') })
    await shot(page, 'opt-state-extras-view')
    expect(errors).toEqual([])
  })
})
