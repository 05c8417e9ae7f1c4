/**
 * `gradscape render SCENARIO.json --out FILE.mp4|FILE.webm ...`: a video of a scenario, drawn by
 * the app's own renderer in headless Chromium. The web host starts in this process on a loopback
 * port, Chromium (playwright-core; /usr/bin/chromium unless --chromium) opens the app with
 * `?automation`, the scenario is loaded like File ▸ Open, and the Export dialog's own video path
 * runs: every frame rendered offscreen at its exact step and encoded by WebCodecs with explicit
 * timestamps. The download lands in a temporary file beside FILE and is renamed at the end.
 *
 * Bad arguments, an invalid scenario, a missing Chromium or an unwritable FILE are reported in
 * one line before anything starts; nothing is written unless the whole video is.
 */
import { accessSync, closeSync, constants, existsSync, openSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { errnoText } from './errno'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { parseScenarioText, ScenarioError } from '../../src-shared/scenario'
import {
  ALL_OVERLAYS,
  CODECS,
  MAX_FPS,
  MAX_FRAMES,
  type Overlays,
  parseSize,
  sizeProblem,
  type VideoCodecChoice,
} from '../../src-renderer/export/options'
import type { AutomationResult } from '../../src-renderer/export/automation'

export const RENDER_USAGE = `  gradscape render SCENARIO.json --out FILE.mp4|FILE.webm [--frames N] [--size WxH] [--fps F]
      [--camera fixed|orbit] [--title T] [--codec h264|vp9|av1] [--steps FROM:TO]
      [--overlays title,steps,legend,chart|none] [--chromium PATH]
      a video of the scenario drawn by the app's renderer in headless Chromium, frame-exact
      (defaults: 150 frames, 1280x720, 30 fps, fixed camera, all overlays; .mp4 = H.264,
      .webm = VP9 unless --codec av1; Chromium at /usr/bin/chromium)`

/** A problem with the command line or its inputs: one line, exit 2 (usage) or 1. */
export class RenderError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message)
  }
}

export interface RenderArgs {
  readonly scenario: string
  readonly out: string
  readonly frames: number
  readonly width: number
  readonly height: number
  readonly fps: number
  readonly camera: 'fixed' | 'orbit'
  readonly title?: string
  readonly codec: VideoCodecChoice
  readonly steps?: readonly [number, number]
  readonly overlays: Overlays
  readonly chromium: string
}

export const DEFAULT_CHROMIUM = '/usr/bin/chromium'

const usage = (message: string) => new RenderError(message, 2)

function positiveInt(flag: string, v: string, max: number): number {
  const n = Number(v)
  if (!/^\d+$/.test(v.trim()) || !Number.isInteger(n) || n < 1 || n > max)
    throw usage(`${flag} must be a whole number from 1 to ${max}, got '${v}'`)
  return n
}

/** Parse and check the arguments after `render` (no file system access). */
export function parseRenderArgs(args: readonly string[]): RenderArgs {
  let scenario: string | undefined
  let out: string | undefined
  let frames = 150
  let size: [number, number] = [1280, 720]
  let fps = 30
  let camera: 'fixed' | 'orbit' = 'fixed'
  let title: string | undefined
  let codec: VideoCodecChoice | undefined
  let steps: [number, number] | undefined
  let overlays: Overlays = ALL_OVERLAYS
  let chromium = process.env.GRADSCAPE_CHROMIUM || DEFAULT_CHROMIUM
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    const eq = a.startsWith('--') ? a.indexOf('=') : -1
    const flag = eq > 0 ? a.slice(0, eq) : a
    const value = () => {
      if (eq > 0) return a.slice(eq + 1)
      const v = args[++i]
      if (v === undefined) throw usage(`${flag} needs a value`)
      return v
    }
    switch (flag) {
      case '--out':
      case '-o':
        out = value()
        break
      case '--frames':
        frames = positiveInt('--frames', value(), MAX_FRAMES)
        break
      case '--fps': {
        const v = value()
        const n = Number(v)
        if (!/^\d+(\.\d+)?$/.test(v.trim()) || !(n >= 1 && n <= MAX_FPS))
          throw usage(`--fps must be a number from 1 to ${MAX_FPS}, got '${v}'`)
        fps = n
        break
      }
      case '--size': {
        const v = value()
        const s = parseSize(v)
        if (!s) throw usage(`--size must be WIDTHxHEIGHT (e.g. 1280x720), got '${v}'`)
        size = s
        break
      }
      case '--camera': {
        const v = value()
        if (v !== 'fixed' && v !== 'orbit') throw usage(`--camera must be fixed or orbit, got '${v}'`)
        camera = v
        break
      }
      case '--title':
        title = value()
        break
      case '--codec': {
        const v = value()
        if (!(v in CODECS)) throw usage(`--codec must be one of ${Object.keys(CODECS).join(', ')}, got '${v}'`)
        codec = v as VideoCodecChoice
        break
      }
      case '--steps': {
        const v = value()
        const m = /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(v)
        if (!m || Number(m[1]) > Number(m[2])) throw usage(`--steps must be FROM:TO with FROM ≤ TO (optimizer steps), got '${v}'`)
        steps = [Number(m[1]), Number(m[2])]
        break
      }
      case '--overlays': {
        const v = value().trim()
        const names = v === 'none' || v === '' ? [] : v.split(',').map((s) => s.trim())
        const bad = names.find((n) => !(n in ALL_OVERLAYS))
        if (bad !== undefined) throw usage(`--overlays takes a comma-separated list of title, steps, legend, chart (or none), got '${bad}'`)
        overlays = {
          title: names.includes('title'),
          steps: names.includes('steps'),
          legend: names.includes('legend'),
          chart: names.includes('chart'),
        }
        break
      }
      case '--chromium':
        chromium = value()
        break
      default:
        if (a.startsWith('-')) throw usage(`unknown option ${a}`)
        if (scenario !== undefined) throw usage(`unexpected argument '${a}'`)
        scenario = a
    }
  }
  if (!scenario) throw usage('render needs a scenario file')
  if (!out) throw usage('render needs --out FILE.mp4 or --out FILE.webm')
  const ext = /\.(mp4|webm)$/i.exec(out)?.[1]?.toLowerCase()
  if (!ext) throw usage(`--out must end in .mp4 (H.264) or .webm (VP9, AV1), got '${out}'`)
  codec ??= ext === 'mp4' ? 'h264' : 'vp9'
  if (CODECS[codec].container !== ext) throw usage(`--codec ${codec} goes in a .${CODECS[codec].container} file, not .${ext}`)
  const [width, height] = size
  const problem = sizeProblem(width, height)
  if (problem) throw usage(`--size: ${problem}`)
  if (width % 2 !== 0 || height % 2 !== 0) throw usage(`--size must be even in both directions (4:2:0 video), got ${width}x${height}`)
  return {
    scenario,
    out,
    frames,
    width,
    height,
    fps,
    camera,
    ...(title !== undefined ? { title } : {}),
    codec,
    ...(steps ? { steps } : {}),
    overlays,
    chromium,
  }
}

/** The repository root: the nearest folder above this module with gradscape's package.json. */
export function findRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'gradscape') return dir
      } catch {
        /* not ours */
      }
    }
    if (dirname(dir) === dir) throw new RenderError('cannot find the Gradscape installation (package.json) above the CLI')
  }
}

/** The temporary file beside `out` that the video is written to before the rename. */
const tempPath = (out: string) => join(dirname(out), `.${basename(out)}.${process.pid}.tmp`)

/** Check everything that can be checked before Chromium starts; returns the scenario text and last step. */
function preflight(a: RenderArgs): { text: string; lastStep: number } {
  let text: string
  try {
    text = readFileSync(a.scenario, 'utf8')
  } catch (err) {
    throw new RenderError(`cannot read ${a.scenario}: ${errnoText(err)}`)
  }
  const scenario = parseScenarioText(text) // ScenarioError: one line naming the field
  const every = Math.max(1, scenario.record.every)
  const lastStep = Math.floor(scenario.steps / every) * every
  if (a.steps && a.steps[1] > lastStep)
    throw new RenderError(`--steps ${a.steps[0]}:${a.steps[1]} goes past the run's last step (${lastStep})`, 2)

  const out = resolve(a.out)
  const dir = dirname(out)
  if (existsSync(out) && statSync(out).isDirectory()) throw new RenderError(`cannot write ${a.out}: is a directory`)
  // Probe: create (and remove) the temporary file the video will be written to.
  const probe = tempPath(out)
  try {
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' })
    closeSync(openSync(probe, 'wx'))
    rmSync(probe, { force: true })
  } catch (err) {
    throw new RenderError(`cannot write ${a.out}: ${errnoText(err)}`)
  }
  try {
    accessSync(a.chromium, constants.X_OK)
  } catch {
    throw new RenderError(`cannot run Chromium at ${a.chromium} (install Debian's chromium or pass --chromium PATH)`)
  }
  return { text, lastStep }
}

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

const say = (line: string) => process.stderr.write(`${line}\n`)

/** Run `render`; returns the exit code (errors print one line). */
export async function renderCommand(argv: readonly string[]): Promise<number> {
  let cleanup: (() => Promise<void>) | null = null
  let tmp: string | null = null
  const onSignal = () => {
    void (async () => {
      if (tmp) rmSync(tmp, { force: true })
      await cleanup?.().catch(() => undefined)
      say('error: interrupted; nothing was written')
      process.exit(130)
    })()
  }
  try {
    const a = parseRenderArgs(argv)
    const { text } = preflight(a)
    const root = findRoot()
    const t0 = Date.now()

    const [{ buildRenderer, rendererIsStale }, { RENDERER_DIR, startWebServer }, { createHost }, { chromium }] = await Promise.all([
      import('../web/renderer-build'),
      import('../web/server'),
      import('../host/host'),
      import('playwright-core'),
    ])
    if (rendererIsStale(root, RENDERER_DIR)) {
      say('building the renderer (electron-vite build)…')
      if (!buildRenderer(root, true)) throw new RenderError('the renderer build failed (run npx electron-vite build to see why)')
    }
    const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version
    const workerEntry = join(root, 'src-main/engine/tsx-worker.mjs')
    const server = await startWebServer({
      rootDir: join(root, RENDERER_DIR),
      port: 0,
      createApi: () => createHost({ host: 'web', version, spawnWorker: () => new Worker(workerEntry) }),
    })
    let browser: Awaited<ReturnType<typeof chromium.launch>> | null = null
    cleanup = async () => {
      await browser?.close().catch(() => undefined)
      await server.close().catch(() => undefined)
    }
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)

    try {
      browser = await chromium.launch({ executablePath: a.chromium, args: CHROMIUM_ARGS })
    } catch (err) {
      throw new RenderError(`cannot start Chromium at ${a.chromium}: ${((err as Error).message ?? String(err)).split('\n')[0]}`)
    }
    const context = await browser.newContext({ viewport: { width: 1024, height: 640 }, acceptDownloads: true })
    const page = await context.newPage()
    const pageErrors: string[] = []
    page.on('pageerror', (e) => pageErrors.push(e.message))
    await page.goto(`${server.url}?automation`)
    await page.waitForFunction(() => window.gradscapeAutomation !== undefined, undefined, { timeout: 60_000 })

    const loaded = await page.evaluate(([t, n]) => window.gradscapeAutomation!.loadSession(t, n), [text, basename(a.scenario)] as const)
    if (!loaded.ok) throw new RenderError(`${a.scenario}: ${loaded.reason ?? 'refused'}`)
    await page
      .evaluate(() => window.gradscapeAutomation!.waitReady(10 * 60_000))
      .catch((err: Error) => {
        throw new RenderError(`${a.scenario}: ${err.message.replace(/^page\.evaluate: (Error: )?/, '').split('\n')[0]}`)
      })

    const tty = process.stderr.isTTY
    const timer = setInterval(() => {
      void page
        .evaluate(() => window.gradscapeAutomation!.progress())
        .then(
          (p) => {
            if (p && tty)
              process.stderr.write(
                `\rrendering frame ${p.frame} / ${p.frames}${p.eta !== null ? `, about ${Math.ceil(p.eta)} s left` : ''}   `,
              )
          },
          () => undefined,
        )
    }, 500)
    const download = page.waitForEvent('download', { timeout: 0 })
    download.catch(() => undefined)
    let result: AutomationResult
    try {
      result = await page.evaluate((r) => window.gradscapeAutomation!.exportVideo(r), {
        codec: a.codec,
        size: 'custom' as const,
        custom: [a.width, a.height] as [number, number],
        fps: a.fps,
        frames: a.frames,
        fromStep: a.steps ? a.steps[0] : 0,
        toStep: a.steps ? a.steps[1] : null,
        camera: a.camera,
        orbitDegrees: 360,
        title: a.title ?? '',
        overlays: a.title !== undefined && a.title.trim() === '' ? { ...a.overlays, title: false } : a.overlays,
      })
    } finally {
      clearInterval(timer)
      if (tty) process.stderr.write('\r\x1b[K')
    }
    if (!result.ok) throw new RenderError(result.text + (pageErrors.length ? ` (${pageErrors[0]})` : ''))

    const out = resolve(a.out)
    tmp = tempPath(out)
    try {
      await (await download).saveAs(tmp)
      renameSync(tmp, out)
      tmp = null
    } catch (err) {
      throw new RenderError(`cannot write ${a.out}: ${errnoText(err)}`)
    }
    say(
      `${result.frames} frames, ${a.width}x${a.height} at ${a.fps} fps, ${result.codecString} → ${a.out} ` +
        `(${((Date.now() - t0) / 1000).toFixed(1)} s; ${Math.round(result.msPerFrame ?? 0)} ms per frame, of which rendering ${Math.round(result.renderMsPerFrame ?? 0)} ms)`,
    )
    return 0
  } catch (err) {
    if (tmp) rmSync(tmp, { force: true })
    if (err instanceof RenderError) {
      say(`error: ${err.message}`)
      return err.exitCode
    }
    if (err instanceof ScenarioError) {
      say(`error: ${err.message}`)
      return 1
    }
    say(`error: render failed: ${((err as Error)?.message ?? String(err)).split('\n')[0]}`)
    if (process.env.GRADSCAPE_DEBUG) say(String((err as Error)?.stack))
    return 1
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    await cleanup?.().catch(() => undefined)
  }
}
