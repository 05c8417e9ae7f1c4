/**
 * Labelled axes: x along the front edge of the floor, y along the left edge, loss up the back-left
 * corner (in the surface's own height scale, so log ticks read 10ⁿ). Labels are canvas-textured
 * sprites: no font files, no workers, nothing the CSP would refuse.
 */
import { useEffect, useMemo } from 'react'
import * as THREE from 'three'
import { formatNumber } from '../store/scenario'
import { useUi } from '../store/ui-store'
import { FLOOR_Y, type Frame, HEIGHT, type HeightMap, niceTicks, toWorldX, toWorldZ } from './height'

interface LabelOptions {
  readonly color?: string
  readonly size?: number
  readonly weight?: number
  readonly anchorX?: number
  /** A backing plate: labels drawn over the surface stay readable on any colour. */
  readonly plate?: string
}

function makeLabel(text: string, { color = '#aab6c6', size = 0.08, weight = 500, anchorX = 0.5, plate }: LabelOptions = {}): THREE.Sprite {
  const px = 48
  const canvas = document.createElement('canvas')
  const ctx = canvas.getContext('2d')!
  const font = `${weight} ${px}px Inter, "Segoe UI", system-ui, sans-serif`
  ctx.font = font
  const w = Math.ceil(ctx.measureText(text).width) + 16
  canvas.width = w
  canvas.height = px + 16
  ctx.font = font
  if (plate) {
    ctx.fillStyle = plate
    ctx.beginPath()
    ctx.roundRect(0, 4, canvas.width, canvas.height - 8, 14)
    ctx.fill()
  }
  ctx.fillStyle = color
  ctx.textBaseline = 'middle'
  ctx.fillText(text, 8, canvas.height / 2 + 2)
  const texture = new THREE.CanvasTexture(canvas)
  texture.colorSpace = THREE.SRGBColorSpace
  texture.anisotropy = 4
  const material = new THREE.SpriteMaterial({ map: texture, depthTest: false, depthWrite: false, transparent: true })
  const sprite = new THREE.Sprite(material)
  sprite.scale.set((size * canvas.width) / canvas.height, size, 1)
  sprite.center.set(anchorX, 0.5)
  sprite.renderOrder = 10
  return sprite
}

/** Tick values of the loss axis: decades on a log scale, nice steps on a linear one (also the colour bar's). */
export function lossTicks(hm: HeightMap): Array<{ value: number; u: number }> {
  if (hm.log) {
    const lo = Math.ceil(Math.log10(Math.max(hm.delta, 1e-300)))
    const hi = Math.floor(Math.log10(hm.hi - hm.min + hm.delta))
    const step = Math.max(1, Math.ceil((hi - lo + 1) / 6))
    const out: Array<{ value: number; u: number }> = []
    for (let k = hi; k >= lo; k -= step) {
      const value = hm.min + 10 ** k
      out.push({ value, u: hm.u(value) })
    }
    return out.filter((t) => t.u >= 0 && t.u <= 1.0001)
  }
  return niceTicks(hm.min, hm.hi, 5)
    .map((value) => ({ value, u: hm.u(value) }))
    .filter((t) => t.u >= -1e-6 && t.u <= 1.0001)
}

export interface AxesProps {
  readonly frame: Frame
  readonly hm: HeightMap
  readonly topDown: boolean
}

export function Axes({ frame, hm, topDown }: AxesProps) {
  // A network's surface is a slice: its axes are the plane coordinates a, b (along d₁, d₂), not x, y.
  const network = useUi((s) => s.scenario.landscape.network !== undefined)
  const group = useMemo(() => {
    const g = new THREE.Group()
    const baseY = topDown ? HEIGHT * 1.15 : FLOOR_Y
    const tickLines: number[] = []
    const edge = 1.0
    const outside = 1.1
    // x along the front edge
    for (const v of niceTicks(frame.x[0], frame.x[1], 5)) {
      const X = toWorldX(frame, v)
      if (X < -1.0001 || X > 1.0001) continue
      tickLines.push(X, baseY, edge, X, baseY, edge + 0.04)
      if (X < -0.97) continue // the corner belongs to the y labels
      const s = makeLabel(formatNumber(v))
      s.position.set(X, baseY, outside + 0.02)
      g.add(s)
    }
    // y along the left edge
    for (const v of niceTicks(frame.y[0], frame.y[1], 5)) {
      const Z = toWorldZ(frame, v)
      if (Z < -1.0001 || Z > 1.0001) continue
      tickLines.push(-edge, baseY, Z, -edge - 0.04, baseY, Z)
      const s = makeLabel(formatNumber(v), { anchorX: 1 })
      s.position.set(-outside + 0.02, baseY, Z)
      g.add(s)
    }
    const xTitle = makeLabel(network ? 'a' : 'x', { color: '#dbe4ef', size: 0.1, weight: 600 })
    xTitle.position.set(0, baseY, outside + 0.16)
    const yTitle = makeLabel(network ? 'b' : 'y', { color: '#dbe4ef', size: 0.1, weight: 600 })
    yTitle.position.set(-outside - 0.2, baseY, 0)
    g.add(xTitle, yTitle)
    // loss up the back-left corner (3-D only)
    if (!topDown) {
      tickLines.push(-edge, 0, -edge, -edge, HEIGHT, -edge)
      for (const { value, u } of lossTicks(hm)) {
        const h = u * HEIGHT
        tickLines.push(-edge, h, -edge, -edge - 0.035, h, -edge - 0.035)
        // Out from the corner and on a plate: the labels sit beside the surface, not inside it.
        const s = makeLabel(formatNumber(value, 2), { anchorX: 1, size: 0.075, color: '#d5dee9', plate: 'rgba(11, 15, 22, 0.82)' })
        s.position.set(-edge - 0.09, h, -edge - 0.09)
        g.add(s)
      }
      const lTitle = makeLabel(hm.log ? 'loss (log)' : 'loss', { color: '#dbe4ef', size: 0.085, weight: 600 })
      lTitle.position.set(-edge, HEIGHT + 0.12, -edge)
      g.add(lTitle)
    }
    const geom = new THREE.BufferGeometry()
    geom.setAttribute('position', new THREE.Float32BufferAttribute(tickLines, 3))
    g.add(new THREE.LineSegments(geom, new THREE.LineBasicMaterial({ color: '#5d6b7e' })))
    // Floor outline
    const box = new THREE.BufferGeometry()
    const y = baseY + 0.001
    box.setAttribute(
      'position',
      new THREE.Float32BufferAttribute([-1, y, -1, 1, y, -1, 1, y, -1, 1, y, 1, 1, y, 1, -1, y, 1, -1, y, 1, -1, y, -1], 3),
    )
    g.add(new THREE.LineSegments(box, new THREE.LineBasicMaterial({ color: '#3a4657' })))
    return g
  }, [frame, hm, topDown, network])

  useEffect(
    () => () => {
      group.traverse((o) => {
        const m = o as THREE.Mesh
        m.geometry?.dispose()
        const mat = m.material as THREE.Material & { map?: THREE.Texture }
        mat?.map?.dispose()
        mat?.dispose?.()
      })
    },
    [group],
  )

  return <primitive object={group} />
}
