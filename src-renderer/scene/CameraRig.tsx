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

const TARGET = new THREE.Vector3(0.08, HEIGHT * 0.05, 0.1)
const HOME = new THREE.Vector3(2.75, 3.35, 3.55)
const ORTHO_HALF = 1.36
/** Width of the cards over the right of the viewport (legend, chart), px. */
const RIGHT_CARDS_PX = 352

/** Set by the mounted rig: puts the camera back where it started. */
export const cameraControls = { reset: () => undefined as void }

export function CameraRig({ topDown }: { readonly topDown: boolean }) {
  const set = useThree((s) => s.set)
  const size = useThree((s) => s.size)
  const gl = useThree((s) => s.gl)
  const invalidate = useThree((s) => s.invalidate)

  const persp = useMemo(() => {
    const c = new THREE.PerspectiveCamera(36, 1, 0.05, 100)
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
    const hw = aspect >= 1 ? ORTHO_HALF * aspect : ORTHO_HALF
    const hh = aspect >= 1 ? ORTHO_HALF : ORTHO_HALF / aspect
    ortho.left = -hw; ortho.right = hw; ortho.top = hh; ortho.bottom = -hh
    // The legend and the chart float over the right side: centre the scene in what is left.
    const shift = Math.round(Math.max(0, Math.min(RIGHT_CARDS_PX / 2, (width - height * 1.05) / 2)))
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
      if (topDown) { ortho.position.set(0, 6, 0); ortho.zoom = 1; ortho.updateProjectionMatrix(); controls.target.set(0, 0, 0) }
      else { persp.position.copy(HOME); controls.target.copy(TARGET) }
      controls.update()
      invalidate()
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
