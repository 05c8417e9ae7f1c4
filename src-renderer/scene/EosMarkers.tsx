/**
 * The EoS view's marks in the 3-D view: a marker on the shown run's path and on its central flow
 * at the focused step (the chart's highlighted step, else the playhead), the Σ "ellipse" of the
 * flow there (rank one: a segment along the axis u, half-length σ = √tr Σ, with end ticks, lying
 * on the surface, labelled "Σ"), and the flows restarted from GD's iterates (dotted teal). It also
 * honours the view's requests to frame the shown run's path (opening the view, "Zoom to path").
 * Everything is updated in useFrame from module-level data; React renders this once.
 */
import { useEffect, useMemo, useRef } from 'react'
import { useFrame } from '@react-three/fiber'
import * as THREE from 'three'
import type { Surface } from '../../src-shared/api'
import { job } from '../data/job-data'
import { EOS_COLORS } from '../eos/draw'
import { focusPoint } from '../eos/EosView'
import { drawnLoss, isNetworkJob } from '../network/eigen-series'
import { eos, pathFramed, restartedFor } from '../eos/state'
import { cameraControls } from './CameraRig'
import { type Frame, HEIGHT, type HeightMap, sampleAt, toWorldX, toWorldZ } from './height'
import { INSIDE, LIFT, segmentGeometry, segmentMaterial } from './Trajectories'

/** Points along the Σ segment, plus two ticks: P0–P1 tick, hidden link, SEG points, hidden link, tick. */
const SEG = 17
const SIGMA_POINTS = 2 + 1 + SEG + 1 + 2

function lineMaterial(color: string, width: number): THREE.ShaderMaterial {
  const m = segmentMaterial('tip')
  m.uniforms.uColors.value = Array.from({ length: 8 }, () => new THREE.Color(color))
  m.uniforms.uWidth.value = width
  m.uniforms.uBias.value = 0.004
  m.uniforms.uRuns.value = 1
  m.uniforms.uStarts.value = 1_000_000
  m.depthTest = false
  return m
}

/** A text label as a sprite (constant size on screen), drawn once into a canvas texture. */
function labelSprite(text: string, color: string): THREE.Sprite {
  const c = document.createElement('canvas')
  c.width = 256
  c.height = 64
  const ctx = c.getContext('2d')
  if (ctx) {
    ctx.font = '600 30px system-ui, sans-serif'
    ctx.textBaseline = 'middle'
    ctx.lineWidth = 6
    ctx.strokeStyle = 'rgba(8, 12, 18, 0.9)'
    ctx.strokeText(text, 8, 32)
    ctx.fillStyle = color
    ctx.fillText(text, 8, 32)
  }
  const map = new THREE.CanvasTexture(c)
  map.colorSpace = THREE.SRGBColorSpace
  const sprite = new THREE.Sprite(new THREE.SpriteMaterial({ map, depthTest: false, transparent: true, sizeAttenuation: false }))
  sprite.center.set(0, 0.5)
  sprite.scale.set(0.1, 0.025, 1)
  sprite.renderOrder = 9
  sprite.visible = false
  return sprite
}

/** World-space centre and radius of the points (X, Y, Z triples) that are finite. */
export function boundingSphere(points: ArrayLike<number>): { center: [number, number, number]; radius: number } | null {
  const lo = [Infinity, Infinity, Infinity],
    hi = [-Infinity, -Infinity, -Infinity]
  for (let i = 0; i + 2 < points.length; i += 3) {
    if (![0, 1, 2].every((d) => Number.isFinite(points[i + d]))) continue
    for (let d = 0; d < 3; d++) {
      lo[d] = Math.min(lo[d], points[i + d])
      hi[d] = Math.max(hi[d], points[i + d])
    }
  }
  if (!(lo[0] <= hi[0])) return null
  const center: [number, number, number] = [(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, (lo[2] + hi[2]) / 2]
  return { center, radius: 0.5 * Math.hypot(hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]) }
}

export function EosMarkers({ surface, hm, frame }: { readonly surface: Surface; readonly hm: HeightMap; readonly frame: Frame }) {
  const gdMarker = useRef<THREE.Mesh>(null)
  const flowMarker = useRef<THREE.Mesh>(null)
  const sigmaMesh = useRef<THREE.Mesh>(null)
  const restartMesh = useRef<THREE.Mesh>(null)
  const sphere = useMemo(() => new THREE.SphereGeometry(1, 16, 12), [])
  const gdMat = useMemo(() => new THREE.MeshBasicMaterial({ color: '#ffffff', depthTest: false, transparent: true }), [])
  const flowMat = useMemo(() => new THREE.MeshBasicMaterial({ color: EOS_COLORS.onset, depthTest: false, transparent: true }), [])
  const sigmaMat = useMemo(() => lineMaterial(EOS_COLORS.onset, 3), [])
  const restartMat = useMemo(() => lineMaterial(EOS_COLORS.restarted, 2.4), [])
  const sigmaPoints = useMemo(() => new Float32Array(SIGMA_POINTS * 4), [])
  const sigmaGeometry = useMemo(() => segmentGeometry(sigmaPoints, 4, 4), [sigmaPoints])
  const sigmaLabel = useMemo(() => labelSprite('Σ: ±σ along u', EOS_COLORS.onset), [])
  const seen = useRef({
    restarted: null as unknown,
    jobId: -1,
    run: -1,
    hm: null as HeightMap | null,
    frame: null as Frame | null,
    geometry: null as THREE.InstancedBufferGeometry | null,
  }).current

  useEffect(
    () => () => {
      for (const d of [sphere, gdMat, flowMat, sigmaMat, restartMat, sigmaGeometry]) d.dispose()
      sigmaLabel.material.map?.dispose()
      sigmaLabel.material.dispose()
      seen.geometry?.dispose()
    },
    [sphere, gdMat, flowMat, sigmaMat, restartMat, sigmaGeometry, sigmaLabel, seen],
  )

  const height = (loss: number, lift: number) => hm.u(loss) * HEIGHT + lift
  const place = (mesh: THREE.Mesh | null, x: number, y: number, loss: number, radius: number): boolean => {
    if (!mesh) return false
    const X = toWorldX(frame, x),
      Z = toWorldZ(frame, y),
      Y = height(loss, LIFT * 2)
    const ok = Number.isFinite(X) && Number.isFinite(Z) && Number.isFinite(Y) && Math.abs(X) <= INSIDE && Math.abs(Z) <= INSIDE
    mesh.visible = ok
    if (ok) {
      mesh.position.set(X, Y, Z)
      mesh.scale.setScalar(radius)
    }
    return ok
  }

  useFrame((three) => {
    for (const m of [sigmaMat, restartMat]) m.uniforms.uResolution.value.set(three.size.width, three.size.height)
    const runs = job.runs.length
    const r = Math.max(0, Math.min(runs - 1, eos.run))
    const n = Math.min(job.received, job.kept)
    const k = Math.max(0, Math.min(n - 1, focusPoint()))
    // Frame the shown run's whole path once its job has finished.
    if (eos.frameRequest !== eos.framed && runs > 0 && n > 0 && (job.done || n >= job.kept)) {
      const P = new Float32Array(3 * n)
      for (let j = 0; j < n; j++) {
        const i = r * job.kept + j
        const X = toWorldX(frame, job.xy[2 * i]),
          Z = toWorldZ(frame, job.xy[2 * i + 1]),
          Y = height(drawnLoss(job.jobId, job.loss)[i], 0)
        const inside = Math.abs(X) <= INSIDE && Math.abs(Z) <= INSIDE
        P[3 * j] = inside ? X : NaN
        P[3 * j + 1] = Y
        P[3 * j + 2] = Z
      }
      const sphereOfPath = boundingSphere(P)
      if (sphereOfPath) cameraControls.frame(sphereOfPath.center, sphereOfPath.radius)
      pathFramed(eos.frameRequest)
    }
    // GD's iterate.
    if (runs > 0 && n > 0) {
      const i = r * job.kept + k
      place(gdMarker.current, job.xy[2 * i], job.xy[2 * i + 1], drawnLoss(job.jobId, job.loss)[i], 0.016)
    } else if (gdMarker.current) gdMarker.current.visible = false
    // The flow's point and its Σ segment.
    // A network's flow has no position on the slice (its xy is 0): the EoS view charts it instead.
    const flow = runs > 0 && !isNetworkJob(job.jobId) ? job.flows.find((f) => f.run === r) : undefined
    let sigmaVisible = false
    if (flow && k < flow.loss.length && place(flowMarker.current, flow.xy[2 * k], flow.xy[2 * k + 1], flow.loss[k], 0.013)) {
      const cx = flow.xy[2 * k],
        cy = flow.xy[2 * k + 1]
      const s = Math.sqrt(flow.sigma2[k])
      const ux = flow.axis[2 * k],
        uy = flow.axis[2 * k + 1]
      if (s > 0 && Number.isFinite(s) && Number.isFinite(ux)) {
        const P = sigmaPoints
        const put = (j: number, x: number, y: number, w: number) => {
          const v = sampleAt(surface, x, y)
          P[4 * j] = toWorldX(frame, x)
          P[4 * j + 1] = height(Number.isFinite(v) ? v : flow.loss[k], LIFT * 2)
          P[4 * j + 2] = toWorldZ(frame, y)
          P[4 * j + 3] = w
        }
        // Ticks across the axis at both ends, a twentieth of the region wide.
        const tick = 0.025 * Math.max(frame.x[1] - frame.x[0], frame.y[1] - frame.y[0])
        const end = (sgn: number, j: number) => {
          put(j, cx + sgn * s * ux - tick * uy, cy + sgn * s * uy + tick * ux, 1)
          put(j + 1, cx + sgn * s * ux + tick * uy, cy + sgn * s * uy - tick * ux, 1)
        }
        end(-1, 0)
        put(2, cx - s * ux, cy - s * uy, 0)
        for (let q = 0; q < SEG; q++) {
          const t = -1 + (2 * q) / (SEG - 1)
          put(3 + q, cx + t * s * ux, cy + t * s * uy, 1)
        }
        put(3 + SEG, cx + s * ux, cy + s * uy, 0)
        end(1, 4 + SEG)
        const data = (sigmaGeometry.getAttribute('instanceStart') as THREE.InterleavedBufferAttribute).data
        data.needsUpdate = true
        sigmaGeometry.instanceCount = SIGMA_POINTS - 1
        sigmaVisible = true
        // The label sits just past the segment's + end.
        const j = 4 + SEG
        sigmaLabel.position.set(P[4 * j], P[4 * j + 1], P[4 * j + 2])
      }
    } else if (flowMarker.current) flowMarker.current.visible = false
    if (sigmaMesh.current) sigmaMesh.current.visible = sigmaVisible
    sigmaLabel.visible = sigmaVisible

    // Restarted flows: rebuilt when the list, the job or the mapping changes (rare).
    if (eos.restarted !== seen.restarted || job.jobId !== seen.jobId || r !== seen.run || hm !== seen.hm || frame !== seen.frame) {
      seen.restarted = eos.restarted
      seen.jobId = job.jobId
      seen.run = r
      seen.hm = hm
      seen.frame = frame
      seen.geometry?.dispose()
      seen.geometry = null
      const list = restartedFor(job.jobId, r)
      const total = list.reduce((a, f) => a + f.flow.loss.length + 1, 0)
      if (total > 1) {
        const P = new Float32Array(total * 4 + 4)
        let j = 0
        for (const { flow: f } of list) {
          for (let q = 0; q < f.loss.length; q++, j++) {
            const X = toWorldX(frame, f.xy[2 * q]),
              Z = toWorldZ(frame, f.xy[2 * q + 1]),
              Y = height(f.loss[q], LIFT * 2.5)
            const ok = Number.isFinite(Y) && Math.abs(X) <= INSIDE && Math.abs(Z) <= INSIDE
            if (ok) {
              P[4 * j] = X
              P[4 * j + 1] = Y
              P[4 * j + 2] = Z
              P[4 * j + 3] = 1
            } else if (j > 0) {
              P.copyWithin(4 * j, 4 * (j - 1), 4 * j - 1)
              P[4 * j + 3] = 0
            }
          }
          // A hidden link to the next flow.
          if (j > 0) {
            P.copyWithin(4 * j, 4 * (j - 1), 4 * j - 1)
            P[4 * j + 3] = 0
          }
          j++
        }
        const g = segmentGeometry(P, 4, 4)
        g.instanceCount = Math.max(0, total - 1)
        g.boundingSphere = new THREE.Sphere(new THREE.Vector3(), 4)
        seen.geometry = g
      }
      if (restartMesh.current) {
        restartMesh.current.geometry = seen.geometry ?? new THREE.InstancedBufferGeometry()
        restartMesh.current.visible = seen.geometry !== null
      }
    }
  })

  return (
    <group>
      <mesh ref={restartMesh} material={restartMat} frustumCulled={false} renderOrder={6} visible={false} />
      <mesh ref={sigmaMesh} geometry={sigmaGeometry} material={sigmaMat} frustumCulled={false} renderOrder={7} visible={false} />
      <primitive object={sigmaLabel} />
      <mesh ref={gdMarker} geometry={sphere} material={gdMat} frustumCulled={false} renderOrder={8} visible={false} />
      <mesh ref={flowMarker} geometry={sphere} material={flowMat} frustumCulled={false} renderOrder={8} visible={false} />
    </group>
  )
}
