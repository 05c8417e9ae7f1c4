/**
 * The optimizer-state arrows in the 3-D view: at the selected run's head (the playhead), −∇L (or
 * minus the estimate the optimizer received, with −∇L fainter beside it), −m and the step Δθ,
 * lying flat just above the surface. Each arrow shows a direction with a fixed
 * length (the three differ by orders of magnitude; the card gives their sizes). Updated in
 * useFrame from optState; React renders this once.
 */
import { useEffect, useMemo } from 'react'
import { useFrame } from '@react-three/fiber'
import * as THREE from 'three'
import { type Frame, HEIGHT, type HeightMap, toWorldX, toWorldZ } from '../scene/height'
import { INSIDE, LIFT } from '../scene/Trajectories'
import { arrowVectors, optState, STATE_ARROWS } from './state'

/**
 * Arrow lengths in world units (the region is 2 wide): directions only, but each a different
 * length, so arrows that point the same way (−∇L and −m early on) both show their heads.
 */
const LENGTHS = [0.3, 0.27, 0.24, 0.18]
/** Opacity of a faint arrow (the true gradient beside its estimate): present, but secondary. */
const FAINT = 0.4
/** Length of the arrow's head. */
const HEAD = 0.07

const UP = new THREE.Vector3(0, 1, 0)

/** A solid arrow along +Y from the origin (shaft and head meshes; GL lines would be 1 px wide). */
function makeArrow(color: string, length: number, faint: boolean): { group: THREE.Group; dispose(): void } {
  const material = new THREE.MeshBasicMaterial({ color, depthTest: false, transparent: true, opacity: faint ? FAINT : 1 })
  const outline = new THREE.MeshBasicMaterial({
    color: '#06090e',
    depthTest: false,
    transparent: true,
    opacity: faint ? 0.85 * FAINT : 0.85,
  })
  const shaft = new THREE.CylinderGeometry(0.007, 0.007, length - HEAD, 8)
  const head = new THREE.ConeGeometry(0.024, HEAD, 12)
  const shaftOut = new THREE.CylinderGeometry(0.012, 0.012, length - HEAD, 8)
  const headOut = new THREE.ConeGeometry(0.032, HEAD + 0.014, 12)
  const group = new THREE.Group()
  const add = (g: THREE.BufferGeometry, m: THREE.Material, y: number, order: number) => {
    const mesh = new THREE.Mesh(g, m)
    mesh.position.y = y
    mesh.renderOrder = order
    group.add(mesh)
  }
  // A dark outline under each arrow keeps it readable over trajectories of the same hue.
  add(shaftOut, outline, (length - HEAD) / 2, 10)
  add(headOut, outline, length - HEAD / 2, 10)
  add(shaft, material, (length - HEAD) / 2, 11)
  add(head, material, length - HEAD / 2, 11)
  group.visible = false
  return {
    group,
    dispose() {
      for (const d of [material, outline, shaft, head, shaftOut, headOut]) d.dispose()
    },
  }
}

export function StateArrows({ hm, frame }: { readonly hm: HeightMap; readonly frame: Frame }) {
  const arrows = useMemo(() => STATE_ARROWS.map((a, i) => makeArrow(a.color, LENGTHS[i], a.faint)), [])
  const group = useMemo(() => {
    const g = new THREE.Group()
    for (const a of arrows) g.add(a.group)
    return g
  }, [arrows])
  useEffect(
    () => () => {
      for (const a of arrows) a.dispose()
    },
    [arrows],
  )

  const dir = useMemo(() => new THREE.Vector3(), [])
  useFrame(() => {
    const v = optState.open ? optState.view : null
    const X = v ? toWorldX(frame, v.head[0]) : NaN
    const Z = v ? toWorldZ(frame, v.head[1]) : NaN
    const Y = v ? hm.u(v.loss) * HEIGHT + LIFT * 3 : NaN
    const inside = Number.isFinite(X + Y + Z) && Math.abs(X) <= INSIDE && Math.abs(Z) <= INSIDE
    const vectors = v && inside ? arrowVectors(v) : null
    STATE_ARROWS.forEach((a, i) => {
      const vec = vectors?.[a.key]
      const arrow = arrows[i].group
      // (x, y) → world: x along X, y along −Z, each scaled by its region's width.
      if (vec) dir.set(vec[0] / (frame.x[1] - frame.x[0]), 0, -vec[1] / (frame.y[1] - frame.y[0]))
      if (!vec || !(dir.lengthSq() > 0) || !Number.isFinite(dir.lengthSq())) {
        arrow.visible = false
        return
      }
      arrow.quaternion.setFromUnitVectors(UP, dir.normalize())
      arrow.position.set(X, Y, Z)
      arrow.visible = true
    })
  })

  return <primitive object={group} />
}
