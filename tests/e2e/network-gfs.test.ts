/** @vitest-environment node */
/**
 * The gradient-flow-solution sharpness in the EoS view: on the scalar network ½(xy − 1)² (2-D),
 * "Chart it beside S" starts a job with record.gfs_sharpness whose series is drawn in panel (b)
 * and read out; a float64 network offers the same toggle (its flow runs in all the parameters: src-shared/network/gfs.ts).
 * Screenshots: artifacts/e2e/network-gfs-*.png.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EosAutomationState } from '../../src-renderer/export/automation'
import { type Harness, settle, shot, startHarness, waitJobDone } from './harness'

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

describe('GFS sharpness', () => {
  it('charts the GFS sharpness beside S on the scalar network and reads it out', async () => {
    const doc = {
      landscape: { expr: '0.5*(x*y - 1)^2' },
      optimizers: [{ name: 'sgd', lr: 0.056 }],
      init: [0.2, 6],
      steps: 200,
      record: { every: 1, sharpness: true },
    }
    const loaded = await page.evaluate((text) => window.gradscapeAutomation!.loadSession(text, 'scalar.json'), JSON.stringify(doc))
    expect(loaded.ok).toBe(true)
    await page.evaluate(() => window.gradscapeAutomation!.waitReady(90_000))
    await page.getByTestId('eos-toggle').check()
    // The start lies outside the preset region: fit it so the path is drawn.
    await page.getByTestId('fit-region').click()
    const before = (await eosState()).jobId
    await page.getByTestId('eos-gfs-toggle').click()
    await expect
      .poll(
        async () => {
          const s = await eosState()
          return s.jobId > before && s.done
        },
        { timeout: 90_000, interval: 250 },
      )
      .toBe(true)
    expect(await page.getByTestId('eos-gfs').innerText()).toContain('Hide it')
    // The readout at the last step carries the GFS value: the closed form √((x² − y²)² + 4) there.
    await page.keyboard.press('End')
    await settle(page, 1000)
    const s = await eosState()
    const [x, y] = [s.xy[s.xy.length - 2], s.xy[s.xy.length - 1]]
    const text = await page.getByTestId('eos-readout').innerText()
    const m = /GFS (\S+)/.exec(text)
    expect(m, text).not.toBeNull()
    expect(Number(m![1])).toBeCloseTo(Math.sqrt((x * x - y * y) ** 2 + 4), 2)
    // GD at the edge here (ηS ≥ 2 from the start): the onset is marked.
    expect(s.onsetStep).not.toBeNull()
    await settle(page, 800)
    await shot(page, 'network-gfs-view')
    await shot(page, 'network-gfs-charts', (await page.getByTestId('eos-charts').boundingBox())!)
    expect(errors).toEqual([])
  })

  it('on a float64 network, offers GFS only where the flows fit the work bound, and says why not', async () => {
    await page.locator('[data-network-scene=net_moons]').click()
    await waitJobDone(page)
    // 300 steps of the 65-parameter, 64-example moons net: 301 flows, more than the 180 the bound allows.
    const note = page.getByTestId('eos-gfs')
    await expect.poll(() => note.getAttribute('data-refused'), { timeout: 30_000 }).toBe('true')
    expect(await note.innerText()).toMatch(/301 flows .* at most 180 fit on 65 parameters × 64 examples/)
    expect(await page.getByTestId('eos-gfs-toggle').isDisabled()).toBe(true)
    const steps = page.locator('input[aria-label="steps value"]')
    await steps.fill('100')
    await steps.press('Enter')
    await expect.poll(() => note.getAttribute('data-refused'), { timeout: 30_000 }).toBe(null)
    expect(await page.getByTestId('eos-gfs-toggle').isDisabled()).toBe(false)
    expect(errors).toEqual([])
  })
})
