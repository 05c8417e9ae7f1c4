/**
 * Video export: every frame rendered offscreen at its exact step (./offscreen.tsx) and encoded
 * with WebCodecs through mediabunny (CanvasSource with explicit timestamps i / fps), into MP4
 * (H.264) or WebM (VP9, AV1) in memory. Frame-exact: the file holds exactly `frames` frames,
 * whatever the machine's speed; nothing is captured from the screen.
 *
 * Cancelling (the AbortSignal) stops between frames and discards the output: nothing is saved.
 */
import type { Output } from 'mediabunny'
import { createOffscreenRenderer, type OffscreenRenderer } from './offscreen'
import {
  CODECS,
  codecCandidates,
  frameStep,
  type ImageSettings,
  NO_OVERLAYS,
  type VideoSettings,
  videoProblem,
  sizeProblem,
} from './options'
import type { ExportData } from './snapshot'

export interface ExportProgress {
  readonly phase: 'preparing' | 'rendering' | 'finishing' | 'saving'
  /** Frames encoded so far. */
  readonly frame: number
  readonly frames: number
  /** Seconds since the export started, and the estimate of what is left (null until known). */
  readonly elapsed: number
  readonly eta: number | null
}

export interface VideoResult {
  readonly blob: Blob
  readonly frames: number
  /** The full codec string the encoder ran with (e.g. avc1.640028). */
  readonly codecString: string
  readonly seconds: number
  /** Wall time per frame (render + composite + encode). */
  readonly msPerFrame: number
  /** Of which: drawing the scene and overlays, and handing the frame to the encoder (waiting on it). */
  readonly renderMsPerFrame: number
  readonly encodeMsPerFrame: number
}

/** A problem to show the user as is (bad settings, an unsupported codec). */
export class ExportError extends Error {}

export const isAbort = (err: unknown): boolean => (err as { name?: unknown } | null)?.name === 'AbortError'
const abortError = () => new DOMException('The export was cancelled', 'AbortError')

/** Yield to the event loop without timer clamping (background windows throttle setTimeout). */
export function yieldNow(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel()
    ch.port1.onmessage = () => {
      ch.port1.close()
      resolve()
    }
    ch.port2.postMessage(null)
  })
}

/** mediabunny, loaded on the first video export (it is not needed to start the app). */
const loadMediabunny = () => import('mediabunny')
type Mediabunny = Awaited<ReturnType<typeof loadMediabunny>>

/** The first codec string of the candidates this browser can encode at the size, or an ExportError. */
async function pickCodecString({ canEncodeVideo, QUALITY_HIGH }: Mediabunny, s: VideoSettings): Promise<string | undefined> {
  const info = CODECS[s.codec]
  for (const full of codecCandidates(s.codec, s.width, s.height, s.fps)) {
    const ok = await canEncodeVideo(info.codec, {
      width: s.width,
      height: s.height,
      bitrate: QUALITY_HIGH,
      frameRate: s.fps,
      ...(full ? { fullCodecString: full } : {}),
    }).catch(() => false)
    if (ok) return full
  }
  throw new ExportError(`This browser cannot encode ${info.label} at ${s.width}×${s.height}. Try another format or a smaller size.`)
}

export async function encodeVideo(
  data: ExportData,
  settings: VideoSettings,
  onProgress: (p: ExportProgress) => void,
  signal?: AbortSignal,
): Promise<VideoResult> {
  const problem = videoProblem(settings, data.lastStep)
  if (problem) throw new ExportError(problem)
  if (typeof VideoEncoder === 'undefined') throw new ExportError('This browser has no WebCodecs video encoder.')
  const t0 = performance.now()
  const elapsed = () => (performance.now() - t0) / 1000
  const { frames, fps } = settings
  onProgress({ phase: 'preparing', frame: 0, frames, elapsed: 0, eta: null })
  const mb = await loadMediabunny()
  const { BufferTarget, CanvasSource, Mp4OutputFormat, Output, QUALITY_HIGH, WebMOutputFormat } = mb
  const fullCodecString = await pickCodecString(mb, settings)
  if (signal?.aborted) throw abortError()

  let renderer: OffscreenRenderer | null = null
  let output: Output | null = null
  try {
    renderer = await createOffscreenRenderer(data, {
      width: settings.width,
      height: settings.height,
      overlays: settings.overlays,
      title: settings.title,
    })
    const info = CODECS[settings.codec]
    const target = new BufferTarget()
    output = new Output({
      format: info.container === 'mp4' ? new Mp4OutputFormat({ fastStart: 'in-memory' }) : new WebMOutputFormat(),
      target,
    })
    let codecString = fullCodecString ?? info.codec
    const source = new CanvasSource(renderer.canvas, {
      codec: info.codec,
      bitrate: QUALITY_HIGH,
      keyFrameInterval: 2,
      latencyMode: 'quality',
      ...(fullCodecString ? { fullCodecString } : {}),
      onEncoderConfig: (config) => {
        codecString = config.codec
      },
    })
    output.addVideoTrack(source, { frameRate: fps })
    await output.start()

    const every = Math.max(1, data.job.every)
    const turn = settings.camera === 'orbit' ? (settings.orbitDegrees * Math.PI) / 180 : 0
    const renderStart = performance.now()
    let renderMs = 0
    let encodeMs = 0
    for (let i = 0; i < frames; i++) {
      if (signal?.aborted) throw abortError()
      const step = frameStep(i, frames, settings.fromStep, settings.toStep)
      const a = performance.now()
      renderer.render({ t: step / every, step, angle: frames > 1 ? (turn * i) / frames : 0 })
      const b = performance.now()
      // Explicit timestamps: frame i is shown from i/fps for 1/fps, whatever the wall clock did.
      await source.add(i / fps, 1 / fps)
      renderMs += b - a
      encodeMs += performance.now() - b
      const done = i + 1
      const per = (performance.now() - renderStart) / 1000 / done
      onProgress({ phase: 'rendering', frame: done, frames, elapsed: elapsed(), eta: per * (frames - done) })
      await yieldNow()
    }
    if (signal?.aborted) throw abortError()
    onProgress({ phase: 'finishing', frame: frames, frames, elapsed: elapsed(), eta: null })
    await output.finalize()
    if (signal?.aborted) throw abortError()
    if (!target.buffer) throw new Error('the encoder produced no data')
    const seconds = elapsed()
    return {
      blob: new Blob([target.buffer], { type: info.mime }),
      frames,
      codecString,
      seconds,
      msPerFrame: (performance.now() - renderStart) / frames,
      renderMsPerFrame: renderMs / frames,
      encodeMsPerFrame: encodeMs / frames,
    }
  } catch (err) {
    if (output && output.state !== 'finalized' && output.state !== 'canceled') await output.cancel().catch(() => undefined)
    throw err
  } finally {
    renderer?.dispose()
  }
}

/** A PNG of the view at `settings`' size, at kept point `t` (the on-screen playhead). */
export async function renderImage(data: ExportData, settings: ImageSettings, t: number): Promise<Blob> {
  const problem = sizeProblem(settings.width, settings.height)
  if (problem) throw new ExportError(problem)
  const renderer = await createOffscreenRenderer(data, {
    width: settings.width,
    height: settings.height,
    overlays: settings.overlays ?? NO_OVERLAYS,
    title: settings.title,
  })
  try {
    const step = Math.min(data.lastStep, Math.round(t) * Math.max(1, data.job.every))
    renderer.render({ t, step, angle: 0 })
    const blob = await new Promise<Blob | null>((resolve) => renderer.canvas.toBlob(resolve, 'image/png'))
    if (!blob) throw new Error('the PNG encoder failed')
    return blob
  } finally {
    renderer.dispose()
  }
}
