/** @vitest-environment node */
/**
 * Race mode and the optimizer picker in a real browser. The picker finds an optimizer by its paper
 * and adds it with the keyboard. A race of seven optimizers on Himmelblau (the scenario's four plus
 * three added through the race's own picker) searches each learning rate on a log grid in one
 * sweep job, races them at their best rates from the scenario's 12 starts and ranks them in a
 * table with a row per optimizer; the CSV export holds the same rows. The distance objective is
 * offered on Himmelblau (its minima are known) and refused with a reason on a custom expression.
 * Screenshots: artifacts/e2e/race-picker.png, race-table.png.
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
})

afterAll(async () => {
  await h?.close()
})

/** Add an optimizer through a picker: open it, type, Enter. */
async function pick(scope: ReturnType<Page['locator']>, query: string): Promise<void> {
  await scope.getByTestId('add-optimizer').click()
  const search = scope.getByTestId('optimizer-search')
  await search.fill(query)
  await search.press('Enter')
}

describe('optimizer picker', () => {
  it('groups by family, searches by paper, shows the rule, and adds with the keyboard', async () => {
    await waitJobDone(page)
    const panel = page.locator('[data-testid=panel-optimizers]')
    await panel.getByTestId('add-optimizer').click()
    const picker = panel.getByTestId('optimizer-picker')
    const families = await picker.locator('[role=group]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.family))
    expect(families[0]).toBe('torch')
    expect(await picker.locator('[role=option]').count()).toBeGreaterThanOrEqual(12)
    const search = panel.getByTestId('optimizer-search')
    await search.fill('loshchilov')
    expect(await picker.locator('[role=option]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.optimizer))).toEqual([
      'adamw',
    ])
    expect(await picker.getByTestId('optimizer-picker-rule').innerText()).toMatch(/AdamW: .*θ ← θ\(1 − γλ\)/)
    await search.fill('ada')
    await search.press('ArrowDown')
    const second = await picker.locator('[role=option][aria-selected=true]').getAttribute('data-optimizer')
    await picker.screenshot({ path: join(artifacts, 'race-picker.png') })
    await search.press('Enter')
    await expect.poll(() => page.locator('[data-testid=optimizer-4]').getAttribute('data-optimizer')).toBe(second)
    expect(await panel.getByTestId('optimizer-picker').count()).toBe(0) // closed after adding
    await page.locator('[data-testid=remove-4]').click()
    await waitJobDone(page)
  })
})

describe('race', () => {
  it('ranks seven optimizers at their searched learning rates, a row each with sensible values, and exports CSV', async () => {
    const panel = page.locator('[data-testid=panel-race]')
    await panel.locator('.section-toggle').click()
    for (const q of ['adagrad', 'adamax', 'nadam']) await pick(panel, q)
    const entries = await panel.locator('.race-entry').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.optimizer))
    expect(entries).toEqual(['sgd', 'sgd', 'adam', 'rmsprop', 'adagrad', 'adamax', 'nadam'])
    const steps = panel.getByTestId('race-steps')
    await steps.fill('200')
    await steps.press('Enter')
    expect(await panel.getByTestId('race-tune').isChecked()).toBe(true)
    await panel.getByTestId('race-run').click()
    const table = panel.getByTestId('race-table')
    await table.waitFor({ timeout: 120_000 })

    const rows = await table.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => {
        const d = (tr as HTMLElement).dataset
        return {
          name: d.optimizer!,
          rank: Number(d.rank),
          median: Number(d.median),
          diverged: Number(d.diverged),
          cells: [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''),
        }
      }),
    )
    expect(rows).toHaveLength(7)
    expect(rows.map((r) => r.name).sort()).toEqual(['adagrad', 'adam', 'adamax', 'nadam', 'rmsprop', 'sgd', 'sgd'])
    for (const r of rows) {
      // The loss on Himmelblau is ≥ 0; at its best rate every optimizer has a median value.
      expect(r.median).toBeGreaterThanOrEqual(0)
      expect(Number.isFinite(r.median)).toBe(true)
      expect(r.diverged).toBeGreaterThanOrEqual(0)
      expect(r.diverged).toBeLessThanOrEqual(12)
      const lr = Number(r.cells[2].replace(/[*!]/g, ''))
      expect(r.cells[2]).toMatch(/^[\d.e-]+\*!?$/) // searched (! : at an end of the grid)
      expect(lr).toBeGreaterThanOrEqual(1e-4)
      expect(lr).toBeLessThanOrEqual(1)
    }
    // Ranked: ranks ascend and medians never decrease down the table.
    for (let k = 1; k < rows.length; k++) {
      expect(rows[k].rank).toBeGreaterThanOrEqual(rows[k - 1].rank)
      expect(rows[k].median).toBeGreaterThanOrEqual(rows[k - 1].median)
    }
    // 300 → 200 steps and 12 starts, stated in the caption.
    expect(await panel.getByTestId('race-results').innerText()).toMatch(
      /7 optimizers × 12 starts × 200 steps, ranked by median final loss; lr searched on 13/,
    )
    await panel.getByTestId('race-results').screenshot({ path: join(artifacts, 'race-table.png') })

    const [download] = await Promise.all([page.waitForEvent('download'), panel.getByTestId('race-csv').click()])
    expect(download.suggestedFilename()).toBe('race.csv')
    const path = join(artifacts, 'race.csv')
    await download.saveAs(path)
    const lines = readFileSync(path, 'utf8').trimEnd().split('\r\n')
    expect(lines[0]).toMatch(/^rank,optimizer,label,lr,lr_tuned,lr_at_grid_edge,objective,median,/)
    expect(lines).toHaveLength(8)
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(rows.map((r) => r.name))
    expect(errors).toEqual([])
  })

  it('races on steps to a tolerance: whole step counts within the budget, or never', async () => {
    const panel = page.locator('[data-testid=panel-race]')
    await panel.getByTestId('race-objective').getByRole('radio', { name: 'Steps to tol.' }).click()
    const tol = panel.locator('input[aria-label="race tolerance"]')
    await tol.fill('1e-6')
    await tol.press('Enter')
    const before = await panel.getByTestId('race-results').innerText()
    await panel.getByTestId('race-run').click()
    await expect.poll(() => panel.getByTestId('race-results').getAttribute('data-objective'), { timeout: 120_000 }).toBe('tolerance')
    expect(await panel.getByTestId('race-results').innerText()).not.toBe(before)
    const medians = await panel
      .getByTestId('race-table')
      .locator('tbody tr td:nth-child(4)')
      .evaluateAll((tds) => tds.map((td) => td.textContent ?? ''))
    expect(medians).toHaveLength(7)
    for (const m of medians) {
      if (m === 'never' || m === 'diverged') continue
      expect(Number.isInteger(Number(m))).toBe(true)
      expect(Number(m)).toBeGreaterThan(0)
      expect(Number(m)).toBeLessThanOrEqual(200)
    }
    expect(medians.filter((m) => /^\d+$/.test(m)).length).toBeGreaterThanOrEqual(4)
    expect(await panel.getByTestId('race-results').innerText()).toMatch(/ranked by median steps to tolerance \(loss ≤ 1e-6\)/)
    await panel.getByTestId('race-results').screenshot({ path: join(artifacts, 'race-table-tolerance.png') })
  })

  it('offers the distance to the nearest known minimum on Himmelblau and refuses it on a custom expression', async () => {
    const panel = page.locator('[data-testid=panel-race]')
    await panel.getByTestId('race-objective').getByRole('radio', { name: 'Dist. to min.' }).click()
    expect(await panel.getByTestId('race-problem').count()).toBe(0)
    expect(await panel.getByTestId('race-run').isEnabled()).toBe(true)
    const expr = page.getByTestId('expr-input')
    await expr.fill('x^2 + 3*y^2')
    await expr.press('Enter')
    await expect.poll(() => panel.getByTestId('race-problem').count(), { timeout: 20_000 }).toBe(1)
    expect(await panel.getByTestId('race-problem').innerText()).toMatch(/no known minima/)
    expect(await panel.getByTestId('race-run').isDisabled()).toBe(true)
  })
})
