/**
 * Every run of the job as a polyline on the surface, its shadow on the floor, and a moving head —
 * thousands at once without a React render. Geometry is allocated when a job's shape outgrows it;
 * useFrame copies only newly streamed points into one preallocated position buffer, in place.
 *
 * A point is (x, y, z, w): w = 0 marks a point that is not drawn — a diverged (non-finite) point
 * or one outside the drawn region — which holds the last drawn position, so a run that diverges
 * or leaves simply ends there instead of shooting across the scene.
 *
 * The buffer is step-major (point j of run r at j·runs + r), so a chunk of new steps is one
 * contiguous update range, and the segments up to the playhead are exactly the first
 * runs · head instances. Each segment is an instanced screen-space quad (lines of real width):
 * instance k reads its start at point k and its end at point k + runs, from the same buffer
 * through two interleaved attributes. Colours come from the instance id in the shader
 * (run = k mod runs, optimizer = run / starts), so there is no per-vertex colour array.
 */
import { drawnLoss } from '../network/eigen-series'
import { useEffect, useMemo, useRef } from 'react'
import { type RootState, useFrame, useThree } from '@react-three/fiber'
import * as THREE from 'three'
import { type JobData, job as screenJob } from '../data/job-data'
import { clock, type Playhead } from '../data/playback'
import { FLOOR_Y, HEIGHT, type Frame, type HeightMap, toWorldX, toWorldZ } from './height'
import { OPTIMIZER_COLORS } from './palette'
import { perfProbe } from './perf-probe'

const MAX_OPT = 8
/** Lift above the surface, world units. */
export const LIFT = 0.006
const CLAMP = 1e4
/** Points farther out than this (world units; the region is [−1, 1]²) are not drawn. */
export const INSIDE = 1.04

const SEGMENT_VERTEX = /* glsl */ `
attribute vec4 instanceStart;
attribute vec4 instanceEnd;
uniform int uRuns;
uniform int uStarts;
uniform vec3 uColors[${MAX_OPT}];
uniform float uVisible[${MAX_OPT}];
uniform float uHead;
uniform float uFade;
uniform float uProject;
uniform float uFloor;
uniform float uBias;
uniform float uWidth;
uniform vec2 uResolution;
varying vec3 vColor;
varying float vAlpha;
varying vec2 vXZ;
varying float vSide;
void main() {
  int k = gl_InstanceID;
  int j = k / max(uRuns, 1);
  int run = k - j * uRuns;
  int opt = min(run / max(uStarts, 1), ${MAX_OPT - 1});
  vColor = uColors[opt];
  float age = clamp((uHead - float(j)) / max(uHead, 1.0), 0.0, 1.0);
  vAlpha = uVisible[opt] * mix(1.0, uFade, age) * min(instanceStart.w, instanceEnd.w);
  vec3 a = instanceStart.xyz;
  vec3 b = instanceEnd.xyz;
  if (uProject > 0.5) { a.y = uFloor; b.y = uFloor; }
  vec4 ca = projectionMatrix * modelViewMatrix * vec4(a, 1.0);
  vec4 cb = projectionMatrix * modelViewMatrix * vec4(b, 1.0);
  vec2 sa = ca.xy / ca.w * uResolution * 0.5;
  vec2 sb = cb.xy / cb.w * uResolution * 0.5;
  vec2 dir = sb - sa;
  float len = length(dir);
  dir = len > 1e-5 ? dir / len : vec2(1.0, 0.0);
  vec2 normal = vec2(-dir.y, dir.x);
  vec4 c = position.x < 0.5 ? ca : cb;
  vec2 offset = normal * position.y * (uWidth * 0.5 + 0.5);
  c.xy += offset / (uResolution * 0.5) * c.w;
  gl_Position = c;
  gl_Position.z -= uBias * c.w;
  vXZ = position.x < 0.5 ? a.xz : b.xz;
  vSide = position.y * (uWidth * 0.5 + 0.5);
}`

const SEGMENT_FRAGMENT = /* glsl */ `
uniform float uOpacity;
uniform float uWidth;
varying vec3 vColor;
varying float vAlpha;
varying vec2 vXZ;
varying float vSide;
void main() {
  if (vAlpha <= 0.0 || abs(vXZ.x) > 1.001 || abs(vXZ.y) > 1.001) discard;
  // Antialiased edge: full inside the line's half-width, fading over the last half pixel.
  float edge = clamp(uWidth * 0.5 + 0.5 - abs(vSide), 0.0, 1.0);
  gl_FragColor = vec4(vColor, vAlpha * uOpacity * edge);
}`

const HEAD_VERTEX = /* glsl */ `
uniform int uStarts;
uniform vec3 uColors[${MAX_OPT}];
uniform float uVisible[${MAX_OPT}];
uniform float uSize;
attribute float aValid;
varying vec3 vColor;
varying float vVisible;
void main() {
  int opt = min(gl_VertexID / max(uStarts, 1), ${MAX_OPT - 1});
  vColor = uColors[opt];
  vVisible = uVisible[opt] * aValid;
  if (abs(position.x) > 1.001 || abs(position.z) > 1.001) vVisible = 0.0;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
  gl_Position.z -= 0.004 * gl_Position.w;
  gl_PointSize = uSize;
}`

const HEAD_FRAGMENT = /* glsl */ `
varying vec3 vColor;
varying float vVisible;
void main() {
  if (vVisible < 0.5) discard;
  float r = length(gl_PointCoord - vec2(0.5)) * 2.0;
  if (r > 1.0) discard;
  vec3 c = r > 0.64 ? vec3(0.02, 0.04, 0.08) : vColor;
  gl_FragColor = vec4(c, 1.0);
}`

const START_VERTEX = /* glsl */ `
uniform float uSize;
attribute float aValid;
varying float vVisible;
void main() {
  vVisible = aValid;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
  gl_Position.z -= 0.003 * gl_Position.w;
  gl_PointSize = uSize;
}`

/** Start points: small hollow rings, so picked and generated starts stay visible at any playhead. */
const START_FRAGMENT = /* glsl */ `
uniform float uAlpha;
varying float vVisible;
void main() {
  if (vVisible < 0.5) discard;
  float r = length(gl_PointCoord - vec2(0.5)) * 2.0;
  if (r > 1.0 || r < 0.62) discard;
  gl_FragColor = vec4(0.93, 0.96, 1.0, uAlpha);
}`

/**
 * Start rings' size (CSS px) and opacity for n starts: full rings for a few, then smaller and
 * fainter ones, so a thousand starts mark the cloud without burying the surface; none beyond 4000.
 */
export function startMarkerStyle(n: number): { size: number; alpha: number } {
  if (n <= 50) return { size: 10, alpha: 0.85 }
  if (n <= 200) return { size: 8, alpha: 0.7 }
  if (n <= 1000) return { size: 5, alpha: Math.max(0.25, 0.7 * Math.sqrt(200 / n)) }
  if (n <= 4000) return { size: 4, alpha: 0.2 }
  return { size: 0, alpha: 0 }
}

const colorUniform = () => OPTIMIZER_COLORS.map((c) => new THREE.Color(c))

export function segmentMaterial(kind: 'line' | 'shadow' | 'tip'): THREE.ShaderMaterial {
  return new THREE.ShaderMaterial({
    vertexShader: SEGMENT_VERTEX,
    fragmentShader: SEGMENT_FRAGMENT,
    transparent: true,
    depthWrite: false,
    uniforms: {
      uRuns: { value: 1 },
      uStarts: { value: 1 },
      uColors: { value: colorUniform() },
      uVisible: { value: new Array(MAX_OPT).fill(1) },
      uHead: { value: 0 },
      uFade: { value: kind === 'line' ? 0.5 : 1 },
      uProject: { value: kind === 'shadow' ? 1 : 0 },
      uFloor: { value: FLOOR_Y + 0.004 },
      uBias: { value: kind === 'shadow' ? 0 : 0.0015 },
      uOpacity: { value: 1 },
      uWidth: { value: 2 },
      uResolution: { value: new THREE.Vector2(1, 1) },
    },
  })
}

function headMaterial(): THREE.ShaderMaterial {
  return new THREE.ShaderMaterial({
    vertexShader: HEAD_VERTEX,
    fragmentShader: HEAD_FRAGMENT,
    uniforms: {
      uStarts: { value: 1 },
      uColors: { value: colorUniform() },
      uVisible: { value: new Array(MAX_OPT).fill(1) },
      uSize: { value: 8 },
    },
  })
}

/**
 * An instanced quad (two triangles) whose instance k reads its start at points[k·stride] and its
 * end at points[k·stride + endOffset].
 */
export function segmentGeometry(points: Float32Array, stride: number, endOffset: number): THREE.InstancedBufferGeometry {
  const g = new THREE.InstancedBufferGeometry()
  g.setAttribute('position', new THREE.Float32BufferAttribute([0, -1, 0, 1, -1, 0, 1, 1, 0, 0, 1, 0], 3))
  g.setIndex([0, 1, 2, 0, 2, 3])
  const buffer = new THREE.InstancedInterleavedBuffer(points, stride, 1).setUsage(THREE.DynamicDrawUsage)
  g.setAttribute('instanceStart', new THREE.InterleavedBufferAttribute(buffer, 4, 0))
  g.setAttribute('instanceEnd', new THREE.InterleavedBufferAttribute(buffer, 4, endOffset))
  g.instanceCount = 0
  return g
}

/**
 * Kept points [from, to) of every run into the step-major buffer P (point j of run r at
 * 4·(j·runs + r)), stopping after the first step that ends past `deadline` (performance.now());
 * returns the step reached. A point that is non-finite or outside the region (a little margin
 * allowed) is not drawn (w = 0) and holds the previous position (the start, on the floor, for
 * point 0).
 */
export function writeSteps(
  P: Float32Array,
  job: JobData,
  hm: HeightMap,
  frame: Frame,
  from: number,
  to: number,
  deadline = Infinity,
): number {
  const runs = job.runs.length
  const { kept, xy } = job
  const loss = drawnLoss(job.jobId, job.loss)
  const x0 = frame.x[0],
    wx = frame.x[1] - frame.x[0]
  const y0 = frame.y[0],
    wy = frame.y[1] - frame.y[0]
  let j = from
  while (j < to) {
    let i = j // r·kept + j: run-major source
    let o = 4 * j * runs
    for (let r = 0; r < runs; r++, i += kept, o += 4) {
      const X = ((xy[2 * i] - x0) / wx) * 2 - 1
      const Z = 1 - ((xy[2 * i + 1] - y0) / wy) * 2
      const l = loss[i]
      if (l - l === 0 && X <= INSIDE && X >= -INSIDE && Z <= INSIDE && Z >= -INSIDE) {
        P[o] = X
        P[o + 1] = hm.u(l) * HEIGHT + LIFT
        P[o + 2] = Z
        P[o + 3] = 1
      } else if (j > 0) {
        const prev = o - 4 * runs
        P[o] = P[prev]
        P[o + 1] = P[prev + 1]
        P[o + 2] = P[prev + 2]
        P[o + 3] = 0
      } else {
        const [sx, sy] = job.runs[r].init
        P[o] = Math.max(-CLAMP, Math.min(CLAMP, toWorldX(frame, sx)))
        P[o + 1] = FLOOR_Y
        P[o + 2] = Math.max(-CLAMP, Math.min(CLAMP, toWorldZ(frame, sy)))
        P[o + 3] = 0
      }
    }
    j++
    if (j < to && performance.now() > deadline) break
  }
  return j
}

/**
 * JS time per frame for copying newly streamed points into the GPU buffer (on screen; an
 * exporter copies everything at once). A chunk of 10⁴ runs is spread over a few frames instead of
 * stalling one; at least one step is copied per frame, the playhead's first.
 */
export const COPY_BUDGET_MS = 3

interface Buffers {
  /** Step-major world positions and drawn flags (x, y, z, w), capacity points. */
  readonly points: Float32Array
  /** Tip segments: per run, the last whole point and the interpolated head (2 × xyzw). */
  readonly tips: Float32Array
  readonly heads: Float32Array
  readonly headValid: Float32Array
  readonly startPositions: Float32Array
  readonly startValid: Float32Array
  readonly startGeometry: THREE.BufferGeometry
  readonly lines: THREE.InstancedBufferGeometry
  readonly tipGeometry: THREE.InstancedBufferGeometry
  readonly headGeometry: THREE.BufferGeometry
  readonly runs: number
}

export interface TrajectoriesProps {
  readonly hm: HeightMap
  readonly frame: Frame
  /** Hidden optimizer indices. */
  readonly hidden: readonly number[]
  readonly floorPaths: boolean
  readonly topDown: boolean
  /** The runs to draw: the job on screen by default, or an exporter's frozen copy. */
  readonly data?: JobData
  /** The playhead in kept points: the playback clock by default. */
  readonly playhead?: Playhead
}

export function Trajectories({ hm, frame, hidden, floorPaths, topDown, data, playhead = clock }: TrajectoriesProps) {
  const job = data ?? screenJob
  const lineMat = useMemo(() => segmentMaterial('line'), [])
  const shadowMat = useMemo(() => segmentMaterial('shadow'), [])
  const tipMat = useMemo(() => segmentMaterial('tip'), [])
  const headMat = useMemo(() => headMaterial(), [])
  const lineMesh = useRef<THREE.Mesh>(null)
  const shadowMesh = useRef<THREE.Mesh>(null)
  const tipMesh = useRef<THREE.Mesh>(null)
  const headPoints = useRef<THREE.Points>(null)
  const startPoints = useRef<THREE.Points>(null)
  const startMat = useMemo(
    () =>
      new THREE.ShaderMaterial({
        vertexShader: START_VERTEX,
        fragmentShader: START_FRAGMENT,
        transparent: true,
        depthWrite: false,
        uniforms: { uSize: { value: 9 }, uAlpha: { value: 0.85 } },
      }),
    [],
  )
  const buffers = useRef<Buffers | null>(null)
  const seen = useRef({
    shape: -1,
    jobId: -1,
    written: 0,
    recopy: false,
    hm: null as HeightMap | null,
    frame: null as Frame | null,
    head: -1,
    version: -1,
    drawn: -1,
  }).current

  useEffect(
    () => () => {
      for (const m of [lineMat, shadowMat, tipMat, headMat, startMat]) m.dispose()
      const b = buffers.current
      if (b) {
        b.lines.dispose()
        b.tipGeometry.dispose()
        b.headGeometry.dispose()
        b.startGeometry.dispose()
      }
    },
    [lineMat, shadowMat, tipMat, headMat, startMat],
  )

  // Visibility per optimizer: a uniform, not a geometry rebuild. The canvas draws on demand, so a
  // change must ask for a frame itself (paused, nothing else would redraw it).
  const invalidate = useThree((s) => s.invalidate)
  useEffect(() => {
    const visible = Array.from({ length: MAX_OPT }, (_, i) => (hidden.includes(i) ? 0 : 1))
    for (const m of [lineMat, shadowMat, tipMat, headMat]) m.uniforms.uVisible.value = visible
    invalidate()
  }, [hidden, lineMat, shadowMat, tipMat, headMat, invalidate])

  /** Size everything for the job's shape, reusing the buffers when they are big enough. */
  function allocate(): Buffers {
    const runs = job.runs.length
    const points = runs * job.kept
    let b = buffers.current
    if (!b || b.points.length < points * 4 || b.runs < runs) {
      if (b) {
        b.lines.dispose()
        b.tipGeometry.dispose()
        b.headGeometry.dispose()
        b.startGeometry.dispose()
      }
      const capacity = Math.max(4, Math.ceil(points * 1.25))
      const runCapacity = Math.max(4, Math.ceil(runs * 1.25))
      const pts = new Float32Array(capacity * 4)
      const tips = new Float32Array(runCapacity * 8)
      const heads = new Float32Array(runCapacity * 3)
      const headValid = new Float32Array(runCapacity)
      const headGeometry = new THREE.BufferGeometry()
      headGeometry.setAttribute('position', new THREE.BufferAttribute(heads, 3).setUsage(THREE.DynamicDrawUsage))
      headGeometry.setAttribute('aValid', new THREE.BufferAttribute(headValid, 1).setUsage(THREE.DynamicDrawUsage))
      headGeometry.setDrawRange(0, 0)
      const startPositions = new Float32Array(runCapacity * 3)
      const startValid = new Float32Array(runCapacity)
      const startGeometry = new THREE.BufferGeometry()
      startGeometry.setAttribute('position', new THREE.BufferAttribute(startPositions, 3).setUsage(THREE.DynamicDrawUsage))
      startGeometry.setAttribute('aValid', new THREE.BufferAttribute(startValid, 1).setUsage(THREE.DynamicDrawUsage))
      startGeometry.setDrawRange(0, 0)
      b = {
        points: pts,
        tips,
        heads,
        headValid,
        headGeometry,
        runs: runCapacity,
        startPositions,
        startValid,
        startGeometry,
        lines: segmentGeometry(pts, 4, 4),
        // Tip instances are (last whole point, head) pairs.
        tipGeometry: segmentGeometry(tips, 8, 4),
      }
      // Fixed bounds: the data changes every frame, and nothing here is frustum-culled.
      for (const g of [b.lines, b.tipGeometry, b.headGeometry, b.startGeometry]) g.boundingSphere = new THREE.Sphere(new THREE.Vector3(), 4)
      buffers.current = b
      if (lineMesh.current) lineMesh.current.geometry = b.lines
      if (shadowMesh.current) shadowMesh.current.geometry = b.lines
      if (tipMesh.current) tipMesh.current.geometry = b.tipGeometry
      if (headPoints.current) headPoints.current.geometry = b.headGeometry
      if (startPoints.current) startPoints.current.geometry = b.startGeometry
    }
    // Instance k's end is point k + runs: the end attribute's offset is one step of all runs. A new
    // attribute object (not a mutated offset), so three rebuilds its vertex-array binding.
    const data = (b.lines.getAttribute('instanceStart') as THREE.InterleavedBufferAttribute).data
    b.lines.setAttribute('instanceEnd', new THREE.InterleavedBufferAttribute(data, 4, 4 * runs))
    for (const m of [lineMat, shadowMat]) {
      m.uniforms.uRuns.value = Math.max(1, runs)
      m.uniforms.uStarts.value = Math.max(1, job.starts)
    }
    tipMat.uniforms.uRuns.value = Math.max(1, runs)
    tipMat.uniforms.uStarts.value = Math.max(1, job.starts)
    headMat.uniforms.uStarts.value = Math.max(1, job.starts)
    const opacity = runs <= 120 ? 0.95 : Math.max(0.25, 0.95 * Math.sqrt(120 / runs))
    lineMat.uniforms.uOpacity.value = opacity
    tipMat.uniforms.uOpacity.value = opacity
    shadowMat.uniforms.uOpacity.value = opacity * 0.45
    const width = runs <= 120 ? 2.2 : runs <= 1000 ? 1.6 : 1.2
    for (const m of [lineMat, tipMat]) m.uniforms.uWidth.value = width
    shadowMat.uniforms.uWidth.value = Math.max(1, width - 0.6)
    return b
  }

  function update(state: RootState): void {
    const { width, height } = state.size
    for (const m of [lineMat, shadowMat, tipMat]) m.uniforms.uResolution.value.set(width, height)
    headMat.uniforms.uSize.value = (job.runs.length <= 200 ? 9 : job.runs.length <= 2000 ? 6 : 4) * state.viewport.dpr
    const runs = job.runs.length
    const kept = job.kept
    if (job.shape !== seen.shape || job.jobId !== seen.jobId) {
      if (job.shape !== seen.shape && runs > 0) allocate()
      seen.shape = job.shape
      seen.jobId = job.jobId
      seen.written = 0
    }
    const b = buffers.current
    if (!b) return
    if (runs === 0 || job.received === 0) {
      b.lines.instanceCount = 0
      b.tipGeometry.instanceCount = 0
      b.headGeometry.setDrawRange(0, 0)
      b.startGeometry.setDrawRange(0, 0)
      return
    }
    // A new mapping (pan, zoom, height scale) recopies what is drawn in one go: under the budget the
    // paths on screen would shrink to their first steps and regrow over many frames.
    if (seen.hm !== hm || seen.frame !== frame) {
      seen.hm = hm
      seen.frame = frame
      seen.recopy = seen.written > 0
      seen.written = 0
    }

    // Copy newly streamed points (all of them after a mapping change): one contiguous range, on
    // screen within a time budget per frame (the rest next frame).
    const received = Math.min(job.received, kept)
    if (received > seen.written) {
      const from = seen.written
      const P = b.points
      const to = writeSteps(P, job, hm, frame, from, received, data || seen.recopy ? Infinity : performance.now() + COPY_BUDGET_MS)
      seen.recopy = false
      // Points the playhead shows still missing: another frame. The rest (ahead of a paused
      // playhead) waits for the frames that playback or the next change brings.
      if (to < Math.min(received, Math.floor(playhead.t) + 2)) state.invalidate()
      const buffer = (b.lines.getAttribute('instanceStart') as THREE.InterleavedBufferAttribute).data
      buffer.clearUpdateRanges()
      buffer.addUpdateRange(4 * from * runs, 4 * (to - from) * runs)
      buffer.needsUpdate = true
      if (from === 0) {
        // Start points (the first optimizer's runs start from every one of them).
        const n = Math.min(job.starts, runs)
        for (let r = 0; r < n; r++) {
          b.startPositions[3 * r] = P[4 * r]
          b.startPositions[3 * r + 1] = P[4 * r + 1]
          b.startPositions[3 * r + 2] = P[4 * r + 2]
          b.startValid[r] = P[4 * r + 3]
        }
        const sp = b.startGeometry.getAttribute('position') as THREE.BufferAttribute
        sp.clearUpdateRanges()
        sp.addUpdateRange(0, 3 * n)
        sp.needsUpdate = true
        const sv = b.startGeometry.getAttribute('aValid') as THREE.BufferAttribute
        sv.clearUpdateRanges()
        sv.addUpdateRange(0, n)
        sv.needsUpdate = true
        b.startGeometry.setDrawRange(0, n)
        const style = startMarkerStyle(n)
        startMat.uniforms.uSize.value = style.size * state.viewport.dpr
        startMat.uniforms.uAlpha.value = style.alpha
      }
      seen.written = to
    }

    // Playhead: whole segments up to floor(t), then a tip segment to the interpolated head.
    const drawn = seen.written
    const t = Math.max(0, Math.min(playhead.t, drawn - 1))
    const j0 = Math.floor(t)
    const f = t - j0
    const j1 = Math.min(j0 + 1, drawn - 1)
    b.lines.instanceCount = runs * j0
    lineMat.uniforms.uHead.value = t
    shadowMat.uniforms.uHead.value = t
    if (seen.head !== t || seen.version !== job.version || seen.drawn !== drawn) {
      const P = b.points
      for (let r = 0; r < runs; r++) {
        const a = 4 * (j0 * runs + r)
        const c = 4 * (j1 * runs + r)
        const hx = P[a] + (P[c] - P[a]) * f,
          hy = P[a + 1] + (P[c + 1] - P[a + 1]) * f,
          hz = P[a + 2] + (P[c + 2] - P[a + 2]) * f
        const valid = f > 0 ? P[a + 3] * P[c + 3] : P[a + 3]
        b.heads[3 * r] = hx
        b.heads[3 * r + 1] = hy
        b.heads[3 * r + 2] = hz
        b.headValid[r] = valid
        const o = 8 * r
        b.tips[o] = P[a]
        b.tips[o + 1] = P[a + 1]
        b.tips[o + 2] = P[a + 2]
        b.tips[o + 3] = valid
        b.tips[o + 4] = hx
        b.tips[o + 5] = hy
        b.tips[o + 6] = hz
        b.tips[o + 7] = valid
      }
      const hp = b.headGeometry.getAttribute('position') as THREE.BufferAttribute
      hp.clearUpdateRanges()
      hp.addUpdateRange(0, 3 * runs)
      hp.needsUpdate = true
      const hv = b.headGeometry.getAttribute('aValid') as THREE.BufferAttribute
      hv.clearUpdateRanges()
      hv.addUpdateRange(0, runs)
      hv.needsUpdate = true
      const tipData = (b.tipGeometry.getAttribute('instanceStart') as THREE.InterleavedBufferAttribute).data
      tipData.clearUpdateRanges()
      tipData.addUpdateRange(0, 8 * runs)
      tipData.needsUpdate = true
      b.headGeometry.setDrawRange(0, runs)
      b.tipGeometry.instanceCount = f > 0 ? runs : 0
      seen.head = t
      seen.version = job.version
      seen.drawn = drawn
    }
  }

  useFrame((state) => {
    if (!perfProbe) {
      update(state)
      return
    }
    const t0 = performance.now()
    update(state)
    const t1 = performance.now()
    const current = seen.jobId === job.jobId
    const complete = current && job.done && seen.written >= Math.min(job.received, job.kept, Math.floor(playhead.t) + 2)
    perfProbe.trajectories(job.jobId, current ? seen.written : 0, t0, t1, complete)
  })

  // Meshes start with an empty geometry; allocate() swaps in the real ones.
  const empty = useMemo(() => new THREE.InstancedBufferGeometry(), [])
  const emptyPoints = useMemo(() => new THREE.BufferGeometry(), [])
  return (
    <group>
      <mesh
        ref={shadowMesh}
        geometry={buffers.current?.lines ?? empty}
        material={shadowMat}
        visible={floorPaths && !topDown}
        frustumCulled={false}
        renderOrder={2}
      />
      <mesh ref={lineMesh} geometry={buffers.current?.lines ?? empty} material={lineMat} frustumCulled={false} renderOrder={3} />
      <mesh ref={tipMesh} geometry={buffers.current?.tipGeometry ?? empty} material={tipMat} frustumCulled={false} renderOrder={3} />
      <points
        ref={startPoints}
        geometry={buffers.current?.startGeometry ?? emptyPoints}
        material={startMat}
        frustumCulled={false}
        renderOrder={4}
      />
      <points
        ref={headPoints}
        geometry={buffers.current?.headGeometry ?? emptyPoints}
        material={headMat}
        frustumCulled={false}
        renderOrder={5}
      />
    </group>
  )
}
