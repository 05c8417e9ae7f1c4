/** @vitest-environment node */
/**
 * Export in a real browser against the web host, and `gradscape render` end to end. Videos are
 * checked with ffprobe (exact frame count, size, codec) and by looking at frames extracted with
 * ffmpeg (drawn, not blank, changing over time). Cancelling leaves no file; a failing write is
 * reported and the session is untouched. Small sizes throughout: SwiftShader draws every pixel
 * on the CPU. Files go to artifacts/e2e/export/.
 */
import { execFile, execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Download, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { artifacts, type Harness, jobId, pixelDiff, pixelStats, root, startHarness } from './harness'

const run = promisify(execFile)
const dir = join(artifacts, 'export')

/** Two optimizers from three starts on Booth: quick to compute and to draw, and it moves. */
const SCENARIO = {
  landscape: { preset: 'booth' },
  optimizers: [
    { name: 'adam', lr: 0.3 },
    { name: 'sgd', lr: 0.01, momentum: 0.9 },
  ],
  init: [
    [-8, 6],
    [6, -7],
    [-4, -8],
  ],
  steps: 120,
  record: { every: 2 },
  view: { region: { x: [-10, 10], y: [-10, 10] } },
}

let h: Harness
let page: Page
let errors: string[]

interface Stream {
  codec_name: string
  width: number
  height: number
  nb_read_frames: string
  r_frame_rate: string
}

function probe(path: string): Stream {
  const out = execFileSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-count_frames',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=codec_name,width,height,nb_read_frames,r_frame_rate',
      '-of',
      'json',
      path,
    ],
    { encoding: 'utf8' },
  )
  return (JSON.parse(out) as { streams: Stream[] }).streams[0]
}

/** Every frame of a video as PNG buffers (ffmpeg). */
function frames(path: string, name: string): Buffer[] {
  const out = join(dir, `${name}-frames`)
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out, { recursive: true })
  execFileSync('ffmpeg', ['-v', 'error', '-i', path, join(out, 'f%03d.png')])
  return readdirSync(out)
    .sort()
    .map((f) => readFileSync(join(out, f)))
}

/** Frames are drawn (many colours, contrast) and change over time. */
async function expectDrawnAndMoving(pngs: Buffer[]): Promise<void> {
  for (const png of pngs) {
    const s = await pixelStats(h, png)
    expect(s.distinct).toBeGreaterThan(150)
    expect(s.lumaStd).toBeGreaterThan(10)
  }
  expect(await pixelDiff(h, pngs[0], pngs[pngs.length - 1])).toBeGreaterThan(0.002)
  let changes = 0
  for (let i = 1; i < pngs.length; i++) if ((await pixelDiff(h, pngs[i - 1], pngs[i], 16)) > 0) changes++
  expect(changes).toBeGreaterThanOrEqual(pngs.length - 2)
}

async function setNumber(testId: string, value: number): Promise<void> {
  const field = page.locator(`[data-testid=${testId}]`)
  await expect
    .poll(async () => {
      await field.fill(String(value))
      return field.inputValue()
    })
    .toBe(String(value))
  await field.press('Enter')
  await expect.poll(() => field.inputValue()).toBe(String(value))
}

async function openTab(tab: 'video' | 'image' | 'chart' | 'data'): Promise<void> {
  if (!(await page.locator('[data-testid=export-dialog]').isVisible())) await page.click('[data-testid=export-open]')
  await page.click(`[data-testid=export-tab-${tab}]`)
}

/** Click `button` and save the download it starts. */
async function downloadFrom(button: string, name: string): Promise<{ path: string; download: Download }> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.click(`[data-testid=${button}]`)])
  const path = join(dir, name)
  await download.saveAs(path)
  await page.locator('[data-testid=export-outcome][data-kind=ok]').waitFor({ timeout: 30_000 })
  return { path, download }
}

/** The Video tab set for a tiny clip. */
async function videoForm(
  codec: 'MP4 · H.264' | 'WebM · VP9' | 'WebM · AV1',
  width: number,
  height: number,
  fps: number,
  seconds: number,
  camera: 'Orbit' | 'Fixed (this view)',
): Promise<void> {
  await openTab('video')
  await page.click(`[data-testid=export-codec] >> text=${codec}`)
  await page.click('[data-testid=export-size] >> text=Custom')
  await setNumber('export-size-width', width)
  await setNumber('export-size-height', height)
  await setNumber('export-fps', fps)
  await page.click('[data-testid=export-timing] >> text=Duration')
  await setNumber('export-duration', seconds)
  await page.click(`[data-testid=export-camera] >> text=${camera}`)
}

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  h = await startHarness()
  const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true })
  page = await context.newPage()
  errors = []
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  await page.goto(`${h.server.url}?automation`)
  await page.waitForFunction(() => window.gradscapeAutomation !== undefined)
  const loaded = await page.evaluate((t) => window.gradscapeAutomation!.loadSession(t, 'export-e2e.json'), JSON.stringify(SCENARIO))
  expect(loaded).toEqual({ ok: true })
  await page.evaluate(() => window.gradscapeAutomation!.waitReady())
  writeFileSync(join(dir, 'scenario.json'), JSON.stringify(SCENARIO, null, 2))
})

afterAll(async () => {
  await h?.close()
})

describe('video export from the app', () => {
  it('writes an MP4 (H.264) with exactly the frames asked for, at the size asked for, drawn and moving', async () => {
    await videoForm('MP4 · H.264', 320, 180, 10, 0.8, 'Orbit')
    expect(await page.getAttribute('[data-testid=export-summary]', 'data-frames')).toBe('8')
    await page.screenshot({ path: join(dir, 'dialog-video.png') })
    const { path, download } = await downloadFrom('export-start', 'app.mp4')
    expect(download.suggestedFilename()).toMatch(/^gradscape-booth-.*\.mp4$/)
    expect(probe(path)).toEqual({ codec_name: 'h264', width: 320, height: 180, nb_read_frames: '8', r_frame_rate: '10/1' })
    expect(await page.textContent('[data-testid=export-outcome]')).toMatch(/Saved .*: 8 frames, 320×180 at 10 fps, avc1\.640028/)
    await expectDrawnAndMoving(frames(path, 'app-mp4'))
  })

  it('writes a WebM (VP9) from a fixed camera: the trajectories alone make the frames change', async () => {
    await videoForm('WebM · VP9', 320, 180, 12, 0.5, 'Fixed (this view)')
    const { path } = await downloadFrom('export-start', 'app.webm')
    expect(probe(path)).toEqual({ codec_name: 'vp9', width: 320, height: 180, nb_read_frames: '6', r_frame_rate: '12/1' })
    await expectDrawnAndMoving(frames(path, 'app-webm'))
  })

  it('cancels from the progress bar: no file, and the dialog says nothing was saved', async () => {
    let downloads = 0
    const count = () => {
      downloads++
    }
    page.on('download', count)
    await videoForm('MP4 · H.264', 320, 180, 30, 20, 'Fixed (this view)') // 600 frames: minutes here
    await page.click('[data-testid=export-start]')
    const progress = page.locator('[data-testid=export-progress]')
    await expect
      .poll(async () => Number(await progress.getAttribute('data-frame').catch(() => '0')), { timeout: 60_000 })
      .toBeGreaterThanOrEqual(2)
    expect(await progress.textContent()).toMatch(/Rendering frame \d+ of 600.*elapsed.*left/)
    await page.screenshot({ path: join(dir, 'dialog-progress.png') })
    await page.click('[data-testid=export-cancel]')
    const outcome = page.locator('[data-testid=export-outcome]')
    await outcome.waitFor({ timeout: 30_000 })
    expect(await outcome.getAttribute('data-kind')).toBe('cancelled')
    expect(await outcome.textContent()).toMatch(/nothing was saved/)
    await page.waitForTimeout(1000)
    page.off('download', count)
    expect(downloads).toBe(0)
  })

  it('reports a failing write, keeps the session, and saves the finished video again on request', async () => {
    const jobBefore = await jobId(page)
    const legendBefore = await page.locator('[data-testid=legend] li').count()
    await videoForm('MP4 · H.264', 160, 90, 10, 0.2, 'Fixed (this view)')
    await page.evaluate(() => window.gradscapeAutomation!.simulateWriteFailure('no space left on the device (simulated)'))
    let downloads = 0
    const count = () => {
      downloads++
    }
    page.on('download', count)
    await page.click('[data-testid=export-start]')
    const outcome = page.locator('[data-testid=export-outcome]')
    await outcome.waitFor({ timeout: 60_000 })
    expect(await outcome.getAttribute('data-kind')).toBe('error')
    expect(await outcome.textContent()).toMatch(
      /Could not save gradscape-booth-.*\.mp4: no space left on the device \(simulated\)\. Nothing else changed/,
    )
    expect(await page.textContent('[data-testid=toast-error]')).toMatch(/no space left/)
    page.off('download', count)
    expect(downloads).toBe(0)
    // The session is as it was: same job on screen, same optimizers, nothing re-run.
    expect(await jobId(page)).toBe(jobBefore)
    expect(await page.locator('[data-testid=legend] li').count()).toBe(legendBefore)
    await page.screenshot({ path: join(dir, 'dialog-write-failed.png') })
    // "Save again…" writes the same video without rendering it again.
    const { path } = await downloadFrom('export-save-again', 'retry.mp4')
    expect(probe(path)).toMatchObject({ codec_name: 'h264', width: 160, height: 90, nb_read_frames: '2' })
    expect(await page.textContent('[data-testid=export-outcome]')).toMatch(/^Saved gradscape-booth-.*\.mp4 \(Downloads\): 2 frames, 160×90/)
  })
})

describe('images and data from the app', () => {
  it('exports a PNG of the view at a chosen resolution', async () => {
    await openTab('image')
    await page.click('[data-testid=image-size] >> text=Custom')
    await setNumber('image-size-width', 640)
    await setNumber('image-size-height', 400)
    await page.click('[data-testid=image-overlay-title]')
    const { path } = await downloadFrom('image-start', 'view.png')
    const s = await pixelStats(h, readFileSync(path))
    expect([s.width, s.height]).toEqual([640, 400])
    expect(s.distinct).toBeGreaterThan(300)
  })

  it('exports the loss chart as PNG and as SVG', async () => {
    await openTab('chart')
    await setNumber('chart-width', 600)
    await setNumber('chart-height', 300)
    const png = await downloadFrom('chart-png', 'loss.png')
    expect(png.download.suggestedFilename()).toMatch(/-loss\.png$/)
    const s = await pixelStats(h, readFileSync(png.path))
    expect([s.width, s.height]).toEqual([1200, 600]) // 2× by default
    expect(s.distinct).toBeGreaterThan(50)
    const svg = await downloadFrom('chart-svg', 'loss.svg')
    const text = readFileSync(svg.path, 'utf8')
    expect(text).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="600" height="300"/)
    expect(text.match(/<path /g)?.length).toBe(3 + 3 + 2) // every run, and each optimizer's median
    expect(text).toContain('Adam')
  })

  it('exports the trajectories as CSV and JSON with their hyperparameters, all runs or the shown ones', async () => {
    await openTab('data')
    const csv = await downloadFrom('data-csv', 'trajectories.csv')
    const lines = readFileSync(csv.path, 'utf8').trimEnd().split('\n')
    expect(lines[0]).toMatch(/^run,optimizer,lr,betas\[0\],betas\[1\],eps,.*momentum.*,init_x,init_y,step,x,y,loss,diverged_at$/)
    expect(lines).toHaveLength(1 + 6 * 61)
    expect(lines[1]).toMatch(/^0,adam,0\.3,0\.9,0\.999,1e-8,.*,-8,6,0,-8,6,[\d.e+-]+,$/)
    expect(lines[lines.length - 1]).toMatch(/^5,sgd,0\.01,.*,0\.9,.*,-4,-8,120,/)

    const json = await downloadFrom('data-json', 'trajectories.json')
    const doc = JSON.parse(readFileSync(json.path, 'utf8')) as {
      scenario: Record<string, unknown>
      every: number
      runs: Array<{ optimizer: Record<string, unknown>; init: number[]; trajectory: unknown[]; loss: unknown[] }>
    }
    expect(doc.every).toBe(2)
    expect(doc.scenario).toMatchObject({ landscape: { preset: 'booth' }, steps: 120 })
    expect(doc.runs).toHaveLength(6)
    expect(doc.runs[0].optimizer).toMatchObject({ name: 'adam', lr: 0.3, betas: [0.9, 0.999], eps: 1e-8 })
    expect(doc.runs[3].optimizer).toMatchObject({ name: 'sgd', lr: 0.01, momentum: 0.9, dampening: 0, nesterov: false })
    expect(doc.runs[4].init).toEqual([6, -7])
    expect(doc.runs[0].trajectory).toHaveLength(61)

    // Hide Adam in the legend: "shown optimizers" exports SGD's three runs only.
    await page.keyboard.press('Escape')
    await page.locator('[data-testid=legend] li button').first().click()
    await openTab('data')
    await page.click('[data-testid=data-selection] >> text=Shown optimizers')
    const shown = await downloadFrom('data-json', 'trajectories-shown.json')
    const only = JSON.parse(readFileSync(shown.path, 'utf8')) as { runs: Array<{ optimizer: { name: string } }> }
    expect(only.runs.map((r) => r.optimizer.name)).toEqual(['sgd', 'sgd', 'sgd'])
    await page.keyboard.press('Escape')
    await page.locator('[data-testid=legend] li button').first().click()
    expect(errors).toEqual([])
  })
})

describe('gradscape render (headless, the same renderer)', () => {
  const cli = (...args: string[]) => run(process.execPath, [join(root, 'scripts/cli.mjs'), ...args], { cwd: root, timeout: 180_000 })
  const scenario = join(dir, 'scenario.json')

  it('renders an MP4 and a WebM (AV1) frame-exact, with the title and an orbiting camera', async () => {
    const mp4 = join(dir, 'cli.mp4')
    const r = await cli(
      'render',
      scenario,
      '--out',
      mp4,
      '--frames',
      '8',
      '--size',
      '320x180',
      '--fps',
      '8',
      '--camera',
      'orbit',
      '--title',
      'Booth race',
    )
    expect(r.stderr).toMatch(/^8 frames, 320x180 at 8 fps, avc1\.640028 → .*cli\.mp4 \(/)
    expect(probe(mp4)).toEqual({ codec_name: 'h264', width: 320, height: 180, nb_read_frames: '8', r_frame_rate: '8/1' })
    await expectDrawnAndMoving(frames(mp4, 'cli-mp4'))

    const webm = join(dir, 'cli.webm')
    await cli(
      'render',
      scenario,
      '--out',
      webm,
      '--codec',
      'av1',
      '--frames',
      '6',
      '--size',
      '256x144',
      '--fps',
      '24',
      '--steps',
      '0:60',
      '--overlays',
      'steps',
    )
    expect(probe(webm)).toEqual({ codec_name: 'av1', width: 256, height: 144, nb_read_frames: '6', r_frame_rate: '24/1' })
    await expectDrawnAndMoving(frames(webm, 'cli-webm'))
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('refuses bad arguments and an unwritable output with one line, a non-zero exit and no file', async () => {
    const cases: Array<[string[], RegExp, number]> = [
      [['render', scenario, '--out', join(dir, 'x.avi')], /^error: --out must end in \.mp4 .*\n$/, 2],
      [['render', scenario, '--out', join(dir, 'x.mp4'), '--size', '321x180'], /^error: --size must be even .*\n$/, 2],
      [['render', scenario, '--out', join(dir, 'x.mp4'), '--frames', 'many'], /^error: --frames must be a whole number .*\n$/, 2],
      [
        ['render', join(dir, 'missing.json'), '--out', join(dir, 'x.mp4')],
        /^error: cannot read .*missing\.json: no such file or directory\n$/,
        1,
      ],
      [['render', scenario, '--out', join(dir, 'no-such-dir', 'x.mp4')], /^error: cannot write .*x\.mp4: no such file or directory\n$/, 1],
      [['render', scenario, '--out', join(scenario, 'x.mp4')], /^error: cannot write .*x\.mp4: not a directory\n$/, 1],
      [
        ['render', scenario, '--out', join(dir, 'x.mp4'), '--chromium', '/nonexistent/chromium'],
        /^error: cannot run Chromium at \/nonexistent\/chromium .*\n$/,
        1,
      ],
    ]
    for (const [args, message, code] of cases) {
      const err = await cli(...args).then(
        () => null,
        (e: { code: number; stderr: string }) => e,
      )
      expect(err, args.join(' ')).not.toBeNull()
      expect(err!.code).toBe(code)
      expect(err!.stderr).toMatch(message)
    }
    const bad = join(dir, 'bad-scenario.json')
    writeFileSync(bad, JSON.stringify({ ...SCENARIO, optimizers: [{ name: 'adam', lr: -1 }] }))
    const err = await cli('render', bad, '--out', join(dir, 'x.mp4')).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    )
    expect(err?.code).toBe(1)
    expect(err?.stderr).toMatch(/^error: optimizers\[0\]\.lr: .*\n$/)
    expect(existsSync(join(dir, 'x.mp4'))).toBe(false)
    expect(existsSync(join(dir, 'x.avi'))).toBe(false)
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })
})
