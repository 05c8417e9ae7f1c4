/**
 * Gradient estimators in the app (issue 12), in headless Chromium against the web host: a
 * session whose optimizers take the forward gradient and a zeroth-order estimate loads with the
 * picker showing them, the cosine chart fills from the engine worker's estimates, the 3-D view
 * draws the arrow pairs at the heads (screenshot: artifacts/e2e/estimator.png), and switching an
 * optimizer back to the exact gradient through the picker removes its `gradient` field.
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
    { name: 'sgd', lr: 0.004, gradient: { estimator: 'forward', directions: 1, seed: 3 } },
    { name: 'adam', lr: 0.05, gradient: { estimator: 'zeroth_order', mu: 0.01, directions: 2, distribution: 'sphere', seed: 4 } },
    { name: 'sgd', lr: 0.004 },
  ],
  init: [
    [-0.5, 0.5],
    [0.8, -1.2],
    [-1.5, -0.2],
  ],
  steps: 60,
  record: { every: 1 },
}

describe('gradient estimators in the app', () => {
  it('loads a session with estimators, charts cos(ĝ, ∇L) and draws the arrow pairs', async () => {
    const path = join(artifacts, 'estimator-session.json')
    writeFileSync(path, JSON.stringify(session))
    await page.setInputFiles('[data-testid=file-input]', path)
    await page.locator('[data-testid=toast-info]').filter({ hasText: 'Opened' }).waitFor({ timeout: 30_000 })
    await expect.poll(() => page.locator('[data-testid=estimator-0]').inputValue(), { timeout: 30_000 }).toBe('forward')
    expect(await page.locator('[data-testid=estimator-1]').inputValue()).toBe('zeroth_order')
    expect(await page.locator('[data-testid=estimator-2]').inputValue()).toBe('true')
    await waitJobDone(page)
    await pauseAtEnd(page)
    const chart = page.locator('[data-testid=estimate-chart]')
    await chart.waitFor({ timeout: 30_000 })
    await expect.poll(() => chart.getAttribute('data-mean-cos'), { timeout: 30_000 }).not.toBe('')
    const meanCos = Number(await chart.getAttribute('data-mean-cos'))
    // For K = 1 in 2-D, cos∠((g·v)v, g) = |cos θ| with θ uniform: mean 2/π, sd ≈ 0.31, so 60 steps give
    // 2/π ± 0.04 (one standard error); the chart's mean is within 4 of them.
    expect(Math.abs(meanCos - 2 / Math.PI)).toBeLessThan(0.16)
    await settle(page, 2500)
    await shot(page, 'estimator')
    await page.locator('[data-testid=gradient-1]').scrollIntoViewIfNeeded()
    await page.locator('[data-testid=optimizer-1]').screenshot({ path: join(artifacts, 'estimator-picker.png') })
    expect(errors).toEqual([])
  }, 180_000)

  it('the picker switches an optimizer back to the exact gradient', async () => {
    await page.locator('[data-testid=estimator-0]').selectOption('true')
    await expect.poll(() => page.locator('[data-testid=estimator-0]').inputValue()).toBe('true')
    await page.locator('[data-testid=estimator-1]').selectOption('true')
    await expect.poll(() => page.locator('[data-testid=estimate-chart]').count(), { timeout: 30_000 }).toBe(0)
  }, 60_000)
})
