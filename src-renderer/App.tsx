/**
 * Gradscape's window: top bar; sidebar with the scenario panels; the 3-D view with its toolbar,
 * legend, loss chart and hover readout; the playback bar. The runner (data/runner.ts) turns every
 * scenario edit into a job; trajectories flow from the host to the GPU without touching React.
 */
import { useEffect, useRef } from 'react'
import type { MenuEvent } from '../src-shared/desktop-api'
import { getApi, getConnection } from './api'
import { LossChart } from './charts/LossChart'
import { installAutomation } from './export/automation'
import { ExportDialog } from './export/ExportDialog'
import { openExport } from './export/state'
import { startRunner } from './data/runner'
import { EosView } from './eos/EosView'
import { SliceReadout } from './network/SliceReadout'
import { EstimateCosineChart } from './charts/EstimateCosineChart'
import { LandscapePanel } from './panels/LandscapePanel'
import { OptimizersPanel } from './panels/OptimizersPanel'
import { RunPanel } from './panels/RunPanel'
import { StartPointsPanel } from './panels/StartPointsPanel'
import { SweepPanel } from './panels/SweepPanel'
import { RacePanel } from './race/RacePanel'
import { cameraControls } from './scene/CameraRig'
import { hoverReadout, Scene, sceneAccess } from './scene/Scene'
import { endGesture, redo, setView, undo, useUi } from './store/ui-store'
import { AboutDialog, HelpOverlay, JobProblemBanner, Toast, TopBar, ViewToolbar } from './ui/chrome'
import { installShortcuts } from './ui/keyboard'
import { Legend } from './ui/Legend'
import { PlaybackBar } from './ui/PlaybackBar'
import { RegionNotice } from './ui/RegionNotice'
import { restoreOnLaunch, startAutosave } from './ui/autosave'
import { registerCameraPart } from './ui/camera-part'
import { makeShareLink, ShareDialog } from './ui/ShareDialog'
import { OpenLinkDialog } from './ui/OpenLinkDialog'
import { SurfaceColorBar } from './ui/SurfaceColorBar'
import { OptimizerStateView } from './ui/OptimizerStateView'
import { exportSnapshot, loadSessionFile, newSession, openSession, openShellFile, saveSession } from './ui/session'

installAutomation()

const inTextField = () => {
  const a = document.activeElement
  return a instanceof HTMLTextAreaElement || (a instanceof HTMLInputElement && !['range', 'checkbox', 'radio', 'button'].includes(a.type))
}

/** Local storage, or null where the page may not use it (a sandboxed or private context). */
function localStore(): Storage | null {
  try {
    return window.localStorage
  } catch {
    return null
  }
}

export function App() {
  const fileInput = useRef<HTMLInputElement>(null)
  const pickMode = useUi((s) => s.pickMode)
  const panelsHidden = useUi((s) => s.panelsHidden)
  const currentFile = useUi((s) => s.currentFile)
  const eosOpen = useUi((s) => s.eosOpen)
  const open = () => void openSession(() => fileInput.current?.click())
  const exportImage = () => void exportSnapshot(() => sceneAccess.snapshot())

  useEffect(() => {
    const runner = startRunner(getApi())
    const offCamera = registerCameraPart()
    // A shared link (#s=…) or the last session, then autosave from there on.
    const storage = localStore()
    let offAutosave: (() => void) | null = null
    let live = true
    void restoreOnLaunch(getApi(), storage, window.location.hash)
      .then((from) => {
        if (from === 'link') window.history.replaceState(null, '', window.location.pathname + window.location.search)
      })
      .finally(() => {
        if (live && storage) offAutosave = startAutosave(storage)
      })
    const off = installShortcuts({ save: () => void saveSession(), open, exportDialog: () => openExport() })
    // A slider gesture ends wherever the pointer is released.
    window.addEventListener('pointerup', endGesture, true)
    // The desktop shell's application menu.
    const offMenu = getConnection().shell?.onMenuCommand((e: MenuEvent) => {
      switch (e.command) {
        case 'new':
          newSession()
          break
        case 'open':
          open()
          break
        case 'open-link':
          useUi.setState({ openLinkOpen: true })
          break
        case 'open-file':
          void openShellFile(e.file)
          break
        case 'save':
          void saveSession()
          break
        case 'save-as':
          void saveSession(true)
          break
        case 'export':
          openExport()
          break
        case 'undo':
          if (!inTextField()) undo()
          break
        case 'redo':
          if (!inTextField()) redo()
          break
        case 'reset-camera':
          cameraControls.reset()
          break
        case 'view-3d':
          setView({ topDown: false })
          break
        case 'view-top':
          setView({ topDown: true })
          break
        case 'toggle-panels':
          useUi.setState((s) => ({ panelsHidden: !s.panelsHidden }))
          break
        case 'about':
          useUi.setState({ aboutOpen: true })
          break
        case 'shortcuts':
          useUi.setState({ helpOpen: true })
          break
        case 'toggle-eos':
          useUi.setState((s) => ({ eosOpen: !s.eosOpen }))
          break
      }
    })
    return () => {
      live = false
      off()
      offMenu?.()
      offCamera()
      offAutosave?.()
      runner.dispose()
      window.removeEventListener('pointerup', endGesture, true)
    }
  }, [])

  useEffect(() => {
    document.title = currentFile ? `${currentFile.name} — Gradscape` : 'Gradscape'
  }, [currentFile])

  return (
    <div className={panelsHidden ? 'app panels-hidden' : 'app'}>
      <TopBar
        onOpen={open}
        onSave={() => void saveSession()}
        onExport={exportImage}
        onExportDialog={() => openExport()}
        onShare={() => void makeShareLink()}
        onOpenLink={() => useUi.setState({ openLinkOpen: true })}
      />
      <aside className="sidebar" aria-label="Scenario" hidden={panelsHidden}>
        <LandscapePanel />
        <OptimizersPanel />
        <StartPointsPanel />
        <RunPanel />
        <SweepPanel />
        <RacePanel />
      </aside>
      <main className={eosOpen ? 'stage eos-open' : 'stage'}>
        <div className={pickMode ? 'viewport picking' : 'viewport'} data-testid="viewport">
          <Scene />
          <ViewToolbar />
          <Legend />
          <SurfaceColorBar />
          <OptimizerStateView />
          <SliceReadout />
          {!eosOpen && <LossChart />}
          {!eosOpen && <EstimateCosineChart />}
          <div
            className="hover-readout mono"
            ref={(el) => {
              hoverReadout.el = el
            }}
            data-active="false"
          />
          {pickMode && (
            <div className="pick-hint">
              Click the surface to add a start point · <kbd>Esc</kbd> to stop
            </div>
          )}
          <JobProblemBanner />
          <RegionNotice />
        </div>
        {eosOpen && <EosView />}
        <PlaybackBar />
      </main>
      <input
        ref={fileInput}
        type="file"
        accept=".json,application/json"
        hidden
        data-testid="file-input"
        onChange={(e) => {
          const file = e.target.files?.[0]
          e.target.value = ''
          if (file) void loadSessionFile(getApi(), file)
        }}
      />
      <ExportDialog />
      <HelpOverlay />
      <ShareDialog />
      <OpenLinkDialog />
      <AboutDialog />
      <Toast />
    </div>
  )
}
