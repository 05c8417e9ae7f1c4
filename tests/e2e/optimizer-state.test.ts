/** @vitest-environment node */
/**
 * The optimizer-state view in a real browser: for the selected run at the playhead, the update
 * from the head (−∇L, −m, Δθ with their sizes; arrows at the head in the 3-D view), the effective
 * learning rates as bars and the state slots. The float64 replay lands on the point the engine
 * drew; moving the playhead moves the state. Screenshots: artifacts/e2e/opt-state-adam.png,
 * opt-state-view.png (the whole view, arrows at the head).
 */
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
})

afterAll(async () => {
  await h?.close()
})

const body = (page: Page) => page.getByTestId('opt-state-body')

describe('optimizer state view', () => {
  it('shows the selected run’s update at the playhead, replayed onto the drawn point', async () => {
    await waitJobDone(page)
    await pauseAtEnd(page)
    await page.getByTestId('opt-state-open').click()
    await body(page).waitFor({ timeout: 20_000 })
    // The default scene: run 0 is SGD lr = 0.01 (no momentum), paused at step 300.
    expect(await body(page).getAttribute('data-step')).toBe('300')
    expect(Number(await body(page).getAttribute('data-mismatch'))).toBeLessThan(1e-6)
    const sgd = page.getByTestId('opt-state-vectors')
    expect(await sgd.locator('tr[data-vector=moment]').innerText()).toMatch(/no first moment/)
    expect(await page.getByTestId('opt-state-lr').innerText()).toMatch(/No diagonal preconditioner: every coordinate steps with lr = 0\.01/)

    // Adam (the third optimizer: runs 24–35 of 4 × 12).
    await page.locator('select[aria-label="Optimizer state run"]').selectOption('24')
    await expect.poll(() => page.getByTestId('opt-state').getAttribute('data-run')).toBe('24')
    expect(Number(await body(page).getAttribute('data-mismatch'))).toBeLessThan(1e-6)
    const rows = await page
      .getByTestId('opt-state-vectors')
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [(tr as HTMLElement).dataset.vector, [...tr.querySelectorAll('td.mono')].map((td) => Number(td.textContent))]),
      )
    expect(rows.map((r) => r[0])).toEqual(['grad', 'moment', 'delta'])
    for (const [, cells] of rows) {
      expect(cells).toHaveLength(3)
      expect((cells as number[]).every(Number.isFinite)).toBe(true)
    }
    const bars = await page
      .getByTestId('opt-state-lr')
      .locator('[data-coord]')
      .evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.value)))
    expect(bars).toHaveLength(2)
    expect(bars.every((b) => b > 0 && Number.isFinite(b))).toBe(true)
    const slots = await page
      .getByTestId('opt-state-slots')
      .locator('tr[data-slot]')
      .evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.slot))
    expect(slots).toEqual(['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'])
    await settle(page, 1200)
    await page.getByTestId('opt-state').screenshot({ path: join(artifacts, 'opt-state-adam.png') })

    // Back to step 0: the head is the start point, the state is the first update's.
    await page.keyboard.press('Home')
    await page.keyboard.press('Space') // pause again (Home restarts playback)
    await expect.poll(async () => Number(await body(page).getAttribute('data-step')), { timeout: 10_000 }).toBeLessThan(300)
    expect(Number(await body(page).getAttribute('data-mismatch'))).toBeLessThan(1e-6)
    await settle(page, 1200)
    await shot(page, 'opt-state-view')
    expect(errors).toEqual([])
  })
})
