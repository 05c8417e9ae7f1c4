/**
 * UI figures of `npm run bench` (run by default when /usr/bin/chromium exists; `--ui` / `--no-ui`).
 * Standalone: `npx tsx bench/ui-latency.ts [--json] [--quick]`. A benchmark prints figures; it
 * asserts nothing.
 *
 * Setup: the e2e harness's pieces (tests/e2e/harness.ts: renderer build, web host with the real
 * engine, Debian's Chromium through playwright-core), with host-side timestamps per job, and an
 * in-page probe installed before the app loads (PROBE below; the renderer's side is
 * src-renderer/scene/perf-probe.ts, inert unless `window.__gradscapePerf` exists). WebGL runs on
 * SwiftShader: every frame is rasterized on the CPU and read back by the page's compositor, which
 * blocks the main thread for hundreds of ms to seconds. That is GPU time: it is measured and shown
 * apart ("read back"), never counted as JS.
 *
 * 1. lr slider input → first new frame. Scene: SGD, SGD+momentum, Adam, RMSprop × 250 random starts
 *    × 500 steps on Himmelblau, float64, every step kept (1000 runs × 501 points), paused at step 20
 *    (each frame then draws 1000 × 20 segments; the renderer copies streamed points into the GPU
 *    buffer up to the playhead first, within a per-frame budget, and requests no frame for chunks
 *    that land past a paused playhead; SwiftShader's time grows with the playhead). The mouse holds
 *    Adam's lr slider and moves it 1 px at a time: real input events.
 *      - slow drag (~20 inputs): each move waits until its job is complete on screen and the page idle;
 *      - fast drag (a few inputs at 60 Hz): jobs supersede each other; on SwiftShader this measures
 *        mostly the queue of expensive frames.
 *    Per input: from the pointer event's timestamp to the end of the first R3F frame whose
 *    Trajectories useFrame has ≥ 1 point of a job started after the input in its buffer (useFrame
 *    callbacks done, gl.render issued); also to that frame's pixels being read back, and the first
 *    figure minus the main thread's time blocked in readbacks in between (an estimate for a GPU).
 *    The path: page input → startJob sent; host: accepted, first chunk sent; page: chunk handled;
 *    frame end.
 * 2. Per-frame JS while playing back 10⁴ trajectories: the same optimizers × 2500 starts × 200
 *    steps, every 2nd step kept (the renderer's point budget for 10⁴ runs: 101 points per run).
 *    Per R3F frame: the Trajectories useFrame callback, the whole frame-loop tick (every useFrame +
 *    gl.render's JS side; wall time), the page's scripting and all main-thread work per frame from
 *    Chromium's own counters (CDP Performance.getMetrics in thread ticks, i.e. CPU time:
 *    ScriptDuration / TaskDuration over the window ÷ frames), SwiftShader's raster + readback per
 *    frame, and the frame interval. Also the Trajectories useFrame time and the whole tick of the
 *    frames that copied chunks while the job streamed in (the first includes sizing the buffers
 *    for the new shape and uploading them whole).
 *
 * $GRADSCAPE_UI_BENCH_RAW=file.json also writes the raw per-input / per-frame records there.
 */
import { existsSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'

export interface Stats {
  readonly n: number
  readonly median: number
  readonly p90: number
  readonly max: number
  readonly mean: number
}

export interface LatencyFigures {
  readonly runs: number
  readonly kept: number
  readonly inputs: number
  /** input event → end of the first frame that draws the new job (JS side: gl.render issued). */
  readonly toFirstFrameMs: Stats
  /** … → that frame's pixels read back (main thread free again): includes SwiftShader's raster time. */
  readonly toReadBackMs: Stats
  /**
   * toFirstFrameMs minus the time the main thread spent blocked in SwiftShader readbacks of the
   * frames in between (each frame's end → main thread free): an estimate of the figure on a GPU.
   */
  readonly withoutReadbackMs: Stats
  /**
   * input event → end of the first frame that shows the new job complete: done, and every point the
   * view shows (up to the playhead) drawn; the renderer copies points past a paused playhead only
   * when the playhead gets there (a frame with every kept point counts too).
   */
  readonly toCompleteMs: Stats
  /** Where the first-frame time goes (medians, ms). */
  readonly breakdownMs: {
    /** page: input event → startJob sent (the runner waits for an animation frame). */
    readonly inputToStartJob: number
    /** host: startJob received → job accepted (the previous one superseded, the new one planned). */
    readonly hostAccept: number
    /** host: accepted → first chunk sent (the engine computes the first block). */
    readonly hostFirstChunk: number
    /** page: startJob sent → first chunk handled, minus the two host figures: loopback + the page's main thread busy. */
    readonly pageWait: number
    /** page: first chunk handled → frame end (animation-frame wait + the frame's JS). */
    readonly chunkToFrameEnd: number
  }
  /** JS time of that first frame: whole R3F tick, and the Trajectories useFrame within it. */
  readonly firstFrameJsMs: Stats
  readonly firstFrameTrajectoriesMs: Stats
  readonly jobsStarted: number
  readonly jobsDrawn: number
  /** Loss-chart redraws during the drag (JS: spec + canvas strokes), and how many. */
  readonly chartRedrawMs: Stats
}

export interface PlaybackFigures {
  readonly runs: number
  readonly kept: number
  readonly seconds: number
  readonly frames: number
  readonly trajectoriesUseFrameMs: Stats
  readonly frameLoopJsMs: Stats
  /** CDP ScriptDuration delta ÷ frames: main-thread CPU time in scripts (all of them, not only the frame's). */
  readonly scriptingPerFrameMs: number
  /** CDP TaskDuration delta ÷ frames: main-thread CPU time in all tasks (scripts, style, layout, paint, commit). */
  readonly mainThreadPerFrameMs: number
  readonly frameIntervalMs: Stats
  /** Per frame: end of the tick → main thread free (SwiftShader raster + readback): GPU time, not JS. */
  readonly readbackMs: Stats
  /** Frames while the job streamed in that copied new points: the Trajectories useFrame time. */
  readonly uploadFrames: number
  readonly uploadUseFrameMs: Stats | null
  /** … and their whole R3F tick (all useFrame + gl.render's JS side, which uploads the new range). */
  readonly uploadTickMs: Stats | null
  /** Loss-chart redraws while the job streamed in (JS: spec + canvas strokes). */
  readonly streamingChartMs: Stats | null
}

export interface UiFigures {
  readonly skipped?: string
  readonly browser?: string
  readonly gl?: string
  readonly viewport?: string
  readonly slowDrag?: LatencyFigures
  readonly fastDrag?: LatencyFigures
  readonly playback?: PlaybackFigures
  /** Wall time of each phase and in all (the renderer build, when one was needed, is separate). */
  readonly phaseSeconds?: Readonly<Record<string, number>>
  readonly seconds?: number
  readonly buildSeconds?: number
}

export interface UiOptions {
  readonly quick?: boolean
  readonly log?: (line?: string) => void
}

// ---------------------------------------------------------------------------------------------
// In-page probe (a string: tsx would wrap named functions in __name(), which the page lacks).

const PROBE = String.raw`(() => {
  // A frame's "free": when the main thread next runs a task after the frame, i.e. after its
  // commit, where the page reads SwiftShader's pixels back (blocking).
  const channel = new MessageChannel()
  let waiting = []
  channel.port1.onmessage = () => { const now = performance.now(); for (const c of waiting) c.free = now; waiting = [] }
  const P = {
    inputs: [], sends: [], results: [], chunks: {}, dones: {}, frames: [], charts: [], cur: null, lastMove: 0,
    frameStart(now) { P.cur = { start: now, end: 0, job: -1, points: -1, t0: 0, t1: 0, free: 0, complete: false } },
    chart(t0, t1) { P.charts.push({ t0, t1 }) },
    trajectories(job, points, t0, t1, complete) { const c = P.cur; if (c) { c.job = job; c.points = points; c.t0 = t0; c.t1 = t1; c.complete = !!complete } },
    frameEnd(now) {
      const c = P.cur
      P.cur = null
      if (!c || c.points < 0) return // no root rendered in this tick
      c.end = now
      P.frames.push(c)
      waiting.push(c)
      channel.port2.postMessage(0)
    },
    reset() {
      P.inputs = []; P.sends = []; P.results = []; P.chunks = {}; P.dones = {}; P.frames = []; P.charts = []
      return performance.now()
    },
    dump() {
      return { inputs: P.inputs, sends: P.sends, results: P.results, chunks: P.chunks, dones: P.dones, frames: P.frames, charts: P.charts, now: performance.now() }
    },
    /** The last input's job (or a later one) is done, and a frame after its done event was drawn and read back. */
    settled() {
      const input = P.inputs[P.inputs.length - 1]
      if (!input) return false
      const send = P.sends.find((s) => s.at >= input.at)
      if (!send) return false
      const result = P.results.filter((r) => r.id >= send.id).pop()
      if (!result) return false
      const done = P.dones[result.job]
      if (done === undefined) return false
      return P.frames.some((f) => f.job === result.job && f.end > done && f.free > 0)
    },
  }
  window.__gradscapePerf = P
  document.addEventListener('pointermove', (e) => { P.lastMove = e.timeStamp }, true)
  document.addEventListener('input', (e) => {
    const t = e.target
    if (t && t.dataset && /^slider-/.test(t.dataset.testid || '')) P.inputs.push({ at: performance.now(), ts: e.timeStamp, move: P.lastMove })
  }, true)
  const Orig = window.WebSocket
  const decoder = new TextDecoder()
  const startJobIds = new Set()
  class ProbedWebSocket extends Orig {
    constructor(url, protocols) {
      super(url, protocols)
      this.addEventListener('message', (e) => {
        const at = performance.now()
        const d = e.data
        let head
        if (typeof d === 'string') head = d.slice(0, 300)
        else {
          const h = new DataView(d).getUint32(4, true)
          head = decoder.decode(new Uint8Array(d, 8, Math.min(h, 300)))
        }
        let m = /^\{"t":"result","id":(\d+),"ok":true,"value":\{"jobId":(\d+)/.exec(head)
        if (m && startJobIds.has(+m[1])) { P.results.push({ at, id: +m[1], job: +m[2] }); return }
        m = /"type":"chunk","chunk":\{"jobId":(\d+)/.exec(head)
        if (m) { if (P.chunks[m[1]] === undefined) P.chunks[m[1]] = at; return }
        m = /"type":"done","jobId":(\d+)/.exec(head)
        if (m) P.dones[m[1]] = at
      })
    }
    send(data) {
      if (typeof data === 'string' && data.includes('"op":"startJob"')) {
        const m = /"id":(\d+)/.exec(data)
        if (m) { startJobIds.add(+m[1]); P.sends.push({ at: performance.now(), id: +m[1] }) }
      }
      super.send(data)
    }
  }
  window.WebSocket = ProbedWebSocket
})()`

interface Input {
  at: number
  ts: number
  move: number
}
/** One R3F tick that rendered: start/end of the tick, the job drawn and its points, Trajectories' useFrame t0/t1, main thread free again, the job complete on screen. */
interface Frame {
  start: number
  end: number
  job: number
  points: number
  t0: number
  t1: number
  free: number
  complete?: boolean
}
interface Dump {
  inputs: Input[]
  sends: { at: number; id: number }[]
  results: { at: number; id: number; job: number }[]
  chunks: Record<string, number>
  dones: Record<string, number>
  frames: Frame[]
  /** Loss-chart redraws (spec + canvas strokes), performance.now(). */
  charts: { t0: number; t1: number }[]
  now: number
}

/** Host-side times (performance.now() of this process) per job id. */
interface HostTimes {
  call?: number
  accepted?: number
  firstChunk?: number
}

// ---------------------------------------------------------------------------------------------

export function stats(values: readonly number[]): Stats {
  const v = values
    .filter(Number.isFinite)
    .slice()
    .sort((a, b) => a - b)
  if (v.length === 0) return { n: 0, median: NaN, p90: NaN, max: NaN, mean: NaN }
  const mid = v.length >> 1
  return {
    n: v.length,
    median: v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2,
    p90: v[Math.min(v.length - 1, Math.ceil(0.9 * v.length) - 1)],
    max: v[v.length - 1],
    mean: v.reduce((a, b) => a + b, 0) / v.length,
  }
}

const median = (values: readonly number[]) => stats(values).median

/** The first-launch optimizers (SGD, SGD with momentum, Adam, RMSprop). */
const OPTIMIZERS = [
  { name: 'sgd', lr: 0.01 },
  { name: 'sgd', lr: 0.005, momentum: 0.9 },
  { name: 'adam', lr: 0.1 },
  { name: 'rmsprop', lr: 0.02 },
]

/** A session file: those four optimizers on Himmelblau from `count` random starts, float64. */
function session(count: number, steps: number, every: number, seed: number): string {
  return JSON.stringify({
    landscape: { preset: 'himmelblau' },
    optimizers: OPTIMIZERS,
    init: { random: { x: [-3.5, 3.5], y: [-3.5, 3.5], count, seed } },
    steps,
    precision: 'float64',
    record: { every },
    // The slowest playback speed keeps the playhead (and so SwiftShader's work) small.
    view: { region: { x: [-5, 5], y: [-5, 5] }, speed: 5 },
  })
}

// ---------------------------------------------------------------------------------------------
// Page helpers. Page functions stay anonymous arrows without named locals: tsx would wrap named
// ones in __name(), which the page lacks; string predicates are refused by the app's CSP.

type Probed = Window & { __gradscapePerf: { inputs: unknown[]; settled(): boolean } }

const jobStatus = (page: Page) => page.locator('[data-testid=job-status]')
const dump = (page: Page) => page.evaluate('window.__gradscapePerf.dump()') as Promise<Dump>
const resetProbe = (page: Page) => page.evaluate('window.__gradscapePerf.reset()') as Promise<number>

const inputCount = (page: Page) => page.evaluate('window.__gradscapePerf.inputs.length') as Promise<number>
/** Keyboard shortcuts go to the app, not to a focused control (Home on a range input would move it). */
const blur = (page: Page) => page.evaluate('document.activeElement instanceof HTMLElement && document.activeElement.blur()')
/** Resolves once the page's main thread ran an animation frame (a blocking SwiftShader readback is over). */
const idle = (page: Page) => page.evaluate('new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))')

/** Until the last input's job (or a later one) is done and drawn after its done event, then idle. */
async function settled(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForFunction(() => (window as unknown as Probed).__gradscapePerf.settled(), undefined, { timeout, polling: 20 })
  await idle(page)
}

/**
 * Pause playback. While it plays, every animation frame is a SwiftShader frame whose readback
 * blocks the main thread; back to back they starve the WebSocket (a large chunk arrives through
 * many main-thread reads) and a job of 10⁴ runs takes minutes to arrive.
 */
async function pause(page: Page): Promise<void> {
  await blur(page)
  if ((await page.getAttribute('[data-testid=play]', 'data-playing')) === 'true') await page.keyboard.press('Space')
}

/** Open a session (as the Open button does), pause it at its start, and wait until its job of `runs` runs is done. */
async function loadSession(page: Page, name: string, text: string, runs: number): Promise<void> {
  const before = await jobStatus(page).getAttribute('data-job-id')
  await page.setInputFiles('[data-testid=file-input]', { name, mimeType: 'application/json', buffer: Buffer.from(text) })
  const t0 = Date.now()
  const late = () => Date.now() - t0 > 90_000
  // Its job restarts playback when it starts: pause after that.
  while ((await jobStatus(page).getAttribute('data-job-id')) === before) {
    if (late()) throw new Error(`the ${runs}-run session did not start within 90 s`)
    await page.waitForTimeout(20)
  }
  await pause(page)
  for (;;) {
    const [done, label] = await Promise.all([jobStatus(page).getAttribute('data-done'), jobStatus(page).textContent()])
    if (done === 'true' && label?.startsWith(`${runs} runs`)) break
    if (late()) throw new Error(`the ${runs}-run session did not finish within 90 s (status: ${label})`)
    await page.waitForTimeout(50)
  }
  await idle(page)
}

// ---------------------------------------------------------------------------------------------
// 1. Input → first new frame

/** The raw records, written to $GRADSCAPE_UI_BENCH_RAW (a JSON file) when that is set. */
const raw: Record<string, unknown> = {}

/** Latency figures from one drag's record. */
function latency(d: Dump, host: ReadonlyMap<number, HostTimes>, runs: number, kept: number): LatencyFigures {
  const resultOf = new Map(d.results.map((r) => [r.job, r]))
  const first: number[] = [],
    readBack: number[] = [],
    noStall: number[] = [],
    complete: number[] = []
  const toSend: number[] = [],
    accept: number[] = [],
    engine: number[] = [],
    wait: number[] = [],
    toFrame: number[] = []
  const frameJs: number[] = [],
    trajJs: number[] = []
  const drawn = new Set<number>()
  for (const f of d.frames) if (f.points > 0 && resultOf.has(f.job)) drawn.add(f.job)
  for (const input of d.inputs) {
    // From the pointer event that caused the input (its platform timestamp), else the input event.
    const t = input.move > 0 && input.move <= input.ts ? input.move : input.ts
    const send = d.sends.find((s) => s.at >= input.at)
    if (!send) continue
    // A frame counts once it draws a job started at or after this input's first startJob call.
    const shows = (f: Frame, all: boolean) => {
      const r = resultOf.get(f.job)
      return r !== undefined && r.id >= send.id && f.end > input.at && (all ? f.complete === true || f.points >= kept : f.points > 0)
    }
    const f = d.frames.find((x) => shows(x, false))
    if (!f) continue
    first.push(f.end - t)
    if (f.free > 0) readBack.push(f.free - t)
    let stalled = 0
    for (const g of d.frames) {
      if (g.free <= 0 || g.end >= f.end) continue
      stalled += Math.max(0, Math.min(g.free, f.end) - Math.max(g.end, t))
    }
    noStall.push(f.end - t - stalled)
    frameJs.push(f.end - f.start)
    trajJs.push(f.t1 - f.t0)
    const full = d.frames.find((x) => shows(x, true))
    if (full) complete.push(full.end - t)
    const r = resultOf.get(f.job)!
    const jobSend = d.sends.find((s) => s.id === r.id)
    const chunk = d.chunks[String(f.job)]
    const h = host.get(f.job)
    if (jobSend && chunk !== undefined && h?.call !== undefined && h.accepted !== undefined && h.firstChunk !== undefined) {
      toSend.push(jobSend.at - t)
      accept.push(h.accepted - h.call)
      engine.push(h.firstChunk - h.accepted)
      wait.push(chunk - jobSend.at - (h.firstChunk - h.call))
      toFrame.push(f.end - chunk)
    }
  }
  return {
    runs,
    kept,
    inputs: d.inputs.length,
    toFirstFrameMs: stats(first),
    toReadBackMs: stats(readBack),
    withoutReadbackMs: stats(noStall),
    toCompleteMs: stats(complete),
    breakdownMs: {
      inputToStartJob: median(toSend),
      hostAccept: median(accept),
      hostFirstChunk: median(engine),
      pageWait: median(wait),
      chunkToFrameEnd: median(toFrame),
    },
    firstFrameJsMs: stats(frameJs),
    firstFrameTrajectoriesMs: stats(trajJs),
    jobsStarted: d.results.length,
    jobsDrawn: drawn.size,
    chartRedrawMs: stats((d.charts ?? []).map((c) => c.t1 - c.t0)),
  }
}

/** The mouse on the thumb of `selector`, pressed; returns the thumb's position. */
async function grab(page: Page, selector: string): Promise<{ x: number; y: number }> {
  const slider = page.locator(selector)
  await slider.scrollIntoViewIfNeeded()
  const box = (await slider.boundingBox())!
  const position = Number(await slider.inputValue())
  const at = { x: box.x + 7 + ((box.width - 14) * position) / 1000, y: box.y + box.height / 2 }
  await page.mouse.move(at.x, at.y)
  await page.mouse.down()
  await page.waitForTimeout(300)
  // Pressing may have moved the value (a job): let it finish first.
  if ((await inputCount(page)) > 0) await settled(page)
  await idle(page)
  return at
}

/** 1 px moves of the held thumb: `n` of them, first right, then back left. */
function dragPath(x0: number, n: number): number[] {
  const half = Math.ceil(n / 2)
  return Array.from({ length: n }, (_, i) => (i < half ? x0 + i + 1 : x0 + half - (i - half) - 1))
}

/** A slow drag: each 1 px move waits until its job is complete on screen and the page is idle. */
async function slowDrag(
  page: Page,
  selector: string,
  n: number,
  host: Map<number, HostTimes>,
  runs: number,
  kept: number,
): Promise<LatencyFigures> {
  await resetProbe(page)
  const at = await grab(page, selector)
  await resetProbe(page)
  for (const x of dragPath(at.x, n)) {
    const before = await inputCount(page)
    await page.mouse.move(x, at.y)
    if ((await inputCount(page)) === before) {
      await page.waitForFunction((k) => (window as unknown as Probed).__gradscapePerf.inputs.length > k, before, {
        timeout: 5_000,
        polling: 10,
      })
    }
    await settled(page)
  }
  const d = await dump(page)
  raw.slowDrag = d
  await page.mouse.up()
  return latency(d, host, runs, kept)
}

/** A fast drag: a 1 px move every ~16 ms (60 Hz, as far as the page keeps up), jobs superseding each other. */
async function fastDrag(
  page: Page,
  selector: string,
  n: number,
  host: Map<number, HostTimes>,
  runs: number,
  kept: number,
): Promise<LatencyFigures> {
  await resetProbe(page)
  const at = await grab(page, selector)
  await resetProbe(page)
  const t0 = performance.now()
  let k = 0
  for (const x of dragPath(at.x, n)) {
    await page.mouse.move(x, at.y)
    const wait = t0 + (++k * 1000) / 60 - performance.now()
    if (wait > 0) await new Promise((r) => setTimeout(r, wait))
  }
  await settled(page)
  const d = await dump(page)
  raw.fastDrag = d
  await page.mouse.up()
  return latency(d, host, runs, kept)
}

// ---------------------------------------------------------------------------------------------
// 2. Per-frame JS while playing

/** The frames that copied newly streamed points. */
function uploadFrames(d: Dump): Frame[] {
  const out: Frame[] = []
  const written = new Map<number, number>()
  for (const f of d.frames) {
    if (f.points > (written.get(f.job) ?? 0)) out.push(f)
    written.set(f.job, f.points)
  }
  return out
}

async function playback(page: Page, runs: number, kept: number, seconds: number, streaming: Dump): Promise<PlaybackFigures> {
  const cdp = await page.context().newCDPSession(page)
  // Thread ticks: the counters are the main thread's CPU time, so time it spent blocked (waiting
  // for SwiftShader's pixels) or descheduled (2 busy cores here) is not counted.
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' })
  const metrics = async (): Promise<Record<string, number>> => {
    const r = await cdp.send('Performance.getMetrics')
    return Object.fromEntries(r.metrics.map((m) => [m.name, m.value]))
  }
  await blur(page)
  await page.keyboard.press('Home') // restart from step 0, playing
  await page.waitForTimeout(300)
  // Few calls while it plays: each waits for the main thread, between frames of a second or more.
  // Frames are counted from just before the first counter reading to just after the second.
  const a = await resetProbe(page)
  const m0 = await metrics()
  await page.waitForTimeout(seconds * 1000)
  const m1 = await metrics()
  const d = await dump(page)
  const b = d.now
  await page.keyboard.press('Space') // pause
  await cdp.detach()
  raw.playback = d
  raw.streaming = streaming
  const frames = d.frames.filter((f) => f.start >= a && f.end <= b)
  const n = Math.max(1, frames.length)
  const uploads = uploadFrames(streaming)
  return {
    runs,
    kept,
    seconds: m1.Timestamp - m0.Timestamp,
    frames: frames.length,
    trajectoriesUseFrameMs: stats(frames.map((f) => f.t1 - f.t0)),
    frameLoopJsMs: stats(frames.map((f) => f.end - f.start)),
    scriptingPerFrameMs: ((m1.ScriptDuration - m0.ScriptDuration) * 1000) / n,
    mainThreadPerFrameMs: ((m1.TaskDuration - m0.TaskDuration) * 1000) / n,
    frameIntervalMs: stats(frames.slice(1).map((f, i) => f.start - frames[i].start)),
    readbackMs: stats(frames.filter((f) => f.free > 0).map((f) => f.free - f.end)),
    uploadFrames: uploads.length,
    uploadUseFrameMs: uploads.length ? stats(uploads.map((f) => f.t1 - f.t0)) : null,
    uploadTickMs: uploads.length ? stats(uploads.map((f) => f.end - f.start)) : null,
    streamingChartMs: streaming.charts?.length ? stats(streaming.charts.map((c) => c.t1 - c.t0)) : null,
  }
}

// ---------------------------------------------------------------------------------------------

const VIEWPORT = { width: 1280, height: 800 }

export async function runUiBench(options: UiOptions = {}): Promise<UiFigures> {
  const log = options.log ?? (() => undefined)
  if (!existsSync(CHROMIUM)) return { skipped: `${CHROMIUM} not found: the UI figures need Debian's chromium` }
  const quick = options.quick ?? false
  // Loaded here, so `npm run bench -- --no-ui` needs none of it.
  const { chromium } = await import('playwright-core')
  const { buildRenderer, rendererIsStale } = await import('../src-main/web/renderer-build')
  const { RENDERER_DIR, startWebServer } = await import('../src-main/web/server')
  const { createHost } = await import('../src-main/host/host')
  const { spawnNodeWorker } = await import('../src-main/engine/node-worker')
  const { CHROMIUM_ARGS, root } = await import('../tests/e2e/harness')

  const tBuild = performance.now()
  let buildSeconds = 0
  if (rendererIsStale(root, RENDERER_DIR)) {
    log('(building the renderer first: electron-vite build)')
    if (!buildRenderer(root, true)) throw new Error('electron-vite build failed')
    buildSeconds = (performance.now() - tBuild) / 1000
  }
  const t0 = performance.now()
  const phases: Record<string, number> = {}
  let tPhase = t0
  const phase = (name: string) => {
    const now = performance.now()
    phases[name] = (now - tPhase) / 1000
    tPhase = now
  }

  // The e2e harness's web host, with the real engine, plus host-side timestamps per job.
  const host = new Map<number, HostTimes>()
  const times = (job: number) => {
    let h = host.get(job)
    if (!h) host.set(job, (h = {}))
    return h
  }
  const server = await startWebServer({
    rootDir: join(root, RENDERER_DIR),
    port: 0,
    createApi: () => {
      const api = createHost({ host: 'web', version: 'bench', spawnWorker: spawnNodeWorker })
      return {
        ...api,
        async startJob(doc) {
          const call = performance.now()
          const started = await api.startJob(doc)
          Object.assign(times(started.jobId), { call, accepted: performance.now() })
          return started
        },
        onJobEvent: (listener) =>
          api.onJobEvent((e) => {
            if (e.type === 'chunk') {
              const h = times(e.chunk.jobId)
              h.firstChunk ??= performance.now()
            }
            listener(e)
          }),
      }
    },
  })
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
  try {
    const context = await browser.newContext({ viewport: VIEWPORT })
    await context.addInitScript({ content: PROBE })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(server.url)
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid=view-toolbar]')?.getAttribute('data-surface-version')) > 0,
      undefined,
      { timeout: 60_000 },
    )
    // The first-launch scene plays from its start: pause it once its job is on screen.
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid=job-status]')?.getAttribute('data-job-id')) >= 0,
      undefined,
      { timeout: 60_000 },
    )
    await pause(page)
    const gl = (await page.evaluate(`(() => {
      const c = document.createElement('canvas').getContext('webgl2')
      const e = c && c.getExtension('WEBGL_debug_renderer_info')
      return c ? String(e ? c.getParameter(e.UNMASKED_RENDERER_WEBGL) : c.getParameter(c.RENDERER)) : 'no WebGL 2'
    })()`)) as string
    phase('start')

    // 1. 4 × 250 starts × 500 steps, every step kept: 1000 runs × 501 points.
    const runs1 = 1000,
      kept1 = 501
    await loadSession(page, 'bench-1k.json', session(250, 500, 1, 7), runs1)
    // Paused at step 20: each frame draws 1000 × 20 segments. SwiftShader's raster time grows with
    // the playhead (seconds for all 500 steps of 1000 runs here), and it blocks the main thread.
    await blur(page)
    await page.keyboard.press('Shift+ArrowRight')
    await page.keyboard.press('Shift+ArrowRight')
    await idle(page)
    phase('load 10³')
    const slider = '[data-testid=slider-2-lr]' // Adam's learning rate
    const slow = await slowDrag(page, slider, quick ? 10 : 20, host, runs1, kept1)
    phase('slow drag')
    const fast = await fastDrag(page, slider, quick ? 4 : 6, host, runs1, kept1)
    phase('fast drag')

    // 2. 4 × 2500 starts × 200 steps, every 2nd step kept (what the renderer's point budget picks
    //    for 10⁴ runs): 10⁴ runs × 101 points.
    const runs2 = 10_000
    await resetProbe(page)
    await loadSession(page, 'bench-10k.json', session(2500, 200, 2, 11), runs2)
    const streaming = await dump(page)
    const kept2 = Number(await page.getAttribute('[data-testid=scrubber]', 'max')) + 1
    phase('load 10⁴')
    const play = await playback(page, runs2, kept2, quick ? 3 : 8, streaming)
    phase('playback')
    if (errors.length) log(`page errors: ${errors.join('; ')}`)
    if (process.env.GRADSCAPE_UI_BENCH_RAW)
      writeFileSync(process.env.GRADSCAPE_UI_BENCH_RAW, JSON.stringify({ ...raw, host: Object.fromEntries(host) }))
    await context.close()
    return {
      browser: `Chromium ${browser.version()} (headless)`,
      gl,
      viewport: `${VIEWPORT.width}×${VIEWPORT.height}`,
      slowDrag: slow,
      fastDrag: fast,
      playback: play,
      phaseSeconds: phases,
      seconds: (performance.now() - t0) / 1000,
      buildSeconds,
    }
  } finally {
    await browser.close().catch(() => undefined)
    await server.close()
  }
}

// ---------------------------------------------------------------------------------------------
// Table

const ms = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : v >= 100 ? v.toFixed(0) : v.toFixed(1))
const W = 64

function statRow(log: (s?: string) => void, label: string, shape: string, s: Stats | null, target = ''): void {
  const cells = s ? [ms(s.median), ms(s.p90), ms(s.max), String(s.n)] : ['-', '-', '-', '0']
  log(`${label.padEnd(W)} ${shape.padStart(10)} ${cells.map((c) => c.padStart(8)).join(' ')}  ${target}`)
}

function meanRow(log: (s?: string) => void, label: string, value: number, n: number, target = ''): void {
  log(
    `${label.padEnd(W)} ${''.padStart(10)} ${ms(value).padStart(8)} ${'(mean)'.padStart(8)} ${''.padStart(8)} ${String(n).padStart(8)}  ${target}`,
  )
}

export function printUi(f: UiFigures, log: (s?: string) => void): void {
  if (f.skipped) {
    log(`UI figures: skipped (${f.skipped})`)
    return
  }
  log(`UI: ${f.browser}, ${f.viewport}, WebGL on ${f.gl}; web host + real engine (float64)`)
  log('  JS = main-thread JavaScript, performance.now() around it. A frame "ends" when every useFrame ran and gl.render')
  log('  issued its WebGL calls; SwiftShader then rasterizes on the CPU and the page reads the canvas back, blocking the')
  log('  main thread (hundreds of ms to seconds per frame here): that is GPU time, shown apart, never counted as JS.')
  log(
    `${'figure, ms'.padEnd(W)} ${'runs×kept'.padStart(10)} ${'median'.padStart(8)} ${'p90'.padStart(8)} ${'max'.padStart(8)} ${'n'.padStart(8)}  target`,
  )
  for (const [name, l] of [
    ['slow drag', f.slowDrag],
    ['fast drag, 60 Hz', f.fastDrag],
  ] as const) {
    if (!l) continue
    statRow(log, `lr slider input → first frame drawing the new job (${name})`, `${l.runs}×${l.kept}`, l.toFirstFrameMs, '< 50')
    statRow(log, '  … → its pixels read back (+ SwiftShader raster & readback)', '', l.toReadBackMs)
    statRow(log, '  … minus main thread blocked in readbacks (≈ on a GPU; estimate)', '', l.withoutReadbackMs, '< 50')
    statRow(log, '  … → first frame showing the new job complete (up to the playhead)', '', l.toCompleteMs)
    statRow(log, '  JS of that first frame: R3F tick (all useFrame + gl.render)', '', l.firstFrameJsMs)
    statRow(log, '  JS of that first frame: Trajectories useFrame', '', l.firstFrameTrajectoriesMs)
    statRow(log, '  loss-chart redraws during the drag (JS, each)', '', l.chartRedrawMs)
    const b = l.breakdownMs
    log(
      `  path (medians): input→startJob sent ${ms(b.inputToStartJob)} · host accepts ${ms(b.hostAccept)} · engine's first chunk ${ms(b.hostFirstChunk)}`,
    )
    log(
      `    · page busy/transfer before handling it ${ms(b.pageWait)} · chunk→frame end ${ms(b.chunkToFrameEnd)}   (${l.inputs} inputs, ${l.jobsStarted} jobs started, ${l.jobsDrawn} drawn)`,
    )
  }
  const p = f.playback
  if (p) {
    statRow(log, 'per frame, playing back: Trajectories useFrame JS', `${p.runs}×${p.kept}`, p.trajectoriesUseFrameMs, '< 8')
    statRow(log, 'per frame, playing back: R3F tick JS (all useFrame + gl.render)', '', p.frameLoopJsMs, '< 8')
    meanRow(log, 'per frame, playing back: page scripting, CPU (CDP ScriptDuration)', p.scriptingPerFrameMs, p.frames, '< 8')
    meanRow(log, 'per frame, playing back: main thread, CPU (CDP TaskDuration)', p.mainThreadPerFrameMs, p.frames)
    statRow(log, 'per frame, playing back: SwiftShader raster + readback (GPU)', '', p.readbackMs)
    statRow(log, 'frame interval, playing back (SwiftShader-bound)', '', p.frameIntervalMs)
    statRow(log, 'per frame, streaming in: Trajectories useFrame JS (copying chunks)', '', p.uploadUseFrameMs, '< 8')
    statRow(log, 'per frame, streaming in: R3F tick JS (incl. the GPU buffer upload)', '', p.uploadTickMs, '< 8')
    statRow(log, 'loss-chart redraws while streaming in (JS, each; not every frame)', '', p.streamingChartMs)
  }
  const phases = Object.entries(f.phaseSeconds ?? {})
    .map(([k, v]) => `${k} ${v.toFixed(0)}`)
    .join(', ')
  log(`UI bench: ${ms(f.seconds)} s (${phases})${f.buildSeconds ? `, after a ${f.buildSeconds.toFixed(0)} s renderer build` : ''}`)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2)
  const json = args.includes('--json')
  const log = (s = '') => {
    if (!json) process.stdout.write(s + '\n')
  }
  const figures = await runUiBench({ quick: args.includes('--quick'), log })
  if (json) process.stdout.write(JSON.stringify(figures, null, 2) + '\n')
  else printUi(figures, log)
  process.exit(0)
}
