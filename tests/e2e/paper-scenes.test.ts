/**
 * Paper scenes in the app, in headless Chromium against the web host: clicking a scene in the
 * "From the papers" gallery loads its landscape and optimizers, shows its caption and citation,
 * and draws its trajectories (hiding the runs changes the view; screenshots in
 * artifacts/e2e/paper-*.png). Editing the scene's learning rate takes the caption away.
 */
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findPaperScene } from '../../src-shared/scenes/paper-scenes'
import {
  artifacts,
  type Harness,
  jobId,
  openApp,
  pauseAtEnd,
  pixelDiff,
  sceneClip,
  settle,
  shot,
  startHarness,
  waitJobDone,
} from './harness'

let h: Harness
let page: Page
let errors: string[]

beforeAll(async () => {
  h = await startHarness()
  ;({ page, errors } = await openApp(h))
  await page.locator('[data-testid=paper-gallery]').waitFor({ timeout: 60_000 })
}, 180_000)

afterAll(async () => {
  await h?.close()
})

async function openScene(id: string): Promise<void> {
  const before = await jobId(page)
  await page.click(`[data-paper-scene=${id}]`)
  await expect.poll(() => page.locator('[data-testid=paper-caption]').getAttribute('data-paper-scene'), { timeout: 30_000 }).toBe(id)
  // The first scene may be the page's first job; later ones start a new one.
  if (before >= 0) await expect.poll(() => jobId(page), { timeout: 30_000 }).not.toBe(before)
  await waitJobDone(page)
}

describe('paper scenes in the gallery', () => {
  it.each(['paper_clipping_cliff', 'paper_sam_flat', 'paper_saddle_free_newton'])(
    '%s: caption, citation and drawn trajectories',
    async (id) => {
      const scene = findPaperScene(id)!
      await openScene(id)
      const caption = page.locator('[data-testid=paper-caption]')
      await expect.poll(() => caption.getAttribute('data-paper-scene')).toBe(id)
      expect(await caption.locator('p.description').first().textContent()).toBe(scene.caption)
      expect(await page.locator('[data-testid=paper-citation]').textContent()).toContain(scene.citation.title)
      // One legend entry per optimizer of the scene.
      await expect.poll(() => page.locator('[data-testid=legend] li').count()).toBe(scene.optimizers.length)
      const clip = await sceneClip(page)
      await pauseAtEnd(page)
      await settle(page, 2500)
      const shown = await shot(page, id.replace('paper_', 'paper-'), clip)
      await caption.scrollIntoViewIfNeeded()
      await caption.screenshot({ path: join(artifacts, `${id.replace('paper_', 'paper-')}-caption.png`) })
      // The paths are drawn: hiding every run (the legend's toggles) changes a visible share of the view.
      const toggles = page.locator('[data-testid=legend] li button[aria-pressed]')
      for (let i = 0; i < scene.optimizers.length; i++) await toggles.nth(i).click()
      await settle(page, 2000)
      const hidden = await page.screenshot({ clip })
      for (let i = 0; i < scene.optimizers.length; i++) await toggles.nth(i).click()
      expect(await pixelDiff(h, shown, hidden)).toBeGreaterThan(0.002)
    },
    120_000,
  )

  it('AdEMAMix’s three betas get three rows, and editing β₃ runs (the whole triple is sent)', async () => {
    await openScene('paper_ademamix_slow')
    const row = (k: number) => page.locator(`[data-testid="value-1-betas[${k}]"]`)
    expect(await row(0).inputValue()).toBe('0.9')
    expect(await row(1).inputValue()).toBe('0.999')
    expect(await row(2).inputValue()).toBe('0.99')
    const before = await jobId(page)
    await row(2).fill('0.95')
    await row(2).press('Enter')
    await expect.poll(() => jobId(page), { timeout: 30_000 }).not.toBe(before)
    await waitJobDone(page)
    expect(await page.locator('[data-testid=toast-error]').count()).toBe(0)
    await expect.poll(() => page.locator('[data-testid=paper-caption]').count()).toBe(0) // no longer the scene
  })

  it('the picker marks Gauss–Newton (no residuals here) with the reason and does not add it', async () => {
    const cards = await page.locator('.opt-card').count()
    await page.click('[data-testid=add-optimizer]')
    await page.fill('[data-testid=optimizer-search]', 'gaussnewton')
    const item = page.locator('[data-optimizer=gaussnewton]')
    expect(await item.getAttribute('data-unavailable')).toMatch(/residuals/)
    expect(await page.locator('[data-testid=optimizer-picker-reason]').textContent()).toMatch(
      /Not for this run: needs the landscape as residuals/,
    )
    await page.locator('[data-testid=optimizer-picker]').screenshot({ path: join(artifacts, 'paper-picker-unavailable.png') })
    await item.click({ force: true }) // aria-disabled: Playwright would otherwise wait for it to be enabled
    await page.locator('[data-testid=toast-error]').filter({ hasText: 'gaussnewton' }).waitFor({ timeout: 10_000 })
    expect(await page.locator('.opt-card').count()).toBe(cards)
    await page.keyboard.press('Escape')
  })

  it('editing the scene takes its caption away', async () => {
    await openScene('paper_saddle_free_newton')
    await page.locator('[data-testid=value-1-lr]').fill('0.3')
    await page.locator('[data-testid=value-1-lr]').press('Enter')
    await expect.poll(() => page.locator('[data-testid=paper-caption]').count(), { timeout: 10_000 }).toBe(0)
    expect(errors).toEqual([])
  })
})
