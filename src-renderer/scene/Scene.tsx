/**
 * The 3-D view: landscape, axes, trajectories and camera in one R3F canvas with the demand frame
 * loop (frames are drawn while playing, while the camera moves, and when data arrives).
 */
import { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react'
import { Canvas, type ThreeEvent, useFrame, useThree } from '@react-three/fiber'
import type * as THREE from 'three'
import type { Surface } from '../../src-shared/api'
import { job as screenJob, type JobData, onJobChange, surfaceData } from '../data/job-data'
import { eos, setHighlight } from '../eos/state'
import { clock, type Playhead, tick } from '../data/playback'
import { addStartPoint } from '../store/actions'
import { formatNumber } from '../store/scenario'
import { useUi, type ViewOptions } from '../store/ui-store'
import { Axes } from './Axes'
import { CameraRig } from './CameraRig'
import { CentralFlows } from './CentralFlows'
import { EosMarkers } from './EosMarkers'
import { EstimateArrows } from './EstimateArrows'
import { StateArrows } from '../optstate/StateArrows'
import { type Frame, fromWorldX, fromWorldZ, heightMap, type HeightMap, sampleAt } from './height'
import { Landscape } from './Landscape'
import { describeRunPoint, nearestRunPoint } from './pick'
import { Trajectories } from './Trajectories'

/** The surface on screen; re-renders only when a new one arrives. */
export function useSurface(): Surface | null {
  useSyncExternalStore(onJobChange, () => surfaceData.version)
  return surfaceData.surface
}

/** DOM element that shows the (x, y, loss) under the pointer; written directly, not through React. */
export const hoverReadout: { el: HTMLElement | null } = { el: null }

/** Set by the mounted canvas: a PNG of the current view (rendered fresh, so no preserved buffer is needed). */
export const sceneAccess: { snapshot: () => Promise<Blob | null> } = { snapshot: async () => null }

function SnapshotProvider() {
  const gl = useThree((s) => s.gl)
  const scene = useThree((s) => s.scene)
  const get = useThree((s) => s.get)
  useEffect(() => {
    sceneAccess.snapshot = () =>
      new Promise((resolve) => {
        // Render centred (without the offset that leaves room for the floating cards), capture the
        // bitmap in the same task (toBlob copies it at once), then put the offset back.
        const camera = get().camera as THREE.PerspectiveCamera | THREE.OrthographicCamera
        const view = camera.view?.enabled ? { ...camera.view } : null
        if (view) {
          camera.clearViewOffset()
        }
        gl.render(scene, camera)
        gl.domElement.toBlob((b) => resolve(b), 'image/png')
        if (view) {
          camera.setViewOffset(view.fullWidth, view.fullHeight, view.offsetX, view.offsetY, view.width, view.height)
          gl.render(scene, camera)
        }
      })
    return () => {
      sceneAccess.snapshot = async () => null
    }
  }, [gl, scene, get])
  return null
}

function PlaybackDriver() {
  const invalidate = useThree((s) => s.invalidate)
  useFrame((_, dt) => {
    if (tick(dt)) invalidate()
  })
  return null
}

/** What the scene shows besides the data: the view options that change how it is drawn. */
export interface SceneLook {
  readonly heightScale: ViewOptions['heightScale']
  readonly topDown: boolean
  readonly contours: boolean
  readonly floorPaths: boolean
  readonly hidden: readonly number[]
}

export interface SceneObjectsProps {
  readonly surface: Surface
  readonly hm: HeightMap
  readonly frame: Frame
  readonly look: SceneLook
  /** The trajectories to draw (default: the job on screen). */
  readonly data?: JobData
  /** The playhead in kept points (default: the playback clock). */
  readonly playhead?: Playhead
  readonly onPointerMove?: (e: ThreeEvent<PointerEvent>) => void
  readonly onPointerLeave?: () => void
  readonly onClick?: (e: ThreeEvent<MouseEvent>) => void
}

/**
 * Lights, landscape, axes, trajectories and central flows: everything drawn, without a camera.
 * The on-screen view and the offscreen exporter (../export/offscreen.tsx) both mount exactly this.
 */
export function SceneObjects({ surface, hm, frame, look, data, playhead, onPointerMove, onPointerLeave, onClick }: SceneObjectsProps) {
  return (
    <>
      <ambientLight intensity={1.1} />
      <directionalLight position={[1.5, 4, 2.5]} intensity={1.7} />
      <directionalLight position={[-2, 1.5, -1]} intensity={0.35} />
      <Landscape
        surface={surface}
        hm={hm}
        contours={look.contours}
        topDown={look.topDown}
        onPointerMove={onPointerMove}
        onPointerLeave={onPointerLeave}
        onClick={onClick}
      />
      <Axes frame={frame} hm={hm} topDown={look.topDown} />
      <Trajectories
        hm={hm}
        frame={frame}
        hidden={look.hidden}
        floorPaths={look.floorPaths}
        topDown={look.topDown}
        data={data}
        playhead={playhead}
      />
      <CentralFlows hm={hm} frame={frame} hidden={look.hidden} data={data} playhead={playhead} />
      <EstimateArrows hm={hm} frame={frame} hidden={look.hidden} data={data} playhead={playhead} />
    </>
  )
}

function SceneContent() {
  const surface = useSurface()
  const view = useUi((s) => s.view)
  const eosOpen = useUi((s) => s.eosOpen)
  const hm = useMemo(() => (surface ? heightMap(surface, view.heightScale) : null), [surface, view.heightScale])
  const frame: Frame | null = useMemo(() => (surface ? { x: surface.x, y: surface.y } : null), [surface])

  const onPointerMove = useCallback(
    (e: ThreeEvent<PointerEvent>) => {
      const el = hoverReadout.el
      if (!el || !frame || !surface) return
      const x = fromWorldX(frame, e.point.x)
      const y = fromWorldZ(frame, e.point.z)
      let text = `x ${formatNumber(x, 4)}   y ${formatNumber(y, 4)}   loss ≈ ${formatNumber(sampleAt(surface, x, y), 4)}`
      // With the EoS view open, the pointer over the shown run's path picks a step for the charts.
      const ui = useUi.getState()
      if (ui.eosOpen) {
        const k = nearestPathPoint(frame, x, y)
        setHighlight(k ?? eos.pinned)
        if (k !== null) text += `   run ${eos.run + 1} · step ${k * Math.max(1, screenJob.every)}`
      } else {
        // Over a trajectory (as drawn up to the playhead): name the run, its settings, step and loss.
        const p = nearestRunPoint(screenJob, frame, x, y, clock.t, ui.view.hidden)
        if (p) text = `${describeRunPoint(screenJob, p, ui.info)}\n${text}`
      }
      el.textContent = text
      el.dataset.active = 'true'
    },
    [frame, surface],
  )
  const onPointerLeave = useCallback(() => {
    if (hoverReadout.el) hoverReadout.el.dataset.active = 'false'
    if (useUi.getState().eosOpen) setHighlight(eos.pinned)
  }, [])
  const onClick = useCallback(
    (e: ThreeEvent<MouseEvent>) => {
      if (!frame || e.delta > 5) return
      if (!useUi.getState().pickMode && !e.nativeEvent.shiftKey) return
      e.stopPropagation()
      addStartPoint(fromWorldX(frame, e.point.x), fromWorldZ(frame, e.point.z))
    },
    [frame],
  )

  return (
    <>
      <CameraRig topDown={view.topDown} />
      <PlaybackDriver />
      <SnapshotProvider />
      {surface && hm && frame && (
        <SceneObjects
          surface={surface}
          hm={hm}
          frame={frame}
          look={view}
          onPointerMove={onPointerMove}
          onPointerLeave={onPointerLeave}
          onClick={onClick}
        />
      )}
      {surface && hm && frame && eosOpen && <EosMarkers surface={surface} hm={hm} frame={frame} />}
      {hm && frame && <StateArrows hm={hm} frame={frame} />}
    </>
  )
}

/**
 * The kept point of the EoS view's run nearest to (x, y), within 2.5% of the region's size
 * (measured in region-relative units), or null.
 */
export function nearestPathPoint(frame: Frame, x: number, y: number): number | null {
  const job = screenJob
  const runs = job.runs.length
  if (runs === 0) return null
  const r = Math.max(0, Math.min(runs - 1, eos.run))
  const n = Math.min(job.received, job.kept)
  const sx = 1 / (frame.x[1] - frame.x[0]),
    sy = 1 / (frame.y[1] - frame.y[0])
  let best = -1
  let bestD = 0.025 * 0.025
  for (let k = 0; k < n; k++) {
    const i = r * job.kept + k
    const dx = (job.xy[2 * i] - x) * sx,
      dy = (job.xy[2 * i + 1] - y) * sy
    const d = dx * dx + dy * dy
    if (d < bestD) {
      bestD = d
      best = k
    }
  }
  return best < 0 ? null : best
}

export function Scene() {
  return (
    <Canvas
      frameloop="demand"
      dpr={[1, 2]}
      gl={{ antialias: true, preserveDrawingBuffer: false, powerPreference: 'high-performance' }}
      onCreated={({ gl }) => gl.setClearColor('#0b0f16')}
      data-testid="scene-canvas"
    >
      <SceneContent />
    </Canvas>
  )
}
