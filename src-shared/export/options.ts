/**
 * What an export is, as plain data and pure functions (no DOM, no three): video settings and
 * their checks, the codec string per size, which optimizer step each frame shows, file names.
 * The export dialog, the automation hook and `gradscape render` all go through these.
 */

export type VideoCodecChoice = 'h264' | 'vp9' | 'av1'
export type Container = 'mp4' | 'webm'
export type CameraMotion = 'fixed' | 'orbit'

export interface CodecInfo {
  readonly container: Container
  readonly label: string
  /** mediabunny's codec name. */
  readonly codec: 'avc' | 'vp9' | 'av1'
  readonly mime: string
}

export const CODECS: { readonly [K in VideoCodecChoice]: CodecInfo } = {
  h264: { container: 'mp4', label: 'MP4 · H.264', codec: 'avc', mime: 'video/mp4' },
  vp9: { container: 'webm', label: 'WebM · VP9', codec: 'vp9', mime: 'video/webm' },
  av1: { container: 'webm', label: 'WebM · AV1', codec: 'av1', mime: 'video/webm' },
}

export const SIZE_PRESETS = {
  '720p': [1280, 720],
  '1080p': [1920, 1080],
  '4k': [3840, 2160],
} as const satisfies Record<string, readonly [number, number]>
export type SizePreset = keyof typeof SIZE_PRESETS | 'custom'

export const MIN_SIZE = 16
export const MAX_SIZE = 4096
/** Largest frame (pixels): H.264 level 5.2's 36 864 macroblocks, a little over 4K UHD. */
export const MAX_PIXELS = 4096 * 2304
export const MAX_FPS = 120
export const MAX_FRAMES = 100_000

export interface Overlays {
  readonly title: boolean
  /** "step 120 / 300" */
  readonly steps: boolean
  readonly legend: boolean
  /** The loss chart, with a cursor at the frame's step. */
  readonly chart: boolean
}

export const ALL_OVERLAYS: Overlays = { title: true, steps: true, legend: true, chart: true }
export const NO_OVERLAYS: Overlays = { title: false, steps: false, legend: false, chart: false }

export interface VideoSettings {
  readonly codec: VideoCodecChoice
  readonly width: number
  readonly height: number
  readonly fps: number
  readonly frames: number
  /** Optimizer steps shown by the first and the last frame (inclusive, evenly spaced between). */
  readonly fromStep: number
  readonly toStep: number
  readonly camera: CameraMotion
  /** Degrees the orbiting camera turns over the whole video. */
  readonly orbitDegrees: number
  readonly title: string
  readonly overlays: Overlays
}

export interface ImageSettings {
  readonly width: number
  readonly height: number
  readonly title: string
  readonly overlays: Overlays
}

/** Why a frame size is refused, or null. */
export function sizeProblem(width: number, height: number): string | null {
  for (const [name, v] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(v) || v < MIN_SIZE || v > MAX_SIZE)
      return `${name} must be a whole number of pixels from ${MIN_SIZE} to ${MAX_SIZE}, got ${v}`
  }
  if (width * height > MAX_PIXELS)
    return `${width}×${height} is larger than the largest frame that can be encoded (${MAX_PIXELS.toLocaleString('en-US')} pixels, a little over 4K)`
  return null
}

/** Why video settings are refused, or null. `lastStep` is the run's last optimizer step. */
export function videoProblem(s: VideoSettings, lastStep: number): string | null {
  if (!(s.codec in CODECS)) return `codec must be one of ${Object.keys(CODECS).join(', ')}`
  const size = sizeProblem(s.width, s.height)
  if (size) return size
  if (s.width % 2 !== 0 || s.height % 2 !== 0) return `video sizes must be even (4:2:0 chroma), got ${s.width}×${s.height}`
  if (!(Number.isFinite(s.fps) && s.fps >= 1 && s.fps <= MAX_FPS)) return `fps must be from 1 to ${MAX_FPS}, got ${s.fps}`
  if (!(Number.isInteger(s.frames) && s.frames >= 1 && s.frames <= MAX_FRAMES))
    return `frames must be a whole number from 1 to ${MAX_FRAMES}, got ${s.frames}`
  if (!(Number.isFinite(s.fromStep) && Number.isFinite(s.toStep))) return 'the step range must be numbers'
  if (s.fromStep < 0 || s.toStep > lastStep || s.fromStep > s.toStep)
    return `the step range must lie within 0…${lastStep} with from ≤ to, got ${s.fromStep}…${s.toStep}`
  if (s.camera !== 'fixed' && s.camera !== 'orbit') return 'camera must be fixed or orbit'
  if (!Number.isFinite(s.orbitDegrees)) return 'the orbit angle must be a number'
  return null
}

/** The optimizer step frame `i` of `frames` shows (fractional between kept points). */
export function frameStep(i: number, frames: number, fromStep: number, toStep: number): number {
  if (frames <= 1) return toStep
  return fromStep + ((toStep - fromStep) * i) / (frames - 1)
}

/** Frames for a duration (seconds) at `fps`: at least one. */
export const framesFor = (seconds: number, fps: number): number => Math.max(1, Math.round(seconds * fps))

/** Seconds a playback speed (steps per second of video) takes over a step range. */
export const durationFor = (fromStep: number, toStep: number, stepsPerSecond: number): number =>
  stepsPerSecond > 0 ? Math.max(0, toStep - fromStep) / stepsPerSecond : 0

/**
 * Scale of everything drawn in pixels (line widths, points, overlays) relative to the 720p
 * layout: a 1080p export looks like a 720p one, only sharper. Never below ½, so tiny previews
 * keep visible lines.
 */
export function renderScale(width: number, height: number): number {
  return Math.max(0.5, overlayScale(width, height))
}

/**
 * Scale of the overlays (title, legend, chart, counter): exactly the 720p layout at any size, so
 * a small preview is a miniature of the full-size video rather than a frame filled with cards.
 */
export function overlayScale(width: number, height: number): number {
  return Math.min(width, height) / 720
}

// ---- codec strings ----

/** H.264 High profile levels: [level_idc, max frame size (macroblocks), max macroblocks per second]. */
const AVC_HIGH_LEVELS: ReadonlyArray<readonly [number, number, number]> = [
  [0x28, 8192, 245_760], // 4.0: 1080p30 (avc1.640028)
  [0x2a, 8704, 522_240], // 4.2: 1080p60
  [0x32, 22_080, 589_824], // 5.0
  [0x33, 36_864, 983_040], // 5.1: 4K30
  [0x34, 36_864, 2_073_600], // 5.2: 4K60
]

/**
 * Full codec strings to try, best first. H.264 is High profile at the lowest level that holds
 * the frame size and rate (avc1.640028 up to 1080p30), with Constrained Baseline 3.1
 * (avc1.42001f) as the fallback where it fits; VP9 (profile 0, 8 bit) and AV1 (main, 8 bit)
 * leave the level to mediabunny, which derives it from the size (undefined = automatic).
 */
export function codecCandidates(codec: VideoCodecChoice, width: number, height: number, fps: number): Array<string | undefined> {
  if (codec !== 'h264') return [undefined]
  const mbs = Math.ceil(width / 16) * Math.ceil(height / 16)
  const level = AVC_HIGH_LEVELS.find(([, fs, mbps]) => mbs <= fs && mbs * fps <= mbps) ?? AVC_HIGH_LEVELS[AVC_HIGH_LEVELS.length - 1]
  const out: Array<string | undefined> = [`avc1.6400${level[0].toString(16)}`]
  if (mbs <= 3600 && mbs * fps <= 108_000) out.push('avc1.42001f')
  out.push(undefined)
  return out
}

/** "1280x720" (or 1280×720) → [1280, 720]; null when it does not read as a size. */
export function parseSize(text: string): [number, number] | null {
  const m = /^\s*(\d{1,5})\s*[x×X]\s*(\d{1,5})\s*$/.exec(text)
  return m ? [Number(m[1]), Number(m[2])] : null
}

/** A file name that is safe on every platform: letters, digits, dot, dash, underscore. */
export function safeFileName(base: string, ext: string): string {
  const clean = base
    .normalize('NFKD')
    .replace(/[^\w.-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 120)
  return `${clean || 'gradscape'}.${ext}`
}

/** "1:05" style duration. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–'
  const s = Math.round(seconds)
  const m = Math.floor(s / 60)
  const h = Math.floor(m / 60)
  const pad = (n: number) => String(n).padStart(2, '0')
  return h > 0 ? `${h}:${pad(m % 60)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`
}
