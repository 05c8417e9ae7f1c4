/**
 * Central flows (docs/central-flows.md, "The central flow"): for plain GD and RMSprop runs, the smooth path the oscillating
 * iterates follow at the edge of stability, drawn as translucent white bands on the surface up to the playhead.
 * Few runs carry one, so the buffer is simply rebuilt when a flow arrives; the playhead only
 * changes the instance count.
 */
import { useEffect, useMemo, useRef } from 'react'
import { useFrame } from '@react-three/fiber'
import * as THREE from 'three'
import { type JobData, job as screenJob } from '../data/job-data'
import { clock, type Playhead } from '../data/playback'
import { type Frame, HEIGHT, type HeightMap, toWorldX, toWorldZ } from './height'
import { isNetworkJob } from '../network/eigen-series'
import { INSIDE, LIFT, segmentGeometry, segmentMaterial } from './Trajectories'

export const FLOW_COLOR = '#ffffff'

/**
 * How the flow is drawn so that GD stays visible on it: before the onset GD follows the flow
 * exactly, and an opaque flow drawn after GD hid it. The flow is a wide translucent band drawn
 * before the trajectories (their lines are renderOrder 3, width ≤ 2.2 px) without writing depth,
 * so GD's path shows through its middle and the band shows on both sides.
 */
export const FLOW_STYLE = { width: 6, opacity: 0.38, renderOrder: 2.5, bias: 0.001, depthWrite: false } as const

export interface CentralFlowsProps {
  readonly hm: HeightMap
  readonly frame: Frame
  readonly hidden: readonly number[]
  /** The job whose flows are drawn (default: the one on screen). */
  readonly data?: JobData
  /** The playhead in kept points (default: the playback clock). */
  readonly playhead?: Playhead
}

export function CentralFlows({ hm, frame, hidden, data, playhead = clock }: CentralFlowsProps) {
  const job = data ?? screenJob
  const material = useMemo(() => {
    const m = segmentMaterial('tip')
    m.uniforms.uColors.value = Array.from({ length: 8 }, () => new THREE.Color(FLOW_COLOR))
    m.uniforms.uWidth.value = FLOW_STYLE.width
    m.uniforms.uOpacity.value = FLOW_STYLE.opacity
    m.uniforms.uBias.value = FLOW_STYLE.bias
    m.depthWrite = FLOW_STYLE.depthWrite
    return m
  }, [])
  const mesh = useRef<THREE.Mesh>(null)
  const state = useRef({
    geometry: null as THREE.InstancedBufferGeometry | null,
    jobId: -1,
    hm: null as HeightMap | null,
    frame: null as Frame | null,
    flows: 0,
    hidden: null as readonly number[] | null,
    shown: 0,
  }).current
  useEffect(
    () => () => {
      material.dispose()
      state.geometry?.dispose()
    },
    [material, state],
  )

  useFrame((three) => {
    material.uniforms.uResolution.value.set(three.size.width, three.size.height)
    if (
      job.flows.length !== state.flows ||
      job.jobId !== state.jobId ||
      hm !== state.hm ||
      frame !== state.frame ||
      hidden !== state.hidden
    ) {
      state.flows = job.flows.length
      state.hidden = hidden
      state.jobId = job.jobId
      state.hm = hm
      state.frame = frame
      state.geometry?.dispose()
      state.geometry = null
      // Flows of hidden optimizers stay hidden with them; a network's flow has no position on the
      // slice (its xy is 0), so it is charted in the EoS view only.
      const network = isNetworkJob(job.jobId)
      const flows = job.flows.filter((f) => !network && !hidden.includes(Math.floor(f.run / Math.max(1, job.starts))))
      const F = flows.length
      state.shown = F
      if (F > 0) {
        const kept = job.kept
        // Step-major like the trajectories, with the held-point convention for points not drawn.
        const P = new Float32Array(Math.max(1, F * kept) * 4 + 4)
        for (let j = 0; j < kept; j++) {
          for (let f = 0; f < F; f++) {
            const o = 4 * (j * F + f)
            const x = flows[f].xy[2 * j],
              y = flows[f].xy[2 * j + 1],
              loss = flows[f].loss[j]
            const X = toWorldX(frame, x),
              Z = toWorldZ(frame, y)
            if (Number.isFinite(loss) && Math.abs(X) <= INSIDE && Math.abs(Z) <= INSIDE) {
              P[o] = X
              P[o + 1] = hm.u(loss) * HEIGHT + LIFT * 1.5
              P[o + 2] = Z
              P[o + 3] = 1
            } else if (j > 0) {
              const p = o - 4 * F
              P[o] = P[p]
              P[o + 1] = P[p + 1]
              P[o + 2] = P[p + 2]
              P[o + 3] = 0
            }
          }
        }
        const g = segmentGeometry(P, 4, 4)
        const data = (g.getAttribute('instanceStart') as THREE.InterleavedBufferAttribute).data
        g.setAttribute('instanceEnd', new THREE.InterleavedBufferAttribute(data, 4, 4 * F))
        g.boundingSphere = new THREE.Sphere(new THREE.Vector3(), 4)
        state.geometry = g
        material.uniforms.uRuns.value = F
        material.uniforms.uStarts.value = 1_000_000
      }
      if (mesh.current) {
        mesh.current.geometry = state.geometry ?? new THREE.InstancedBufferGeometry()
        mesh.current.visible = state.geometry !== null
      }
    }
    if (state.geometry) {
      const j0 = Math.floor(Math.max(0, Math.min(playhead.t, job.kept - 1)))
      state.geometry.instanceCount = state.shown * j0
    }
  })

  return <mesh ref={mesh} material={material} frustumCulled={false} renderOrder={FLOW_STYLE.renderOrder} visible={false} />
}
