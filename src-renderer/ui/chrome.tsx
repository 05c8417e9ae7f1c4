/** Window chrome: top bar (file, history, help), view toolbar, help overlay, message toast. */
import { useEffect } from 'react'
import { useConnectionState } from './connection'
import { SHORTCUTS } from './keyboard'
import { surfaceData } from '../data/job-data'
import { cameraControls } from '../scene/CameraRig'
import { heightMap } from '../scene/height'
import { useSurface } from '../scene/Scene'
import { clearMessage, type HeightScale, redo, setView, undo, useUi } from '../store/ui-store'
import { Segmented } from './controls'
import { IconCamera, IconClose, IconRedo, IconUndo } from './icons'
import { WhatAmILookingAt } from './WhatHelp'

export function TopBar({
  onOpen,
  onSave,
  onExport,
  onExportDialog,
  onShare,
  onOpenLink,
}: {
  readonly onShare: () => void
  readonly onOpenLink: () => void
  readonly onOpen: () => void
  readonly onSave: () => void
  readonly onExport: () => void
  readonly onExportDialog: () => void
}) {
  const canUndo = useUi((s) => s.past.length > 0)
  const canRedo = useUi((s) => s.future.length > 0)
  const info = useUi((s) => s.info)
  // The engine path this session asks for (the playback bar names the backend that ran the job).
  const path = useUi((s) => (s.scenario.extra.precision === 'float32' ? 'float32 kernels' : 'float64'))
  const file = useUi((s) => s.currentFile)
  const conn = useConnectionState()
  return (
    <header className="topbar">
      <div className="brand">
        <span className="logo" aria-hidden="true" />
        <span className="name">Gradscape</span>
        {file ? (
          <span className="tagline mono" title={file.path ?? file.name}>
            {file.name}
          </span>
        ) : (
          <span className="tagline">watch optimizers think</span>
        )}
      </div>
      <div className="toolbar">
        <button type="button" className="btn" onClick={onOpen} title="Open a session (Ctrl+O)" data-testid="open">
          Open…
        </button>
        <button type="button" className="btn" onClick={onSave} title="Save the session (Ctrl+S)" data-testid="save">
          Save
        </button>
        <button type="button" className="btn" onClick={onShare} title="A link that opens this session (the web host)" data-testid="share">
          Share link
        </button>
        <button
          type="button"
          className="btn"
          onClick={onOpenLink}
          title="Open a shared session from its link (Ctrl+Shift+O)"
          data-testid="open-link"
        >
          Open link…
        </button>
        <button type="button" className="btn" onClick={onExport} title="Save a PNG of the 3-D view as it is on screen" data-testid="export">
          Export PNG
        </button>
        <button
          type="button"
          className="btn"
          onClick={onExportDialog}
          title="Export a video, an image at any size, the loss chart or the trajectories (Ctrl+E)"
          data-testid="export-open"
        >
          Export…
        </button>
        <span className="sep" />
        <button type="button" className="btn" onClick={undo} disabled={!canUndo} title="Undo (Ctrl+Z)" data-testid="undo">
          <IconUndo size={14} /> Undo
        </button>
        <button type="button" className="btn" onClick={redo} disabled={!canRedo} title="Redo (Ctrl+Shift+Z)" data-testid="redo">
          <IconRedo size={14} /> Redo
        </button>
        <span className="sep" />
        <button
          type="button"
          className="btn"
          onClick={() => useUi.setState({ helpOpen: true })}
          title="Keyboard shortcuts (?)"
          data-testid="help"
        >
          ? Help
        </button>
      </div>
      <div
        className={`status-pill ${conn}`}
        title={info ? `Gradscape ${info.version} · ${info.host} host · engine: ${info.backend}` : ''}
        data-testid="connection"
      >
        <span className="dot" />
        {conn === 'open' ? (info ? `${info.host} · ${path}` : 'connected') : conn === 'connecting' ? 'connecting…' : 'disconnected'}
      </div>
    </header>
  )
}

export function ViewToolbar() {
  const view = useUi((s) => s.view)
  const eosOpen = useUi((s) => s.eosOpen)
  const surface = useSurface()
  const autoIsLog = surface ? heightMap(surface, 'auto').log : false
  return (
    <div className="view-toolbar card" data-testid="view-toolbar" data-surface-version={surfaceData.version}>
      <Segmented<'3d' | 'top'>
        label="Camera"
        value={view.topDown ? 'top' : '3d'}
        testId="view-mode"
        options={[
          { value: '3d', label: '3-D', title: 'Orbit view (T)' },
          { value: 'top', label: 'Top', title: 'Top-down view (T)' },
        ]}
        onChange={(v) => setView({ topDown: v === 'top' })}
      />
      <Segmented<HeightScale>
        label="Height scale"
        value={view.heightScale}
        testId="height-scale"
        options={[
          {
            value: 'auto',
            label: `Auto${surface ? (autoIsLog ? ' (log)' : ' (lin)') : ''}`,
            title: 'Log when the landscape spans orders of magnitude (L)',
          },
          { value: 'linear', label: 'Linear', title: 'Height ∝ loss (L)' },
          { value: 'log', label: 'Log', title: 'Height ∝ log(loss − min) (L)' },
        ]}
        onChange={(v) => setView({ heightScale: v })}
      />
      <label className="check small" title="Contour lines (C)">
        <input type="checkbox" checked={view.contours} onChange={(e) => setView({ contours: e.target.checked })} />
        Contours
      </label>
      <label className="check small" title="Shadows of the trajectories on the floor (F)">
        <input type="checkbox" checked={view.floorPaths} onChange={(e) => setView({ floorPaths: e.target.checked })} />
        Shadows
      </label>
      <label className="check small" title="Edge-of-stability view: loss, sharpness vs its threshold, oscillation (E)">
        <input type="checkbox" checked={eosOpen} data-testid="eos-toggle" onChange={(e) => useUi.setState({ eosOpen: e.target.checked })} />
        EoS
      </label>
      <button
        type="button"
        className="icon-btn"
        title="Reset the camera (R)"
        aria-label="Reset the camera"
        onClick={() => cameraControls.reset()}
      >
        <IconCamera size={15} />
      </button>
    </div>
  )
}

export function HelpOverlay() {
  const open = useUi((s) => s.helpOpen)
  if (!open) return null
  const close = () => useUi.setState({ helpOpen: false })
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-label="Help" data-testid="help-overlay" onClick={close}>
      <div className="dialog help-dialog" onClick={(e) => e.stopPropagation()}>
        <div className="dialog-head">
          <h2>Help</h2>
          <button type="button" className="icon-btn" aria-label="Close" onClick={close}>
            <IconClose />
          </button>
        </div>
        <WhatAmILookingAt />
        <h3 className="help-subhead">Keyboard shortcuts</h3>
        <div className="shortcut-groups">
          {SHORTCUTS.map((g) => (
            <div key={g.group} className="shortcut-group">
              <h3>{g.group}</h3>
              <dl>
                {g.items.map((s) => (
                  <div key={s.action} className="shortcut">
                    <dt>
                      {s.keys.map((k, i) => (
                        <span key={k}>
                          {i > 0 && <span className="or"> / </span>}
                          <kbd>{k}</kbd>
                        </span>
                      ))}
                    </dt>
                    <dd>{s.action}</dd>
                  </div>
                ))}
              </dl>
            </div>
          ))}
        </div>
        <p className="dialog-foot muted">
          Drag a hyperparameter slider and the run restarts on every move. Hover a hyperparameter for its meaning and the optimizer&apos;s
          update rule. Sessions are scenario files: <code>npm run cli -- run session.json</code> runs one headless.
        </p>
      </div>
    </div>
  )
}

export function AboutDialog() {
  const open = useUi((s) => s.aboutOpen)
  const info = useUi((s) => s.info)
  if (!open) return null
  const close = () => useUi.setState({ aboutOpen: false })
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-label="About Gradscape" onClick={close}>
      <div className="dialog about" onClick={(e) => e.stopPropagation()}>
        <div className="dialog-head">
          <h2>
            <span className="logo" aria-hidden="true" /> Gradscape {info?.version ?? ''}
          </h2>
          <button type="button" className="icon-btn" aria-label="Close" onClick={close}>
            <IconClose />
          </button>
        </div>
        <p>
          A lab for watching optimizers think: many trajectories of torch.optim&apos;s optimizers over 2-D loss landscapes, in 3-D and in
          real time.
        </p>
        <p className="muted">
          Host: {info?.host ?? '…'} · engine: {info?.backend ?? '…'} · {info?.optimizers.length ?? 0} optimizers ·{' '}
          {info?.presets.length ?? 0} landscapes
        </p>
      </div>
    </div>
  )
}

export function Toast() {
  const message = useUi((s) => s.message)
  useEffect(() => {
    if (!message) return
    const t = setTimeout(clearMessage, message.kind === 'error' ? 9000 : 3500)
    return () => clearTimeout(t)
  }, [message])
  if (!message) return null
  return (
    <div className={`toast ${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'} data-testid={`toast-${message.kind}`}>
      <span>{message.text}</span>
      <button type="button" className="icon-btn" aria-label="Dismiss" onClick={clearMessage}>
        <IconClose size={13} />
      </button>
    </div>
  )
}

export function JobProblemBanner() {
  const problem = useUi((s) => s.jobProblem)
  if (!problem) return null
  return (
    <div className="problem-banner" role="alert" data-testid="job-problem">
      <strong>Not run:</strong> {problem.message}
    </div>
  )
}
