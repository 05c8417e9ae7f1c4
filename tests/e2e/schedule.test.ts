/** @vitest-environment node */
/**
 * The optimizer card's schedule picker in a real browser against the web host: choosing a class
 * starts it with the run's steps, the chart draws the rate (and OneCycleLR's momentum), the job
 * runs it, and a saved session carries it. Screenshot: artifacts/e2e/schedule-picker.png.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { artifacts, type Harness, openApp, startHarness, waitJobDone } from './harness'

let h: Harness
let page: Page
let errors: string[]

beforeAll(async () => {
  h = await startHarness()
  ;({ page, errors } = await openApp(h))
  await page.waitForSelector('[data-testid=optimizer-0]')
})
afterAll(async () => h?.close())

describe('schedule picker', () => {
  it('picks OneCycleLR, charts rate and momentum, runs it and saves it in the session', async () => {
    const card = page.locator('[data-testid=optimizer-0]')
    await card.locator('[data-testid=schedule-class]').first().selectOption('OneCycleLR')
    const chart = card.locator('[data-testid=schedule-chart]')
    await chart.waitFor()
    expect(await chart.locator('path').count()).toBe(2)
    expect(await chart.textContent()).toMatch(/lr .*→.*max/)
    await waitJobDone(page)
    expect(await card.locator('.field-error').count()).toBe(0)
    await card.screenshot({ path: join(artifacts, 'schedule-picker.png') })
    const [d] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=save]')])
    const path = join(artifacts, 'schedule-session.json')
    await d.saveAs(path)
    const doc = JSON.parse(readFileSync(path, 'utf8'))
    const steps = doc.steps as number
    expect(doc.optimizers[0].schedule).toEqual({ name: 'OneCycleLR', max_lr: doc.optimizers[0].lr, total_steps: steps })
    // None: the chart goes, the schedule leaves the entry.
    await card.locator('[data-testid=schedule-class]').first().selectOption('')
    await chart.waitFor({ state: 'detached' })
    expect(errors).toEqual([])
  })
})
