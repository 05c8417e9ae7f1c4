/**
 * Orbit camera (perspective) and top-down view (orthographic, pan and zoom only). The rig owns
 * both cameras, makes the active one R3F's default, and drives OrbitControls; with the demand
 * frame loop, a frame is requested only while the controls move.
 */
import { useEffect, useLayoutEffect, useMemo } from 'react'
import { useFrame, useThree } from '@react-three/fiber'
import * as THREE from 'three'
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js'
import { HEIGHT } from './height'

export const TARGET = new THREE.Vector3(0.08, HEIGHT * 0.05, 0.1)
export const HOME = new THREE.Vector3(2.75, 3.35, 3.55)
export const ORTHO_HALF = 1.36
/** Width of the cards over the right of the viewport (legend, chart), px. */
export const RIGHT_CARDS_PX = 352
export const FOV = 36

/** Where the view looks from: enough to rebuild the same camera elsewhere (the exporter). */
export interface CameraPose {
  readonly topDown: boolean
  readonly position: readonly [number, number, number]
  readonly target: readonly [number, number, number]
  readonly up: readonly [number, number, number]
  /** Perspective: field of view (degrees); top-down: the orthographic zoom. */
  readonly fov: number
  readonly zoom: number
}

/** The start pose of the 3-D orbit view (what Reset gives). */
export const HOME_POSE: CameraPose = {
  topDown: false,
  position: [HOME.x, HOME.y, HOME.z],
  target: [TARGET.x, TARGET.y, TARGET.z],
  up: [0, 1, 0],
  fov: FOV,
  zoom: 1,
}

/**
 * Horizontal shift (px) that centres the scene in what the floating cards on the right leave
 * free, for a view `width` × `height` px.
 */
export function cardShift(width: number, height: number): number {
  return Math.round(Math.max(0, Math.min(RIGHT_CARDS_PX / 2, (width - height * 1.05) / 2)))
}

/** Orthographic half extents of the top-down view for an aspect ratio. */
export function orthoHalf(aspect: number): { hw: number; hh: number } {
  return aspect >= 1 ? { hw: ORTHO_HALF * aspect, hh: ORTHO_HALF } : { hw: ORTHO_HALF, hh: ORTHO_HALF / aspect }
}

/** Set by the mounted rig: puts the camera back where it started; reports where it is; frames a sphere. */
export const cameraControls = {
  reset: () => undefined as void,
  pose: (): CameraPose => HOME_POSE,
  /** Look at `center` (world units) from the current direction, close enough to fit `radius`. */
  frame: (_center: readonly [number, number, number], _radius: number) => undefined as void,
  /** Put the camera where a saved pose says (a session); the pose's topDown is the view's to set. */
  setPose: (_pose: CameraPose) => undefined as void,
}

const isVec3 = (v: unknown): v is [number, number, number] =>
  Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && Number.isFinite(x))

/** A saved camera pose, checked; a string says what is wrong. */
export function parseCameraPose(v: unknown): CameraPose | string {
  const o = v as Record<string, unknown> | null
  if (typeof o !== 'object' || o === null) return 'must be an object'
  if (!isVec3(o.position) || !isVec3(o.target) || !isVec3(o.up)) return 'position, target and up must be [x, y, z]'
  const zoom = typeof o.zoom === 'number' && o.zoom > 0 && Number.isFinite(o.zoom) ? o.zoom : 1
  return { topDown: o.topDown === true, position: o.position, target: o.target, up: o.up, fov: FOV, zoom }
}

export function CameraRig({ topDown }: { readonly topDown: boolean }) {
  const set = useThree((s) => s.set)
  const size = useThree((s) => s.size)
  const gl = useThree((s) => s.gl)
  const invalidate = useThree((s) => s.invalidate)

  const persp = useMemo(() => {
    const c = new THREE.PerspectiveCamera(FOV, 1, 0.05, 100)
    c.position.copy(HOME)
    c.lookAt(TARGET)
    ;(c as THREE.Camera & { manual?: boolean }).manual = true
    return c
  }, [])
  const ortho = useMemo(() => {
    const c = new THREE.OrthographicCamera(-1, 1, 1, -1, 0.05, 100)
    c.position.set(0, 6, 0)
    c.up.set(0, 0, -1)
    c.lookAt(0, 0, 0)
    ;(c as THREE.Camera & { manual?: boolean }).manual = true
    return c
  }, [])

  useLayoutEffect(() => {
    const { width, height } = size
    const aspect = width / Math.max(1, height)
    persp.aspect = aspect
    const { hw, hh } = orthoHalf(aspect)
    ortho.left = -hw
    ortho.right = hw
    ortho.top = hh
    ortho.bottom = -hh
    // The legend and the chart float over the right side: centre the scene in what is left.
    const shift = cardShift(width, height)
    for (const c of [persp, ortho]) {
      if (shift > 0) c.setViewOffset(width, height, shift, 0, width, height)
      else c.clearViewOffset()
      c.updateProjectionMatrix()
    }
    invalidate()
  }, [size, persp, ortho, invalidate])

  const controls = useMemo(() => {
    const c = new OrbitControls(topDown ? ortho : persp, gl.domElement)
    c.enableDamping = true
    c.dampingFactor = 0.12
    if (topDown) {
      c.target.set(0, 0, 0)
      c.enableRotate = false
      c.screenSpacePanning = true
      c.mouseButtons = { LEFT: THREE.MOUSE.PAN, MIDDLE: THREE.MOUSE.DOLLY, RIGHT: THREE.MOUSE.PAN }
      c.minZoom = 0.5
      c.maxZoom = 40
    } else {
      c.target.copy(TARGET)
      c.minDistance = 1.2
      c.maxDistance = 12
      c.maxPolarAngle = Math.PI * 0.495
    }
    c.update()
    return c
  }, [topDown, persp, ortho, gl])

  useLayoutEffect(() => {
    set({ camera: topDown ? ortho : persp })
    invalidate()
  }, [topDown, persp, ortho, set, invalidate])

  useEffect(() => {
    const onChange = () => invalidate()
    controls.addEventListener('change', onChange)
    cameraControls.reset = () => {
      if (topDown) {
        ortho.position.set(0, 6, 0)
        ortho.zoom = 1
        ortho.updateProjectionMatrix()
        controls.target.set(0, 0, 0)
      } else {
        persp.position.copy(HOME)
        controls.target.copy(TARGET)
      }
      controls.update()
      invalidate()
    }
    cameraControls.frame = ([cx, cy, cz], radius) => {
      const r = Math.max(radius, 0.05) * 1.15
      if (topDown) {
        controls.target.set(cx, 0, cz)
        ortho.position.set(cx, 6, cz)
        ortho.zoom = Math.min(controls.maxZoom, Math.max(controls.minZoom, ORTHO_HALF / r))
        ortho.updateProjectionMatrix()
      } else {
        // Keep the azimuth but look down at least 55°: a path usually runs along a valley floor,
        // which a low camera sees only through the valley's walls.
        const dir = persp.position.clone().sub(controls.target).normalize()
        const horizontal = Math.hypot(dir.x, dir.z)
        const minElevation = (55 * Math.PI) / 180
        if (Math.atan2(dir.y, horizontal) < minElevation && horizontal > 1e-6) {
          dir.set((dir.x / horizontal) * Math.cos(minElevation), Math.sin(minElevation), (dir.z / horizontal) * Math.cos(minElevation))
        }
        const dist = Math.min(controls.maxDistance, Math.max(controls.minDistance, r / Math.sin((FOV * Math.PI) / 360)))
        controls.target.set(cx, cy, cz)
        persp.position.copy(controls.target).addScaledVector(dir, dist)
      }
      controls.update()
      invalidate()
    }
    cameraControls.setPose = (pose) => {
      const c = topDown ? ortho : persp
      c.position.set(...pose.position)
      c.up.set(...pose.up)
      controls.target.set(...pose.target)
      if (topDown) {
        ortho.zoom = pose.zoom
        ortho.updateProjectionMatrix()
      }
      controls.update()
      invalidate()
    }
    cameraControls.pose = () => {
      const c = topDown ? ortho : persp
      return {
        topDown,
        position: [c.position.x, c.position.y, c.position.z],
        target: [controls.target.x, controls.target.y, controls.target.z],
        up: [c.up.x, c.up.y, c.up.z],
        fov: persp.fov,
        zoom: c.zoom,
      }
    }
    return () => {
      controls.removeEventListener('change', onChange)
      controls.dispose()
    }
  }, [controls, topDown, persp, ortho, invalidate])

  useFrame(() => {
    if (controls.update()) invalidate()
  }, -1)

  return null
}
