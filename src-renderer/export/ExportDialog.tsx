/**
 * The Export dialog: video (format, size, frame rate, step range, duration or speed, camera,
 * overlays), image (a PNG of the view at a chosen resolution), the loss chart (PNG, SVG) and the
 * trajectories (CSV, JSON). While an export runs: a progress bar with the time left and Cancel.
 */
import { type ReactNode, useEffect } from 'react'
import { job } from '../data/job-data'
import { useUi } from '../store/ui-store'
import { NumberField, Segmented } from '../ui/controls'
import { IconClose } from '../ui/icons'
import { useJobVersion } from '../ui/Legend'
import {
  CODECS,
  formatDuration,
  MAX_FPS,
  MAX_SIZE,
  MIN_SIZE,
  type Overlays,
  type SizePreset,
  type VideoCodecChoice,
  videoProblem,
} from './options'
import {
  formFromStep,
  formSize,
  formToStep,
  imageSize,
  saveAgain,
  startChartExport,
  startDataExport,
  startImageExport,
  startVideoExport,
  videoSettings,
} from './run'
import { defaultTitle, exportBlocker } from './snapshot'
import { closeExport, type ExportTab, patchChart, patchImage, patchVideo, useExport } from './state'

const TABS: ReadonlyArray<{ value: ExportTab; label: string }> = [
  { value: 'video', label: 'Video' },
  { value: 'image', label: 'Image' },
  { value: 'chart', label: 'Loss chart' },
  { value: 'data', label: 'Trajectories' },
]

function Row({ label, children, hint }: { readonly label: string; readonly children: ReactNode; readonly hint?: ReactNode }) {
  return (
    <div className="export-row">
      <span className="export-label">{label}</span>
      <div className="export-control">
        {children}
        {hint && <span className="hint">{hint}</span>}
      </div>
    </div>
  )
}

function SizeRow({
  size,
  custom,
  onSize,
  onCustom,
  withView,
  testId,
}: {
  readonly size: string
  readonly custom: readonly [number, number]
  readonly onSize: (s: SizePreset | 'view') => void
  readonly onCustom: (c: [number, number]) => void
  readonly withView?: boolean
  readonly testId: string
}) {
  const options: Array<{ value: SizePreset | 'view'; label: string; title?: string }> = [
    ...(withView ? [{ value: 'view' as const, label: 'View', title: 'The size of the 3-D view on screen' }] : []),
    { value: '720p', label: '720p', title: '1280 × 720' },
    { value: '1080p', label: '1080p', title: '1920 × 1080' },
    { value: '4k', label: '4K', title: '3840 × 2160' },
    { value: 'custom', label: 'Custom' },
  ]
  const [w, h] = formSize({ size, custom })
  return (
    <Row label="Size">
      <Segmented<SizePreset | 'view'>
        label="Size"
        value={size as SizePreset | 'view'}
        options={options}
        onChange={onSize}
        testId={testId}
      />
      {size === 'custom' ? (
        <span className="export-inline">
          <NumberField
            label="Width"
            value={custom[0]}
            integer
            min={MIN_SIZE}
            max={MAX_SIZE}
            width={64}
            testId={`${testId}-width`}
            onCommit={(v) => onCustom([v, custom[1]])}
          />
          <span className="muted">×</span>
          <NumberField
            label="Height"
            value={custom[1]}
            integer
            min={MIN_SIZE}
            max={MAX_SIZE}
            width={64}
            testId={`${testId}-height`}
            onCommit={(v) => onCustom([custom[0], v])}
          />
          <span className="muted">px</span>
        </span>
      ) : (
        <span className="muted mono">
          {w} × {h}
        </span>
      )}
    </Row>
  )
}

function OverlayChecks({
  value,
  onChange,
  title,
  onTitle,
  placeholder,
  prefix,
}: {
  readonly value: Overlays
  readonly onChange: (o: Overlays) => void
  readonly title: string
  readonly onTitle: (t: string) => void
  readonly placeholder: string
  readonly prefix: string
}) {
  const check = (key: keyof Overlays, label: string) => (
    <label className="check small">
      <input
        type="checkbox"
        checked={value[key]}
        data-testid={`${prefix}-overlay-${key}`}
        onChange={(e) => onChange({ ...value, [key]: e.target.checked })}
      />
      {label}
    </label>
  )
  return (
    <>
      <Row label="Overlays">
        <span className="export-inline wrap">
          {check('title', 'Title')}
          {check('steps', 'Step counter')}
          {check('legend', 'Legend')}
          {check('chart', 'Loss chart')}
        </span>
      </Row>
      {value.title && (
        <Row label="Title">
          <input
            type="text"
            className="text-field"
            value={title}
            placeholder={placeholder}
            maxLength={120}
            data-testid={`${prefix}-title`}
            onChange={(e) => onTitle(e.target.value)}
          />
        </Row>
      )}
    </>
  )
}

function VideoTab({ busy }: { readonly busy: boolean }) {
  useJobVersion(250)
  const form = useExport((s) => s.video)
  const scenario = useUi((s) => s.scenario)
  const info = useUi((s) => s.info)
  const lastStep = Math.max(0, (job.kept - 1) * Math.max(1, job.every))
  const settings = videoSettings(form, { lastStep, defaultTitle: defaultTitle(scenario, info) })
  const problem = videoProblem(settings, lastStep)
  const blocker = exportBlocker()
  const seconds = settings.frames / Math.max(1, settings.fps)
  const from = formFromStep(form, lastStep)
  const to = formToStep(form, lastStep)
  return (
    <div className="export-body" data-testid="export-video">
      <Row label="Format">
        <Segmented<VideoCodecChoice>
          label="Format"
          value={form.codec}
          testId="export-codec"
          options={(Object.keys(CODECS) as VideoCodecChoice[]).map((c) => ({ value: c, label: CODECS[c].label }))}
          onChange={(codec) => patchVideo({ codec })}
        />
      </Row>
      <SizeRow
        size={form.size}
        custom={form.custom}
        testId="export-size"
        onSize={(size) => patchVideo({ size: size as SizePreset })}
        onCustom={(custom) => patchVideo({ custom })}
      />
      <Row label="Frame rate">
        <span className="export-inline">
          <NumberField
            label="Frames per second"
            value={form.fps}
            integer
            min={1}
            max={MAX_FPS}
            width={56}
            testId="export-fps"
            onCommit={(fps) => patchVideo({ fps })}
          />
          <span className="muted">fps</span>
        </span>
      </Row>
      <Row label="Steps" hint={`the run has steps 0 – ${lastStep}`}>
        <span className="export-inline">
          <NumberField
            label="From step"
            value={from}
            integer
            min={0}
            max={lastStep}
            width={72}
            testId="export-from"
            onCommit={(v) => patchVideo({ fromStep: v })}
          />
          <span className="muted">to</span>
          <NumberField
            label="To step"
            value={to}
            integer
            min={0}
            max={lastStep}
            width={72}
            testId="export-to"
            onCommit={(v) => patchVideo({ toStep: v >= lastStep ? null : v })}
          />
        </span>
      </Row>
      <Row label="Timing">
        <Segmented<'duration' | 'speed'>
          label="Timing"
          value={form.timing}
          testId="export-timing"
          options={[
            { value: 'speed', label: 'Playback speed' },
            { value: 'duration', label: 'Duration' },
          ]}
          onChange={(timing) => patchVideo({ timing })}
        />
        {form.timing === 'speed' ? (
          <span className="export-inline">
            <NumberField
              key="speed"
              label="Steps per second"
              value={form.speed}
              min={0.01}
              max={1e6}
              width={64}
              testId="export-speed"
              onCommit={(speed) => patchVideo({ speed })}
            />
            <span className="muted">steps / s</span>
          </span>
        ) : (
          <span className="export-inline">
            <NumberField
              key="duration"
              label="Duration (seconds)"
              value={form.duration}
              min={0.05}
              max={3600}
              width={64}
              testId="export-duration"
              onCommit={(duration) => patchVideo({ duration })}
            />
            <span className="muted">s</span>
          </span>
        )}
      </Row>
      <Row label="Camera">
        <Segmented<'fixed' | 'orbit'>
          label="Camera"
          value={form.camera}
          testId="export-camera"
          options={[
            { value: 'fixed', label: 'Fixed (this view)' },
            { value: 'orbit', label: 'Orbit' },
          ]}
          onChange={(camera) => patchVideo({ camera })}
        />
        {form.camera === 'orbit' && (
          <span className="export-inline">
            <NumberField
              label="Orbit angle (degrees)"
              value={form.orbitDegrees}
              min={-3600}
              max={3600}
              width={56}
              testId="export-orbit"
              onCommit={(orbitDegrees) => patchVideo({ orbitDegrees })}
            />
            <span className="muted">° over the video</span>
          </span>
        )}
      </Row>
      <OverlayChecks
        prefix="export"
        value={form.overlays}
        onChange={(overlays) => patchVideo({ overlays })}
        title={form.title}
        onTitle={(title) => patchVideo({ title })}
        placeholder={defaultTitle(scenario, info)}
      />
      <div className="export-summary" data-testid="export-summary" data-frames={settings.frames}>
        <div>
          <span className="mono">
            {settings.frames} frame{settings.frames === 1 ? '' : 's'}
          </span>
          <span className="muted">
            {' '}
            · {seconds < 60 ? `${seconds.toFixed(seconds < 10 ? 2 : 1)} s` : formatDuration(seconds)} at {settings.fps} fps ·{' '}
            {settings.width}×{settings.height} · {CODECS[settings.codec].label}
            {settings.camera === 'orbit' ? ` · orbit ${settings.orbitDegrees}°` : ''}
          </span>
        </div>
        {problem && (
          <div className="field-error" data-testid="export-problem">
            {problem}
          </div>
        )}
        {!problem && blocker && <div className="hint">{blocker}</div>}
      </div>
      <div className="export-actions">
        <button
          type="button"
          className="btn primary"
          disabled={busy || !!problem || !!blocker}
          data-testid="export-start"
          onClick={() => void startVideoExport()}
        >
          Export video
        </button>
      </div>
    </div>
  )
}

function ImageTab({ busy }: { readonly busy: boolean }) {
  useJobVersion(250)
  const form = useExport((s) => s.image)
  const scenario = useUi((s) => s.scenario)
  const info = useUi((s) => s.info)
  const [w, h] = imageSize(form)
  const blocker = exportBlocker(false)
  return (
    <div className="export-body" data-testid="export-image">
      <p className="hint">A PNG of the view as it is now (camera and playhead), rendered at the size you choose.</p>
      <SizeRow
        size={form.size}
        custom={form.custom}
        withView
        testId="image-size"
        onSize={(size) => patchImage({ size })}
        onCustom={(custom) => patchImage({ custom })}
      />
      <OverlayChecks
        prefix="image"
        value={form.overlays}
        onChange={(overlays) => patchImage({ overlays })}
        title={form.title}
        onTitle={(title) => patchImage({ title })}
        placeholder={defaultTitle(scenario, info)}
      />
      {blocker && <div className="hint">{blocker}</div>}
      <div className="export-actions">
        <button
          type="button"
          className="btn primary"
          disabled={busy || !!blocker}
          data-testid="image-start"
          onClick={() => void startImageExport()}
        >
          Export PNG ({w} × {h})
        </button>
      </div>
    </div>
  )
}

function ChartTab({ busy }: { readonly busy: boolean }) {
  useJobVersion(250)
  const form = useExport((s) => s.chart)
  const blocker = exportBlocker(false)
  return (
    <div className="export-body" data-testid="export-chart">
      <p className="hint">Loss against step for every run shown in the legend, with each optimizer&apos;s median, as on screen.</p>
      <Row label="Size">
        <span className="export-inline">
          <NumberField
            label="Chart width"
            value={form.width}
            integer
            min={240}
            max={4000}
            width={64}
            testId="chart-width"
            onCommit={(width) => patchChart({ width })}
          />
          <span className="muted">×</span>
          <NumberField
            label="Chart height"
            value={form.height}
            integer
            min={160}
            max={4000}
            width={64}
            testId="chart-height"
            onCommit={(height) => patchChart({ height })}
          />
          <span className="muted">px</span>
        </span>
      </Row>
      <Row label="PNG scale">
        <Segmented<'1' | '2' | '3'>
          label="PNG scale"
          value={String(form.scale) as '1' | '2' | '3'}
          testId="chart-scale"
          options={[
            { value: '1', label: '1×' },
            { value: '2', label: '2×' },
            { value: '3', label: '3×' },
          ]}
          onChange={(v) => patchChart({ scale: Number(v) })}
        />
        <span className="muted mono">
          {form.width * form.scale} × {form.height * form.scale}
        </span>
      </Row>
      {blocker && <div className="hint">{blocker}</div>}
      <div className="export-actions">
        <button
          type="button"
          className="btn primary"
          disabled={busy || !!blocker}
          data-testid="chart-png"
          onClick={() => void startChartExport('png')}
        >
          Export PNG
        </button>
        <button
          type="button"
          className="btn"
          disabled={busy || !!blocker}
          data-testid="chart-svg"
          onClick={() => void startChartExport('svg')}
        >
          Export SVG
        </button>
      </div>
    </div>
  )
}

function DataTab({ busy }: { readonly busy: boolean }) {
  useJobVersion(250)
  const selection = useExport((s) => s.selection)
  const hidden = useUi((s) => s.view.hidden)
  const blocker = exportBlocker()
  const shownRuns = job.starts * Math.max(0, job.optimizers - hidden.filter((i) => i < job.optimizers).length)
  return (
    <div className="export-body" data-testid="export-data">
      <p className="hint">
        Every kept point of each run (x, y, loss by step), with each run&apos;s hyperparameters (torch names, defaults filled in) and start
        point. JSON also carries the scenario. Values are the float32 numbers drawn here; <code>npm run cli -- run</code> gives float64.
      </p>
      <Row label="Runs">
        <Segmented<'all' | 'shown'>
          label="Runs"
          value={selection}
          testId="data-selection"
          options={[
            { value: 'all', label: `All runs (${job.runs.length})` },
            { value: 'shown', label: `Shown optimizers (${shownRuns})`, title: 'The optimizers not hidden in the legend' },
          ]}
          onChange={(v) => useExport.setState({ selection: v })}
        />
      </Row>
      {blocker && <div className="hint">{blocker}</div>}
      <div className="export-actions">
        <button
          type="button"
          className="btn primary"
          disabled={busy || !!blocker}
          data-testid="data-csv"
          onClick={() => void startDataExport('csv')}
        >
          Export CSV
        </button>
        <button
          type="button"
          className="btn"
          disabled={busy || !!blocker}
          data-testid="data-json"
          onClick={() => void startDataExport('json')}
        >
          Export JSON
        </button>
        <button
          type="button"
          className="btn"
          disabled={busy || !!blocker}
          data-testid="data-npz"
          title="np.load(file): trajectory [runs, points, 2], loss, hyperparameters, scenario"
          onClick={() => void startDataExport('npz')}
        >
          Export NumPy
        </button>
      </div>
    </div>
  )
}

function ProgressPanel() {
  const task = useExport((s) => s.task)
  const outcome = useExport((s) => s.outcome)
  const pending = useExport((s) => s.pending)
  if (task) {
    const p = task.progress
    const frac = p && p.frames > 0 ? p.frame / p.frames : 0
    const label =
      !p || p.phase === 'preparing'
        ? 'Preparing…'
        : p.phase === 'rendering'
          ? `Rendering frame ${p.frame} of ${p.frames}`
          : p.phase === 'finishing'
            ? 'Finishing the file…'
            : 'Saving…'
    return (
      <div
        className="export-progress"
        data-testid="export-progress"
        data-frame={p?.frame ?? 0}
        data-frames={p?.frames ?? 0}
        data-phase={p?.phase ?? 'preparing'}
      >
        <div className="progress-track" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(frac * 100)}>
          <div className="progress-fill" style={{ width: `${frac * 100}%` }} />
        </div>
        <div className="progress-text">
          <span>{label}</span>
          <span className="muted mono">
            {p ? `${formatDuration(p.elapsed)} elapsed` : ''}
            {p?.eta != null ? ` · about ${formatDuration(p.eta)} left` : ''}
          </span>
          {task.cancel && (
            <button type="button" className="btn small" data-testid="export-cancel" onClick={task.cancel}>
              Cancel
            </button>
          )}
        </div>
      </div>
    )
  }
  if (!outcome) return null
  return (
    <div
      className={`export-outcome ${outcome.kind}`}
      role={outcome.kind === 'error' ? 'alert' : 'status'}
      data-testid="export-outcome"
      data-kind={outcome.kind}
    >
      <span>{outcome.text}</span>
      {outcome.kind === 'error' && pending && (
        <button type="button" className="btn small" data-testid="export-save-again" onClick={() => void saveAgain()}>
          Save again…
        </button>
      )}
    </div>
  )
}

export function ExportDialog() {
  const open = useExport((s) => s.open)
  const tab = useExport((s) => s.tab)
  const busy = useExport((s) => s.task !== null)
  useEffect(() => {
    if (!open) return
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation()
        closeExport()
      }
    }
    window.addEventListener('keydown', onKey, true)
    return () => window.removeEventListener('keydown', onKey, true)
  }, [open])
  if (!open) return null
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-label="Export" data-testid="export-dialog" onClick={closeExport}>
      <div className="dialog export-dialog" onClick={(e) => e.stopPropagation()}>
        <div className="dialog-head">
          <h2>Export</h2>
          <button type="button" className="icon-btn" aria-label="Close" disabled={busy} onClick={closeExport}>
            <IconClose />
          </button>
        </div>
        <div className="export-tabs" role="tablist">
          {TABS.map((t) => (
            <button
              key={t.value}
              type="button"
              role="tab"
              aria-selected={tab === t.value}
              className={tab === t.value ? 'on' : ''}
              disabled={busy}
              data-testid={`export-tab-${t.value}`}
              onClick={() => useExport.setState({ tab: t.value, outcome: null })}
            >
              {t.label}
            </button>
          ))}
        </div>
        <fieldset className="export-fields" disabled={busy}>
          {tab === 'video' && <VideoTab busy={busy} />}
          {tab === 'image' && <ImageTab busy={busy} />}
          {tab === 'chart' && <ChartTab busy={busy} />}
          {tab === 'data' && <DataTab busy={busy} />}
        </fieldset>
        <ProgressPanel />
      </div>
    </div>
  )
}
