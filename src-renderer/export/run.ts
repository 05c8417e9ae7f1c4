/**
 * Running an export: the one code path behind the dialog's buttons and the automation hook
 * that `gradscape render` drives. Each task freezes what is on screen, asks where the file goes
 * (Electron) before any long work, reports progress, and ends with one outcome: saved, failed
 * (the reason is shown; the session is untouched) or cancelled (nothing is written).
 */
import { job } from '../data/job-data'
import { clock, pause } from '../data/playback'
import { sessionFileName } from '../ui/session'
import { showMessage, useUi } from '../store/ui-store'
import { chartPng, chartSvg } from './chart-file'
import { trajectoriesCsv, trajectoriesJson } from './data'
import { trajectoriesNpz } from './data-npz'
import { CODECS, durationFor, framesFor, SIZE_PRESETS, type VideoSettings } from './options'
import { chooseDestination, type Destination } from './save'
import { captureExport, type ExportData, exportBlocker } from './snapshot'
import { type ExportOutcome, type ExportTask, type ImageForm, setOutcome, useExport, type VideoForm } from './state'
import { encodeVideo, ExportError, type ExportProgress, isAbort, renderImage, type VideoResult } from './video'

/** Base of every export's file name: gradscape-<landscape>-<date>-<time>. */
export function exportBaseName(): string {
  return sessionFileName(useUi.getState().scenario).replace(/\.json$/, '')
}

/** The step the form's range ends at. */
export const formToStep = (form: VideoForm, lastStep: number): number =>
  form.toStep === null ? lastStep : Math.max(0, Math.min(lastStep, form.toStep))
export const formFromStep = (form: VideoForm, lastStep: number): number => Math.max(0, Math.min(lastStep, form.fromStep))

export function formFrames(form: VideoForm, lastStep: number): number {
  const from = formFromStep(form, lastStep)
  const to = formToStep(form, lastStep)
  const seconds = form.timing === 'duration' ? form.duration : durationFor(from, to, form.speed)
  return framesFor(seconds, form.fps)
}

export function formSize(form: { size: string; custom: readonly [number, number] }): [number, number] {
  if (form.size === 'custom') return [form.custom[0], form.custom[1]]
  if (form.size === 'view') {
    const c = document.querySelector<HTMLCanvasElement>('[data-testid=scene-canvas] canvas')
    return c ? [c.width, c.height] : [1280, 720]
  }
  const p = SIZE_PRESETS[form.size as keyof typeof SIZE_PRESETS]
  return p ? [p[0], p[1]] : [1280, 720]
}

export function videoSettings(form: VideoForm, data: Pick<ExportData, 'lastStep' | 'defaultTitle'>): VideoSettings {
  const [width, height] = formSize(form)
  return {
    codec: form.codec,
    width,
    height,
    fps: form.fps,
    frames: formFrames(form, data.lastStep),
    fromStep: formFromStep(form, data.lastStep),
    toStep: formToStep(form, data.lastStep),
    camera: form.camera,
    orbitDegrees: form.orbitDegrees,
    title: form.title.trim() || data.defaultTitle,
    overlays: form.overlays,
  }
}

const errorText = (err: unknown) => (err as Error)?.message ?? String(err)

/**
 * One task at a time: marks it running, maps its end to an outcome (and a toast for failures),
 * and clears it. `work` returns the success text, or null when the user cancelled a dialog.
 */
async function runTask(
  kind: ExportTask['kind'],
  work: (hooks: { signal: AbortSignal; progress: (p: ExportProgress) => void }) => Promise<string | null>,
): Promise<ExportOutcome> {
  if (useExport.getState().task) {
    setOutcome('error', 'Another export is running.')
    return useExport.getState().outcome!
  }
  const controller = new AbortController()
  useExport.setState({ task: { kind, progress: null, cancel: () => controller.abort() }, outcome: null, pending: null })
  // Once the file is being written there is nothing left to cancel.
  const progress = (p: ExportProgress) =>
    useExport.setState((s) => (s.task ? { task: { ...s.task, progress: p, cancel: p.phase === 'saving' ? null : s.task.cancel } } : {}))
  try {
    const text = await work({ signal: controller.signal, progress })
    if (text === null) setOutcome('cancelled', 'Cancelled: nothing was saved.')
    else setOutcome('ok', text)
  } catch (err) {
    if (isAbort(err)) setOutcome('cancelled', 'Cancelled: nothing was saved.')
    else {
      const text = err instanceof ExportError ? errorText(err) : `Could not export: ${errorText(err)}`
      setOutcome('error', text)
      showMessage('error', text)
    }
  } finally {
    useExport.setState({ task: null })
  }
  return useExport.getState().outcome!
}

/**
 * Write `blob` to `dest`, naming the file in any failure. The finished export is kept so that
 * "Save again…" can retry the write without rendering again.
 */
async function save(dest: Destination, blob: Blob, summary: string): Promise<void> {
  try {
    await dest.write(blob)
  } catch (err) {
    useExport.setState({ pending: { blob, suggestedName: dest.name, summary } })
    throw new ExportError(`Could not save ${dest.name}: ${errorText(err)}. Nothing else changed: save it again, or export again.`)
  }
}

/** Retry the write of an export whose save failed (asks where again in the desktop app). */
export function saveAgain(): Promise<ExportOutcome> {
  const pending = useExport.getState().pending
  return runTask('data', async ({ progress }) => {
    if (!pending) throw new ExportError('There is nothing to save again.')
    const dest = await chooseDestination(pending.suggestedName)
    if (!dest) {
      useExport.setState({ pending })
      return null
    }
    progress({ phase: 'saving', frame: 1, frames: 1, elapsed: 0, eta: null })
    await save(dest, pending.blob, pending.summary)
    return `Saved ${dest.name} (${dest.where}): ${pending.summary}`
  })
}

const kb = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} kB`

/** The last video export's numbers (for the automation hook and the CLI's summary line). */
export let lastVideo: (VideoResult & { readonly name: string; readonly settings: VideoSettings; readonly bytes: number }) | null = null

export function startVideoExport(): Promise<ExportOutcome> {
  return runTask('video', async ({ signal, progress }) => {
    const blocker = exportBlocker()
    if (blocker) throw new ExportError(blocker)
    if (useUi.getState().playing) pause()
    const data = captureExport()
    const settings = videoSettings(useExport.getState().video, data)
    const info = CODECS[settings.codec]
    const dest = await chooseDestination(`${exportBaseName()}.${info.container}`)
    if (!dest) return null
    const result = await encodeVideo(data, settings, progress, signal)
    progress({ phase: 'saving', frame: result.frames, frames: result.frames, elapsed: result.seconds, eta: null })
    const summary = `${result.frames} frames, ${settings.width}×${settings.height} at ${settings.fps} fps, ${result.codecString}, ${kb(result.blob.size)}`
    await save(dest, result.blob, summary)
    lastVideo = { ...result, name: dest.name, settings, bytes: result.blob.size }
    return `Saved ${dest.name} (${dest.where}): ${summary}, rendered in ${result.seconds.toFixed(1)} s (${Math.round(result.msPerFrame)} ms per frame).`
  })
}

export function imageSize(form: ImageForm): [number, number] {
  return formSize(form)
}

export function startImageExport(): Promise<ExportOutcome> {
  return runTask('image', async ({ progress }) => {
    const blocker = exportBlocker(false)
    if (blocker) throw new ExportError(blocker)
    const data = captureExport()
    const form = useExport.getState().image
    const [width, height] = imageSize(form)
    const dest = await chooseDestination(`${exportBaseName()}.png`)
    if (!dest) return null
    progress({ phase: 'rendering', frame: 0, frames: 1, elapsed: 0, eta: null })
    const blob = await renderImage(data, { width, height, title: form.title.trim() || data.defaultTitle, overlays: form.overlays }, clock.t)
    const summary = `${width}×${height} PNG, ${kb(blob.size)}.`
    await save(dest, blob, summary)
    return `Saved ${dest.name} (${dest.where}): ${summary}`
  })
}

export function startChartExport(format: 'png' | 'svg'): Promise<ExportOutcome> {
  return runTask('chart', async () => {
    const blocker = exportBlocker(false)
    if (blocker) throw new ExportError(blocker)
    const data = captureExport()
    const form = useExport.getState().chart
    const loss = {
      loss: data.job.loss,
      runs: data.job.runs.length,
      starts: data.job.starts,
      kept: data.job.kept,
      received: data.job.received,
      every: data.job.every,
      flows: data.job.flows.map((f) => f.predictedLoss),
    }
    const options = {
      width: form.width,
      height: form.height,
      colors: data.colors,
      hidden: data.look.hidden,
      labels: data.labels,
      title: data.defaultTitle,
      flowCount: data.job.flows.length,
    }
    const dest = await chooseDestination(`${exportBaseName()}-loss.${format}`)
    if (!dest) return null
    const blob =
      format === 'svg' ? new Blob([chartSvg(loss, options)], { type: 'image/svg+xml' }) : await chartPng(loss, options, form.scale)
    const summary = `the loss chart as ${format.toUpperCase()}, ${kb(blob.size)}.`
    await save(dest, blob, summary)
    return `Saved ${dest.name} (${dest.where}): ${summary}`
  })
}

export function startDataExport(format: 'csv' | 'json' | 'npz'): Promise<ExportOutcome> {
  return runTask('data', async () => {
    const blocker = exportBlocker()
    if (blocker) throw new ExportError(blocker)
    const data = captureExport()
    const which = useExport.getState().selection
    const input = { job: data.job, hidden: data.look.hidden, scenario: data.scenario, generator: `Gradscape ${data.version}`.trim() }
    const dest = await chooseDestination(`${exportBaseName()}-trajectories.${format}`)
    if (!dest) return null
    const blob =
      format === 'npz'
        ? new Blob(trajectoriesNpz(input, which) as BlobPart[], { type: 'application/octet-stream' })
        : new Blob([format === 'csv' ? trajectoriesCsv(input, which) : trajectoriesJson(input, which)], {
            type: format === 'csv' ? 'text/csv' : 'application/json',
          })
    const summary = `${which === 'all' ? 'every run' : "the shown optimizers' runs"} as ${format === 'npz' ? 'NumPy .npz' : format.toUpperCase()}, ${kb(blob.size)}.`
    await save(dest, blob, summary)
    return `Saved ${dest.name} (${dest.where}): ${summary}`
  })
}

/** Whether the job on screen is complete (a video needs every step). */
export const jobComplete = (): boolean => job.done
