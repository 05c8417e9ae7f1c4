/**
 * The sampled landscape: a vertex-coloured surface mesh (height and colour from the shared
 * height map), contour lines on it and on the floor below, and the floor itself. Geometry is
 * rebuilt only when a new surface arrives or the height scale changes.
 */
import { useEffect, useMemo } from 'react'
import type { ThreeEvent } from '@react-three/fiber'
import * as THREE from 'three'
import type { Surface } from '../../src-shared/api'
import { colormap, FLOOR_Y, HEIGHT, type HeightMap } from './height'
import { contourLevels, marchingSquares } from './contours'

const LEVELS = 16
const _srgb = new THREE.Color()

function normalizedGrid(s: Surface, hm: HeightMap): Float32Array {
  const u = new Float32Array(s.values.length)
  for (let i = 0; i < u.length; i++) u[i] = hm.u(s.values[i])
  return u
}

function surfaceGeometry(s: Surface, u: Float32Array): THREE.BufferGeometry {
  const [nx, ny] = s.n
  const positions = new Float32Array(nx * ny * 3)
  const colors = new Float32Array(nx * ny * 3)
  const rgb = [0, 0, 0]
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i
      const h = Number.isFinite(u[k]) ? u[k] : 0
      positions[3 * k] = (i / (nx - 1)) * 2 - 1
      positions[3 * k + 1] = h * HEIGHT
      positions[3 * k + 2] = 1 - (j / (ny - 1)) * 2
      colormap(h, rgb)
      _srgb.setRGB(rgb[0], rgb[1], rgb[2], THREE.SRGBColorSpace)
      colors[3 * k] = _srgb.r
      colors[3 * k + 1] = _srgb.g
      colors[3 * k + 2] = _srgb.b
    }
  }
  const index: number[] = []
  for (let j = 0; j < ny - 1; j++) {
    for (let i = 0; i < nx - 1; i++) {
      const a = j * nx + i,
        b = a + 1,
        c = a + nx,
        d = c + 1
      if (!(Number.isFinite(u[a]) && Number.isFinite(u[b]) && Number.isFinite(u[c]) && Number.isFinite(u[d]))) continue
      index.push(a, c, b, b, c, d)
    }
  }
  const g = new THREE.BufferGeometry()
  g.setAttribute('position', new THREE.BufferAttribute(positions, 3))
  g.setAttribute('color', new THREE.BufferAttribute(colors, 3))
  g.setIndex(index)
  g.computeVertexNormals()
  return g
}

function contourGeometry(s: Surface, u: Float32Array, onFloor: boolean): THREE.BufferGeometry {
  const [nx, ny] = s.n
  const seg = marchingSquares(u, nx, ny, contourLevels(LEVELS))
  const positions = new Float32Array(seg.count * 6)
  const colors = new Float32Array(seg.count * 6)
  const rgb = [0, 0, 0]
  for (let k = 0; k < seg.count; k++) {
    const y = onFloor ? FLOOR_Y + 0.002 : seg.level[k] * HEIGHT + 0.004
    for (let e = 0; e < 2; e++) {
      const o = 6 * k + 3 * e
      positions[o] = (seg.coords[4 * k + 2 * e] / (nx - 1)) * 2 - 1
      positions[o + 1] = y
      positions[o + 2] = 1 - (seg.coords[4 * k + 2 * e + 1] / (ny - 1)) * 2
      // Floor: the colormap, brightened; on the surface: light lines in the dark valleys, dark on the pale peaks.
      if (onFloor) colormap(0.25 + 0.75 * seg.level[k], rgb)
      else if (seg.level[k] < 0.55) {
        rgb[0] = 0.72
        rgb[1] = 0.84
        rgb[2] = 0.95
      } else {
        rgb[0] = 0.02
        rgb[1] = 0.07
        rgb[2] = 0.13
      }
      _srgb.setRGB(rgb[0], rgb[1], rgb[2], THREE.SRGBColorSpace)
      colors[o] = _srgb.r
      colors[o + 1] = _srgb.g
      colors[o + 2] = _srgb.b
    }
  }
  const g = new THREE.BufferGeometry()
  g.setAttribute('position', new THREE.BufferAttribute(positions, 3))
  g.setAttribute('color', new THREE.BufferAttribute(colors, 3))
  return g
}

export interface LandscapeProps {
  readonly surface: Surface
  readonly hm: HeightMap
  readonly contours: boolean
  readonly topDown: boolean
  readonly onPointerMove?: (e: ThreeEvent<PointerEvent>) => void
  readonly onPointerLeave?: () => void
  readonly onClick?: (e: ThreeEvent<MouseEvent>) => void
}

export function Landscape({ surface, hm, contours, topDown, onPointerMove, onPointerLeave, onClick }: LandscapeProps) {
  const u = useMemo(() => normalizedGrid(surface, hm), [surface, hm])
  const mesh = useMemo(() => surfaceGeometry(surface, u), [surface, u])
  const onSurface = useMemo(() => contourGeometry(surface, u, false), [surface, u])
  const onFloor = useMemo(() => contourGeometry(surface, u, true), [surface, u])
  useEffect(
    () => () => {
      mesh.dispose()
      onSurface.dispose()
      onFloor.dispose()
    },
    [mesh, onSurface, onFloor],
  )

  return (
    <group>
      <mesh geometry={mesh} onPointerMove={onPointerMove} onPointerLeave={onPointerLeave} onClick={onClick} renderOrder={0}>
        <meshStandardMaterial
          vertexColors
          roughness={0.9}
          metalness={0}
          side={THREE.DoubleSide}
          polygonOffset
          polygonOffsetFactor={1}
          polygonOffsetUnits={2}
        />
      </mesh>
      <lineSegments geometry={onSurface} visible={contours} renderOrder={1}>
        <lineBasicMaterial vertexColors transparent opacity={topDown ? 0.4 : 0.28} depthWrite={false} />
      </lineSegments>
      <group visible={!topDown}>
        <mesh position={[0, FLOOR_Y, 0]} rotation={[-Math.PI / 2, 0, 0]} renderOrder={0}>
          <planeGeometry args={[2, 2]} />
          <meshBasicMaterial color="#0c1420" side={THREE.DoubleSide} />
        </mesh>
        <lineSegments geometry={onFloor} visible={contours} renderOrder={1}>
          <lineBasicMaterial vertexColors transparent opacity={0.85} depthWrite={false} />
        </lineSegments>
      </group>
    </group>
  )
}
