/**
 * Gradient estimators in the 3-D view (issue 12): at each run's head whose optimizer takes an
 * estimate, an arrow pair — the descent direction of the true gradient, −∇L (white), and of the
 * estimate the optimizer receives at its next step, −ĝ (amber) — drawn flat at the head's height.
 * The −∇L arrow has a fixed length; −ĝ is scaled by ‖ĝ‖/‖∇L‖ (clamped to [0.15, 3]) so a noisy
 * estimate looks long or short beside it. The values come from the engine worker per playhead
 * position (../data/estimates.ts), one request at a time; nothing is drawn without an estimator.
 */
import { useEffect, useMemo, useRef } from 'react'
import { invalidate, useFrame } from '@react-three/fiber'
import * as THREE from 'three'
import type { EstimateData } from '../../src-shared/estimator/request'
import { fetchEstimates, pointQuad, runEstimator } from '../data/estimates'
import { job as screenJob, type JobData } from '../data/job-data'
import { clock, type Playhead } from '../data/playback'
import { type Frame, HEIGHT, type HeightMap, toWorldX, toWorldZ } from './height'
import { INSIDE, LIFT } from './Trajectories'

export const TRUE_ARROW_COLOR = '#ffffff'
export const ESTIMATE_ARROW_COLOR = '#ffb347'
/** Most runs given arrows (the first ones with an estimator). */
const MAX_ARROW_RUNS = 512
/** World length of the −∇L arrow (the surface spans [−1, 1]). */
const ARROW = 0.16
/** Three segments (shaft and two barbs), two vertices each, per arrow; two arrows per run. */
const VERTS_PER_RUN = 2 * 3 * 2

interface HeadEstimates {
  readonly jobId: number
  readonly k: number
  readonly runs: number[]
  /** ∇L and ĝ per run (in `runs` order), interleaved x, y. */
  readonly g: Float64Array
  readonly e: Float64Array
}

async function headEstimates(data: JobData, k: number, hidden: readonly number[]): Promise<HeadEstimates | null> {
  // One request per estimator spec (the optimizers that share one share a request).
  const groups = new Map<string, { doc: unknown; runs: number[]; quads: number[][] }>()
  let count = 0
  for (let r = 0; r < data.runs.length && count < MAX_ARROW_RUNS; r++) {
    if (hidden.includes(Math.floor(r / Math.max(1, data.starts)))) continue
    const est = runEstimator(data, r)
    const q = est && pointQuad(data, r, k)
    if (!est || !q) continue
    const key = JSON.stringify(est.spec)
    const g = groups.get(key) ?? { doc: est.doc, runs: [], quads: [] }
    g.runs.push(r)
    g.quads.push(q)
    groups.set(key, g)
    count++
  }
  const runs: number[] = []
  const gs: number[] = []
  const es: number[] = []
  for (const g of groups.values()) {
    const d: EstimateData | null = await fetchEstimates(g.doc, g.quads)
    if (!d) continue
    runs.push(...g.runs)
    gs.push(...d.gradient)
    es.push(...d.estimate)
  }
  return { jobId: data.jobId, k, runs, g: Float64Array.from(gs), e: Float64Array.from(es) }
}

export function EstimateArrows({
  hm,
  frame,
  hidden,
  data,
  playhead = clock,
}: {
  readonly hm: HeightMap
  readonly frame: Frame
  readonly hidden: readonly number[]
  readonly data?: JobData
  readonly playhead?: Playhead
}) {
  const job = data ?? screenJob
  const positions = useMemo(() => new Float32Array(MAX_ARROW_RUNS * VERTS_PER_RUN * 3), [])
  const colors = useMemo(() => {
    const c = new Float32Array(MAX_ARROW_RUNS * VERTS_PER_RUN * 3)
    const white = new THREE.Color(TRUE_ARROW_COLOR)
    const amber = new THREE.Color(ESTIMATE_ARROW_COLOR)
    for (let v = 0; v < MAX_ARROW_RUNS * VERTS_PER_RUN; v++) (v % VERTS_PER_RUN < 6 ? white : amber).toArray(c, 3 * v)
    return c
  }, [])
  const geometry = useMemo(() => {
    const g = new THREE.BufferGeometry()
    g.setAttribute('position', new THREE.BufferAttribute(positions, 3))
    g.setAttribute('color', new THREE.BufferAttribute(colors, 3))
    g.setDrawRange(0, 0)
    return g
  }, [positions, colors])
  const material = useMemo(() => new THREE.LineBasicMaterial({ vertexColors: true, depthTest: false, transparent: true }), [])
  useEffect(
    () => () => {
      geometry.dispose()
      material.dispose()
    },
    [geometry, material],
  )
  const state = useRef({ key: '', inFlight: false, result: null as HeadEstimates | null }).current

  useFrame(() => {
    const k = Math.max(0, Math.min(Math.floor(playhead.t), job.received - 1))
    const key = `${job.jobId}|${k}|${job.received > k ? 1 : 0}|${hidden.join(',')}`
    if (key !== state.key && !state.inFlight && job.received > 0) {
      state.key = key
      state.inFlight = true
      void headEstimates(job, k, hidden).then((r) => {
        state.inFlight = false
        state.result = r
        invalidate()
      })
    }
    const r = state.result
    let n = 0
    if (r && r.jobId === job.jobId) {
      // World units per data unit (z runs against y): directions are drawn in world space.
      const sx = 2 / (frame.x[1] - frame.x[0])
      const sz = -2 / (frame.y[1] - frame.y[0])
      const put = (X: number, Y: number, Z: number) => {
        positions[3 * n] = X
        positions[3 * n + 1] = Y
        positions[3 * n + 2] = Z
        n++
      }
      r.runs.forEach((run, j) => {
        const i = run * job.kept + r.k
        const x = job.xy[2 * i],
          y = job.xy[2 * i + 1]
        const X = toWorldX(frame, x),
          Z = toWorldZ(frame, y),
          Y = hm.u(job.loss[i]) * HEIGHT + LIFT * 3
        if (![X, Y, Z].every(Number.isFinite) || Math.abs(X) > INSIDE || Math.abs(Z) > INSIDE) return
        // A zero or non-finite ∇L or ĝ leaves the pair out (colours go by vertex: white pair half, amber half).
        const norm = (v: Float64Array) => Math.hypot(v[2 * j], v[2 * j + 1])
        if (!(norm(r.g) > 0 && norm(r.e) > 0 && Number.isFinite(norm(r.g)) && Number.isFinite(norm(r.e)))) return
        for (const [vec, scale] of [
          [r.g, 1],
          [r.e, Math.min(3, Math.max(0.15, norm(r.e) / norm(r.g)))],
        ] as const) {
          // Descent direction in world space.
          const dx = -vec[2 * j] * sx,
            dz = -vec[2 * j + 1] * sz
          const len = Math.hypot(dx, dz)
          const L = ARROW * scale
          const ux = dx / len,
            uz = dz / len
          const tx = X + ux * L,
            tz = Z + uz * L
          put(X, Y, Z)
          put(tx, Y, tz)
          for (const side of [1, -1]) {
            // Barbs at ±25° back from the tip.
            const c = Math.cos(0.44),
              s = Math.sin(0.44) * side
            put(tx, Y, tz)
            put(tx - (ux * c - uz * s) * L * 0.3, Y, tz - (uz * c + ux * s) * L * 0.3)
          }
        }
      })
    }
    geometry.setDrawRange(0, n)
    geometry.attributes.position.needsUpdate = true
  })

  return <lineSegments geometry={geometry} material={material} renderOrder={10} frustumCulled={false} />
}
