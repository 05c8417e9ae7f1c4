/**
 * The landscape panel's body for a network landscape: the architecture, activation and loss, the
 * dataset with a small plot of it (2-D inputs: the points coloured by class; 1-D: y against x),
 * the initial parameters' origin, and the view slice the 3-D view draws.
 */
import { useEffect, useRef, useState } from 'react'
import type { NetworkSurfaceInfo } from '../../src-shared/api'
import { isObject } from '../../src-shared/problem'
import type { Activation } from '../../src-shared/network/activations'
import { job, onJobChange, surfaceData } from '../data/job-data'
import { clock, onPlayhead } from '../data/playback'
import { eos } from '../eos/state'
import { classify } from './classifier'
import { sliceData } from './slice-data'
import { editScenario, useUi } from '../store/ui-store'
import { NETWORK_SCENES, type NetworkScene } from './scenes'
import { loadNetworkScene } from '../store/actions'

const PLOT = 132

/** Cells per side of the decision-boundary shading. */
const CELLS = 44

/** A 2-D classifier's predicted class at points (xy interleaved), or null when there is none to draw. */
type Classifier = (xy: Float64Array, count: number) => Uint8Array

function drawData(canvas: HTMLCanvasElement, d: NetworkSurfaceInfo, inW: number, outW: number, classifier: Classifier | null): void {
  const ctx = canvas.getContext('2d')
  if (!ctx) return
  const x = d.dataX
  const y = d.dataY
  const n = x.length / inW
  ctx.clearRect(0, 0, PLOT, PLOT)
  ctx.fillStyle = '#11151c'
  ctx.fillRect(0, 0, PLOT, PLOT)
  // 2-D inputs are drawn as they are; wider inputs by their first two coordinates; 1-D as (x, y).
  const px = (i: number) => x[i * inW]
  const py = (i: number) => (inW >= 2 ? x[i * inW + 1] : y[i * outW])
  let x0 = Infinity,
    x1 = -Infinity,
    y0 = Infinity,
    y1 = -Infinity
  for (let i = 0; i < n; i++) {
    x0 = Math.min(x0, px(i))
    x1 = Math.max(x1, px(i))
    y0 = Math.min(y0, py(i))
    y1 = Math.max(y1, py(i))
  }
  const pad = 8
  const sx = (v: number) => pad + ((v - x0) / (x1 - x0 || 1)) * (PLOT - 2 * pad)
  const sy = (v: number) => PLOT - pad - ((v - y0) / (y1 - y0 || 1)) * (PLOT - 2 * pad)
  const classes = CLASSIFICATION.has(d.source)
  if (classifier) {
    // The current parameters' decision regions, faintly, under the points.
    const cell = (PLOT - 2 * pad) / CELLS
    const grid = new Float64Array(2 * CELLS * CELLS)
    for (let j = 0; j < CELLS; j++)
      for (let i = 0; i < CELLS; i++) {
        grid[2 * (j * CELLS + i)] = x0 + ((i + 0.5) / CELLS) * (x1 - x0)
        grid[2 * (j * CELLS + i) + 1] = y1 - ((j + 0.5) / CELLS) * (y1 - y0)
      }
    const cls = classifier(grid, CELLS * CELLS)
    for (let j = 0; j < CELLS; j++)
      for (let i = 0; i < CELLS; i++) {
        ctx.fillStyle = cls[j * CELLS + i] === 1 ? 'rgba(245, 158, 11, 0.22)' : 'rgba(56, 189, 248, 0.18)'
        ctx.fillRect(pad + i * cell, pad + j * cell, cell + 0.5, cell + 0.5)
      }
  }
  for (let i = 0; i < n; i++) {
    // Class: the larger of two one-hot columns, or the sign of a ±1 target; regression targets grey.
    const cls = !classes ? -1 : outW === 2 ? (y[i * 2 + 1] > y[i * 2] ? 1 : 0) : y[i * outW] > 0 ? 1 : 0
    ctx.fillStyle = cls === 1 ? '#f59e0b' : cls === 0 ? '#38bdf8' : '#cbd5e1'
    ctx.beginPath()
    ctx.arc(sx(px(i)), sy(py(i)), 2.2, 0, 2 * Math.PI)
    ctx.fill()
  }
}

const CLASSIFICATION = new Set(['moons', 'circles', 'spirals', 'xor'])

/** The shown run's parameters at the playhead, when the job sends them. */
function currentParams(): Float32Array | null {
  const P = sliceData.paramCount
  if (P === 0 || sliceData.jobId !== job.jobId || job.received === 0) return null
  const run = Math.min(eos.run, job.runs.length - 1)
  const k = Math.max(0, Math.min(Math.round(clock.t), job.received - 1))
  const at = (run * sliceData.kept + k) * P
  const w = sliceData.params.subarray(at, at + P)
  return Number.isFinite(w[0]) ? w : null
}

function DataPlot({
  data,
  layers,
  activation,
}: {
  readonly data: NetworkSurfaceInfo
  readonly layers: readonly number[]
  readonly activation: Activation
}) {
  const ref = useRef<HTMLCanvasElement>(null)
  const inW = layers[0]
  const outW = layers[layers.length - 1]
  useEffect(() => {
    const draw = () => {
      if (!ref.current) return
      const w = inW === 2 && CLASSIFICATION.has(data.source) ? currentParams() : null
      drawData(ref.current, data, inW, outW, w ? (xy, count) => classify(layers, activation, w, xy, count) : null)
    }
    draw()
    const offA = onPlayhead(draw)
    const offB = onJobChange(draw)
    return () => {
      offA()
      offB()
    }
  }, [data, inW, outW, layers, activation])
  const caption =
    inW === 2 && CLASSIFICATION.has(data.source)
      ? 'inputs by class; shading: the current parameters’ decision regions'
      : inW === 1
        ? 'y against x'
        : `first two of ${inW} input coordinates`
  return (
    <figure className="network-data">
      <canvas ref={ref} width={PLOT} height={PLOT} data-testid="network-data-plot" aria-label={`Dataset plot: ${caption}`} />
      <figcaption className="muted">{caption}</figcaption>
    </figure>
  )
}

const etaText = (s: NetworkScene): string => (s.lrs ? `η = ${s.lrs.join(', ')}` : `η = ${s.lr}`)

export function NetworkGallery() {
  return (
    <>
      <div className="field-label eos-gallery-label">
        Networks <span className="muted">GD training a small MLP to the edge of stability</span>
      </div>
      <div className="gallery eos-gallery" role="list" aria-label="Network scenes" data-testid="network-gallery">
        {NETWORK_SCENES.map((s) => (
          <button
            key={s.id}
            type="button"
            role="listitem"
            className="preset"
            data-network-scene={s.id}
            title={`${s.title}: GD, ${etaText(s)}, ${s.steps} steps\n${s.caption}\n${s.look}`}
            onClick={() => loadNetworkScene(s.id)}
          >
            <span className="preset-title">{s.title}</span>
            <span className="preset-sub muted">{etaText(s)}</span>
          </button>
        ))}
      </div>
    </>
  )
}

/** The surface's network facts, when the surface on screen is this network's. */
function useNetworkSurface(): NetworkSurfaceInfo | null {
  const [info, setInfo] = useState<NetworkSurfaceInfo | null>(surfaceData.surface?.network ?? null)
  useEffect(() => onJobChange(() => setInfo(surfaceData.surface?.network ?? null)), [])
  return info
}

type SliceChoice = 'random' | 'pca' | 'custom'

/** The slice the view draws, in words, and which of the panel's choices it is. */
function describeSlice(v: unknown, several: boolean): { choice: SliceChoice; text: string } {
  if (!isObject(v)) return { choice: 'random', text: 'filter-normalized random directions (seed 0) through the start' }
  const directions = v.directions ?? 'random'
  const center = v.center ?? 'end'
  const seed = String(v.seed ?? 0)
  const norm = v.normalization === 'none' ? 'raw' : 'filter-normalized'
  const run = several ? 'the first run’s path' : 'the path'
  const where = center === 'start' ? 'through the start' : `through the end of ${run}`
  if (directions === 'pca')
    return { choice: center === 'end' ? 'pca' : 'custom', text: `top two principal directions of ${run} (unit vectors), ${where}` }
  return { choice: center === 'start' ? 'random' : 'custom', text: `${norm} random directions (seed ${seed}) ${where}` }
}

/** Switch the drawn slice; a file's seed, normalization and extent stay. */
function setSliceChoice(choice: SliceChoice): void {
  if (choice === 'custom') return
  editScenario((s) => {
    const old = isObject(s.extra.slice) ? s.extra.slice : {}
    const slice = choice === 'pca' ? { ...old, directions: 'pca', center: 'end' } : { ...old, directions: 'random', center: 'start' }
    return { ...s, extra: { ...s.extra, slice } }
  })
}

export function NetworkDetails() {
  const scenario = useUi((s) => s.scenario)
  const info = useNetworkSurface()
  const doc = scenario.landscape.network
  if (!doc) return null
  const layers = Array.isArray(doc.layers) ? (doc.layers as number[]) : []
  const slice = isObject(scenario.extra.slice) ? scenario.extra.slice : {}
  const view = describeSlice(scenario.extra.slice, scenario.optimizers.length > 1)
  const loss =
    doc.loss === 'ce' || doc.loss === 'cross-entropy' || doc.loss === 'cross_entropy' ? 'softmax cross-entropy' : 'mean squared error'
  return (
    <div className="network-panel" data-testid="network-panel">
      <dl className="network-facts">
        <dt>Architecture</dt>
        <dd data-testid="network-layers">
          {layers.join(' → ')}
          {info ? ` (${info.size} parameters)` : ''}
        </dd>
        <dt>Activation</dt>
        <dd>{String(doc.activation ?? 'tanh')} (hidden layers; output linear)</dd>
        <dt>Loss</dt>
        <dd>{loss}</dd>
        <dt>Data</dt>
        <dd data-testid="network-dataset">{info ? `${info.source}, ${info.examples} examples` : '…'}</dd>
        <dt>Initial parameters</dt>
        <dd data-testid="network-init">{info?.init ?? '…'}</dd>
        <dt>3-D view</dt>
        <dd>
          <select
            aria-label="Slice directions"
            data-testid="network-slice"
            value={view.choice}
            onChange={(e) => setSliceChoice(e.target.value as SliceChoice)}
          >
            <option value="random">random, through the start</option>
            <option value="pca">PCA of the path, through its end</option>
            {view.choice === 'custom' && <option value="custom">as in the file</option>}
          </select>
          <div className="muted" data-testid="network-slice-text">
            {view.text}
            {Array.isArray(slice.extent) ? `, a, b ∈ [${(slice.extent as number[]).join(', ')}]` : '; the region fits the path'}
          </div>
        </dd>
      </dl>
      {info && <DataPlot data={info} layers={layers} activation={(doc.activation ?? 'tanh') as Activation} />}
    </div>
  )
}
