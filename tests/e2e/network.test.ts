/** @vitest-environment node */
/**
 * A network landscape in a real browser: the gallery's two-moons scene (MLP 2-16-1, tanh, 64
 * points, GD at η = 0.24) trains in the engine worker; the EoS view's onset is where ηS first
 * reaches 2, the 3-D view draws the slice through the start with the projected path on it, the
 * network panel describes the net and plots its data, and the readout names the slice's loss,
 * the true loss and the distance off the plane. Screenshots: artifacts/e2e/network-*.png.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EosAutomationState } from '../../src-renderer/export/automation'
import { artifacts, type Harness, pixelStats, sceneClip, settle, shot, startHarness } from './harness'

let h: Harness
let page: Page
const errors: string[] = []

const eosState = () => page.evaluate(() => window.gradscapeAutomation!.eosState()) as Promise<EosAutomationState>

/** Whether the drawn region contains every point of the path and is at most three times its extent. */
function fitsPath(s: EosAutomationState): boolean {
  const a = s.xy.filter((_, i) => i % 2 === 0)
  const b = s.xy.filter((_, i) => i % 2 === 1)
  const span = Math.max(Math.max(...a) - Math.min(...a), Math.max(...b) - Math.min(...b))
  const { x, y } = s.region
  const inside = x[0] < Math.min(...a) && x[1] > Math.max(...a) && y[0] < Math.min(...b) && y[1] > Math.max(...b)
  return inside && x[1] - x[0] <= 3 * span && y[1] - y[0] <= 3 * span
}

/** The readout's number in element `id`. */
const readNumber = async (id: string) => Number(await page.textContent(`[data-testid=${id}]`))

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

describe('network landscape', () => {
  it('trains the two-moons net to the edge of stability and draws its slice', async () => {
    const scene = page.locator('[data-network-scene=net_moons]')
    await scene.waitFor({ timeout: 60_000 })
    const before = (await eosState()).jobId
    await scene.click()
    await page.locator('[data-testid=eos-view]').waitFor()
    await expect
      .poll(
        async () => {
          const s = await eosState()
          return s.jobId > before && s.done && s.xy.length === 2 * 301
        },
        { timeout: 90_000, interval: 250 },
      )
      .toBe(true)
    const s = await eosState()
    // GD at η = 0.24 starts at ηS ≈ 1.82 and sharpens to 2 near step 171 (cli run of the same scenario).
    expect(s.onsetStep).not.toBeNull()
    expect(s.onsetStep!).toBeGreaterThan(100)
    expect(s.onsetStep!).toBeLessThan(250)
    await expect.poll(() => page.getAttribute('[data-testid=eos-charts]', 'data-onset')).toBe(String(s.onsetStep))
    // The path is projected onto the slice through the start: it starts at the plane's origin and moves.
    expect(Math.abs(s.xy[0])).toBeLessThan(1e-6)
    expect(Math.abs(s.xy[1])).toBeLessThan(1e-6)
    expect(Math.hypot(s.xy[600], s.xy[601])).toBeGreaterThan(1e-3)
    // The drawn region fits the path (with a margin) instead of the default [−1, 1].
    await expect.poll(async () => fitsPath(await eosState())).toBe(true)

    // The panel describes the network and plots its data.
    await expect.poll(() => page.textContent('[data-testid=network-layers]')).toContain('2 → 16 → 1 (65 parameters)')
    expect(await page.textContent('[data-testid=network-dataset]')).toContain('moons, 64 examples')
    expect(await page.textContent('[data-testid=network-init]')).toContain('lecun_normal, seed 0')

    // The readout at the playhead: slice loss, true loss and distance off the plane, all finite;
    // at the last step the point is off the plane, so the slice's loss differs from the true loss.
    const readout = page.locator('[data-testid=slice-readout]')
    await readout.waitFor()
    await page.keyboard.press('End')
    await settle(page, 1500)
    const num = async (id: string) => Number(await page.textContent(`[data-testid=${id}]`))
    const off = await num('off-plane')
    const sliceLoss = await num('slice-loss')
    const trueLoss = await num('true-loss')
    expect(off).toBeGreaterThan(0)
    expect(Number.isFinite(sliceLoss)).toBe(true)
    expect(Number.isFinite(trueLoss)).toBe(true)
    expect(sliceLoss).not.toBe(trueLoss)

    // The slice renders: the scene holds a coloured surface, not a blank view.
    const stats = await pixelStats(h, await shot(page, 'network-scene', await sceneClip(page)))
    expect(stats.distinct).toBeGreaterThan(40)
    expect(stats.lumaStd).toBeGreaterThan(8)
    const charts = page.locator('[data-testid=eos-charts]')
    await shot(page, 'network-eos-charts', (await charts.boundingBox())!)
    await shot(page, 'network-view')
    // The panel with its data plot (64 points coloured by class), and the slice seen from above.
    const panel = page.locator('[data-testid=network-panel]')
    await panel.scrollIntoViewIfNeeded()
    const plot = await pixelStats(h, await shot(page, 'network-panel', (await panel.boundingBox())!))
    expect(plot.distinct).toBeGreaterThan(20)
    await page.locator('[data-testid=view-mode]').getByText('Top', { exact: true }).click()
    await settle(page, 1500)
    await shot(page, 'network-top')
    expect(errors).toEqual([])
  })

  it('charts the central flow’s predicted loss for the network and disables "Restart flow here" with a reason', async () => {
    // Continues the two-moons session: turning the flow on starts a new job, whose flow follows.
    const before = (await eosState()).jobId
    await page.locator('[data-testid=central-flow]').check()
    await expect
      .poll(
        async () => {
          const s = await eosState()
          return s.jobId > before && s.done && s.flowPredictedLoss !== null
        },
        { timeout: 120_000, interval: 250 },
      )
      .toBe(true)
    const s = await eosState()
    const predicted = s.flowPredictedLoss!
    expect(predicted.length).toBe(301)
    // L + ½⟨H, Σ⟩ beside the smoothed loss: finite at the start, where it equals the loss (Σ = 0
    // before the edge), and within a factor of the smoothed loss where both exist.
    expect(predicted[0]).toBeCloseTo(s.smoothedLoss[0], 6)
    const both = predicted.map((p, k) => [p, s.smoothedLoss[k]]).filter(([p, q]) => Number.isFinite(p) && Number.isFinite(q))
    expect(both.length).toBeGreaterThan(100)
    const gaps = both.map(([p, q]) => Math.abs(p - q) / q).sort((a, b) => a - b)
    expect(gaps[Math.floor(gaps.length / 2)]).toBeLessThan(0.2)
    await expect.poll(() => page.getAttribute('[data-testid=eos-charts]', 'data-flows')).toBe('1')
    expect(await page.locator('[data-testid=eos-no-flow]').count()).toBe(0)
    expect(await page.textContent('[data-testid=eos-network-flow]')).toContain('not drawn on the slice')
    const restart = page.locator('[data-testid=eos-restart]')
    expect(await restart.isDisabled()).toBe(true)
    expect(await restart.getAttribute('data-reason')).toMatch(/projection onto the slice/)
    const charts = page.locator('[data-testid=eos-charts]')
    await shot(page, 'network-flow-charts', (await charts.boundingBox())!)
    await shot(page, 'network-flow-view')
    // Turning the flow off starts another job: wait for it, so the next test's job is the next one.
    const flowJob = (await eosState()).jobId
    await page.locator('[data-testid=central-flow]').uncheck()
    await expect
      .poll(
        async () => {
          const t = await eosState()
          return t.jobId > flowJob && t.done
        },
        { timeout: 90_000, interval: 250 },
      )
      .toBe(true)
    expect(errors).toEqual([])
  })

  it('switches the slice to PCA of the path: the path ends at the plane’s origin, on the plane, and the region fits it', async () => {
    const before = (await eosState()).jobId
    await page.locator('[data-testid=network-slice]').selectOption('pca')
    await expect
      .poll(
        async () => {
          const s = await eosState()
          return s.jobId > before && s.done && s.xy.length === 2 * 301
        },
        { timeout: 90_000, interval: 250 },
      )
      .toBe(true)
    const s = await eosState()
    expect(await page.textContent('[data-testid=network-slice-text]')).toContain('top two principal directions of the path')
    // Centred at the end: the last point is the origin; the first is not.
    expect(Math.hypot(s.xy[600], s.xy[601])).toBeLessThan(1e-5)
    expect(Math.hypot(s.xy[0], s.xy[1])).toBeGreaterThan(1e-3)
    await expect.poll(async () => fitsPath(await eosState())).toBe(true)
    // At the end the parameters lie on the plane: no distance off it, and the slice's loss there is the true loss.
    await page.keyboard.press('End')
    await settle(page, 1500)
    expect(await readNumber('off-plane')).toBeLessThan(1e-4)
    expect(await readNumber('slice-loss')).toBeCloseTo(await readNumber('true-loss'), 3)
    // Earlier the parameters are off the plane, and the readout says by how much.
    await page.keyboard.press('Home')
    await settle(page, 1000)
    expect(await readNumber('off-plane')).toBeGreaterThan(0)
    await page.locator('[data-testid=view-mode]').getByText('3-D', { exact: true }).click()
    await page.keyboard.press('End')
    await settle(page, 1500)
    const stats = await pixelStats(h, await shot(page, 'network-pca-scene', await sceneClip(page)))
    expect(stats.distinct).toBeGreaterThan(40)
    expect(stats.lumaStd).toBeGreaterThan(8)
    // The surface of the PCA plane was sampled (a failed request would say so in an error toast).
    expect(await page.locator('[data-testid=toast-error]').count()).toBe(0)
    await shot(page, 'network-pca-view')
    await page.locator('[data-testid=view-mode]').getByText('Top', { exact: true }).click()
    await settle(page, 1500)
    await shot(page, 'network-pca-top')
    expect(errors).toEqual([])
  })

  it('runs the learning-rate ensemble scene as one sweep: the onset appears only for the larger η, with its caption', async () => {
    const scene = page.locator('[data-network-scene=net_lr_ensemble]')
    await scene.scrollIntoViewIfNeeded()
    const before = (await eosState()).jobId
    await scene.click()
    await expect
      .poll(
        async () => {
          const s = await eosState()
          return s.jobId > before && s.done && s.xy.length === 2 * 1501
        },
        { timeout: 240_000, interval: 500 },
      )
      .toBe(true)
    const runs = page.locator('select[aria-label="EoS run"]')
    expect(await runs.locator('option').count()).toBe(4)
    // Run 0 is η = 0.06: it never reaches the edge. Run 3 is η = 0.13: the Chebyshev reference's onset.
    expect((await eosState()).onsetStep).toBeNull()
    await runs.selectOption('3')
    await expect.poll(async () => (await eosState()).onsetStep).toBe(225)
    await runs.selectOption('2')
    await expect.poll(async () => (await eosState()).onsetStep).toBe(1457)
    const caption = await page.textContent('[data-testid=eos-caption]')
    expect(caption).toContain('Pick each run')
    expect(caption).toContain('Gradient Descent on Neural Networks Typically Occurs at the Edge of Stability')
    await settle(page, 800)
    await shot(page, 'network-ensemble-view')
    expect(errors).toEqual([])
  })

  it('opens a network scenario file (File ▸ Open) and trains it in the worker', async () => {
    const file = join(artifacts, 'network-scenario.json')
    const doc = {
      landscape: {
        network: {
          layers: [1, 12, 1],
          activation: 'tanh',
          loss: 'mse',
          data: { dataset: 'chebyshev', degree: 3, n: 20 },
          init: { seed: 1 },
        },
      },
      optimizer: { name: 'sgd', lr: 0.05 },
      steps: 80,
      record: { every: 1, sharpness: true },
      slice: { directions: 'pca', center: 'end' },
    }
    writeFileSync(file, JSON.stringify(doc))
    const before = (await eosState()).jobId
    await page.setInputFiles('[data-testid=file-input]', file)
    await expect
      .poll(
        async () => {
          const s = await eosState()
          return s.jobId > before && s.done && s.xy.length === 2 * 81
        },
        { timeout: 60_000, interval: 250 },
      )
      .toBe(true)
    await expect.poll(() => page.textContent('[data-testid=network-layers]')).toContain('1 → 12 → 1 (37 parameters)')
    expect(await page.textContent('[data-testid=network-dataset]')).toContain('chebyshev, 20 examples')
    // A PCA slice centred at the end is drawn as asked (the engine trains the run once beforehand):
    // the path ends at the plane's origin.
    expect(await page.textContent('[data-testid=network-slice-text]')).toContain('top two principal directions of the path')
    const s = await eosState()
    expect(Math.hypot(s.xy[160], s.xy[161])).toBeLessThan(1e-5)
    expect(errors).toEqual([])
  })
})
