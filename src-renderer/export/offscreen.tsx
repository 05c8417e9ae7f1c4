/**
 * Offscreen rendering for exports: a second R3F root on a canvas that is never attached to the
 * page, sized exactly to the export, mounting the very scene components the view uses
 * (SceneObjects) with a frozen copy of the data and its own playhead. Each frame is rendered on
 * demand at an exact step (frameloop 'never' + advance), then composited with the overlays onto
 * a 2-D canvas of the same size — the canvas the encoder or the PNG encoder reads.
 */
import { useEffect, useMemo } from 'react'
import { advance, createRoot, type RootState, useThree } from '@react-three/fiber'
import * as THREE from 'three'
import { cardShift, type CameraPose, orthoHalf } from '../scene/CameraRig'
import { heightMap } from '../scene/height'
import { SceneObjects } from '../scene/Scene'
import { type Overlays, overlayScale, renderScale } from './options'
import { overlayPainter } from './overlays'
import type { ExportData } from './snapshot'

export interface FrameSpec {
  /** Playhead in kept points (fractional: the heads are interpolated). */
  readonly t: number
  /** Optimizer step shown by the counter and the chart cursor. */
  readonly step: number
  /** Camera turn around the vertical axis, radians. */
  readonly angle: number
}

export interface OffscreenRenderer {
  /** The composited frame (scene + overlays), exactly width × height pixels. */
  readonly canvas: HTMLCanvasElement
  readonly width: number
  readonly height: number
  render(frame: FrameSpec): void
  dispose(): void
}

export interface OffscreenOptions {
  readonly width: number
  readonly height: number
  readonly overlays: Overlays
  readonly title: string
}

function ExportScene({
  data,
  playhead,
  onReady,
}: {
  readonly data: ExportData
  readonly playhead: { t: number }
  readonly onReady: (get: () => RootState) => void
}) {
  const get = useThree((s) => s.get)
  const hm = useMemo(() => heightMap(data.surface, data.look.heightScale), [data])
  const frame = useMemo(() => ({ x: data.surface.x, y: data.surface.y }), [data])
  // Passive effects run children first: by now every useFrame of the scene is subscribed.
  useEffect(() => {
    onReady(get)
  }, [get, onReady])
  return <SceneObjects surface={data.surface} hm={hm} frame={frame} look={data.look} data={data.job} playhead={playhead} />
}

type ManualCamera = THREE.Camera & { manual?: boolean }

/**
 * The view's camera rebuilt for the export's aspect ratio, its picture shifted left by `shift`
 * pixels (room for the cards on the right); `turn(angle)` orbits it.
 */
function exportCamera(pose: CameraPose, width: number, height: number, shift: number) {
  const target = new THREE.Vector3(...pose.target)
  const position = new THREE.Vector3(...pose.position)
  const up = new THREE.Vector3(...pose.up)
  const aspect = width / height
  let camera: THREE.PerspectiveCamera | THREE.OrthographicCamera
  if (pose.topDown) {
    const { hw, hh } = orthoHalf(aspect)
    camera = new THREE.OrthographicCamera(-hw, hw, hh, -hh, 0.05, 100)
    camera.zoom = pose.zoom
  } else {
    camera = new THREE.PerspectiveCamera(pose.fov, aspect, 0.05, 100)
  }
  ;(camera as ManualCamera).manual = true
  if (shift > 0) camera.setViewOffset(width, height, shift, 0, width, height)
  camera.updateProjectionMatrix()
  const axis = new THREE.Vector3(0, 1, 0)
  const offset = new THREE.Vector3()
  return {
    camera,
    turn(angle: number) {
      if (pose.topDown) {
        // Looking straight down: orbiting spins the map about the view's centre.
        camera.position.copy(position)
        camera.up.copy(up).applyAxisAngle(axis, angle)
      } else {
        offset.copy(position).sub(target).applyAxisAngle(axis, angle)
        camera.position.copy(target).add(offset)
        camera.up.copy(up)
      }
      camera.lookAt(target)
      camera.updateMatrixWorld()
    },
  }
}

export async function createOffscreenRenderer(data: ExportData, options: OffscreenOptions): Promise<OffscreenRenderer> {
  const { width, height } = options
  const scale = renderScale(width, height)
  const layoutW = width / scale
  const layoutH = height / scale
  const glCanvas = document.createElement('canvas')
  glCanvas.width = width
  glCanvas.height = height
  const root = createRoot(glCanvas)
  let disposed = false
  try {
    await root.configure({
      size: { width: layoutW, height: layoutH, top: 0, left: 0 },
      dpr: scale,
      frameloop: 'never',
      gl: { antialias: true, preserveDrawingBuffer: true, powerPreference: 'high-performance' },
      onCreated: ({ gl }) => gl.setClearColor('#0b0f16'),
    })
    const playhead = { t: 0 }
    const get = await new Promise<() => RootState>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the offscreen scene did not start')), 30_000)
      root.render(
        <ExportScene
          data={data}
          playhead={playhead}
          onReady={(g) => {
            clearTimeout(timer)
            resolve(g)
          }}
        />,
      )
    })
    const state = get()
    const gl = state.gl
    // Exact pixel size: no rounding of layout size × scale.
    const fitSize = () => {
      if (glCanvas.width !== width || glCanvas.height !== height) {
        gl.setPixelRatio(1)
        gl.setSize(width, height, false)
      }
    }
    fitSize()
    const cards = options.overlays.legend || options.overlays.chart
    const ov = overlayScale(width, height)
    const rig = exportCamera(data.pose, width, height, cards ? cardShift(width / ov, height / ov) * ov : 0)
    state.set({ camera: rig.camera })

    const canvas = document.createElement('canvas')
    canvas.width = width
    canvas.height = height
    const ctx = canvas.getContext('2d', { alpha: false })
    if (!ctx) throw new Error('no 2-D canvas context')
    const painter = overlayPainter(data, options.overlays, options.title, { width: width / ov, height: height / ov, scale: ov })
    let clock = 0

    return {
      canvas,
      width,
      height,
      render(frame) {
        if (disposed) throw new Error('the offscreen renderer was disposed')
        playhead.t = frame.t
        rig.turn(frame.angle)
        fitSize()
        clock += 1 / 60
        advance(clock, false, get())
        ctx.drawImage(glCanvas, 0, 0, width, height)
        painter.paint(ctx, frame.t, frame.step)
      },
      dispose() {
        if (disposed) return
        disposed = true
        root.unmount()
      },
    }
  } catch (err) {
    if (!disposed) {
      disposed = true
      root.unmount()
    }
    throw err
  }
}
