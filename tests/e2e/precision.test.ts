/** @vitest-environment node */
/**
 * The precision switch in a real browser: the first-launch scene re-runs on the float32 kernels
 * (our WebAssembly SIMD kernel here) through the web host; the playback bar names the backend that ran
 * it, the legend's final losses agree with the float64 run's, and undo returns to float64.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Harness, jobDone, jobId, openApp, shot, startHarness } from './harness'

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

const status = () => page.getByTestId('job-status').innerText()
/** Final median loss per optimizer, as the legend prints it. */
const legendLosses = async () => (await page.getByTestId('legend').innerText()).match(/\d\.\d\de[+-]\d+/g)?.map(Number) ?? []

async function waitForNewJob(before: number): Promise<void> {
  await expect.poll(() => jobId(page), { timeout: 60_000, interval: 100 }).not.toBe(before)
  await expect.poll(() => jobDone(page), { timeout: 120_000, interval: 100 }).toBe(true)
}

describe('precision', () => {
  it('runs the scene on the float32 kernels and back, with the same outcome', async () => {
    await expect.poll(() => jobDone(page), { timeout: 60_000, interval: 100 }).toBe(true)
    expect(await status()).toMatch(/float64 JS/)
    const f64 = await legendLosses()
    expect(f64.length).toBeGreaterThan(1)

    const first = await jobId(page)
    await page.getByTestId('precision').getByRole('radio', { name: 'float32 kernels' }).click()
    await waitForNewJob(first)
    // Without a GPU the automatic backend is our WebAssembly SIMD kernel.
    expect(await status()).toMatch(/float32 (wasm-simd|gpu\.js \w+Kernel)/)
    expect(await page.getByTestId('connection').innerText()).toMatch(/float32 kernels/)
    const f32 = await legendLosses()
    await shot(page, 'precision-float32') // the scene as streamed from the float32 kernel's run-major chunks
    expect(f32).toHaveLength(f64.length)
    // The same optimizers converge (float32 ends nearer its own resolution, ~1e-13 … 1e-7 here),
    // and medians well above that resolution agree.
    f64.forEach((v, i) => {
      expect(f32[i] < 1e-3, `optimizer ${i}: ${v} vs ${f32[i]}`).toBe(v < 1e-3)
      if (v > 1e-4) expect(Math.abs(f32[i] - v)).toBeLessThan(1e-2 * (1 + v))
    })

    const second = await jobId(page)
    await page.keyboard.press('Control+z')
    await waitForNewJob(second)
    expect(await status()).toMatch(/float64 JS/)
    expect(await legendLosses()).toEqual(f64)
    expect(errors).toEqual([])
  })
})
