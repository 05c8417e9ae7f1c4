/**
 * Landscape: a gallery of presets (each with a thumbnail of its own surface), the expression
 * editor with live validation (the error is shown at its character position), and the region.
 */
import { useEffect, useMemo, useRef, useState } from 'react'
import type { PresetInfo, Surface, Validation } from '../../src-shared/api'
import { getApi } from '../api'
import { EOS_SCENES } from '../../src-shared/eos/scenes'
import { choosePreset, loadEosScene, round, setExpression, setRegion } from '../store/actions'
import { landscapeExpr } from '../store/scenario'
import { NetworkDetails, NetworkGallery } from '../network/NetworkPanel'
import { useUi } from '../store/ui-store'
import { colormap, heightMap } from '../scene/height'
import { NumberField, Section } from '../ui/controls'
import { expressionCommitter } from '../ui/expression-commit'
import { PaperScenesGallery } from './PaperScenes'

const thumbs = new Map<string, Promise<Surface>>()

function PresetThumb({ preset }: { readonly preset: PresetInfo }) {
  const canvas = useRef<HTMLCanvasElement>(null)
  useEffect(() => {
    let live = true
    let p = thumbs.get(preset.id)
    if (!p) {
      p = getApi().sampleSurface({ landscape: { preset: preset.id }, x: preset.view.x, y: preset.view.y, n: [56, 36] })
      thumbs.set(preset.id, p)
      p.catch(() => thumbs.delete(preset.id))
    }
    p.then(
      (s) => {
        const c = canvas.current
        if (!live || !c) return
        const [nx, ny] = s.n
        c.width = nx
        c.height = ny
        const ctx = c.getContext('2d')
        if (!ctx) return
        const img = ctx.createImageData(nx, ny)
        const hm = heightMap(s, 'auto')
        const rgb = [0, 0, 0]
        for (let j = 0; j < ny; j++) {
          for (let i = 0; i < nx; i++) {
            const v = s.values[j * nx + i]
            colormap(hm.u(v), rgb)
            const o = 4 * ((ny - 1 - j) * nx + i) // y grows upwards
            img.data[o] = rgb[0] * 255
            img.data[o + 1] = rgb[1] * 255
            img.data[o + 2] = rgb[2] * 255
            img.data[o + 3] = 255
          }
        }
        ctx.putImageData(img, 0, 0)
      },
      () => undefined,
    )
    return () => {
      live = false
    }
  }, [preset])
  return <canvas ref={canvas} className="thumb" aria-hidden="true" />
}

/** The expression with the offending character marked. */
function ExpressionError({ expr, position, message }: { readonly expr: string; readonly position?: number; readonly message: string }) {
  const at = position === undefined ? -1 : Math.max(0, position - 1)
  return (
    <div className="expr-error" role="alert" data-testid="expr-error" data-position={position ?? ''}>
      {at >= 0 && (
        <pre className="expr-marked" aria-hidden="true">
          {expr.slice(0, at)}
          <mark data-testid="expr-error-mark">{expr.slice(at, at + 1) || ' '}</mark>
          {expr.slice(at + 1)}
          {'\n'}
          {' '.repeat(at)}^
        </pre>
      )}
      <div className="expr-message">
        {position !== undefined ? `Position ${position}: ` : ''}
        {position !== undefined ? message.replace(new RegExp(`\\s*at position ${position}$`), '') : message}
      </div>
    </div>
  )
}

function ExpressionEditor() {
  const scenario = useUi((s) => s.scenario)
  const info = useUi((s) => s.info)
  const current = landscapeExpr(scenario, info)
  const [text, setText] = useState(current)
  const [result, setResult] = useState<Validation>({ ok: true })
  const [checking, setChecking] = useState(false)
  // Validated on every keystroke, committed on a pause or Enter / blur (../ui/expression-commit.ts).
  const committer = useMemo(
    () =>
      expressionCommitter({
        validate: (v) => getApi().validateExpression(v),
        commit: (v) => setExpression(v),
        onResult: (_, v) => {
          setChecking(false)
          setResult(v)
        },
        onError: (_, err) => {
          setChecking(false)
          setResult({ ok: false, problem: { field: 'landscape.expr', message: (err as Error).message } })
        },
      }),
    [],
  )

  // Follow outside changes (a preset, undo, a loaded file).
  useEffect(() => {
    committer.cancel()
    setText(current)
    setResult({ ok: true })
    setChecking(false)
  }, [current, committer])

  const onInput = (value: string) => {
    setText(value)
    setChecking(true)
    committer.input(value)
  }

  const empty = text.trim() === ''
  return (
    <div className="field">
      <label className="field-label" htmlFor="expr">
        f(x, y) <span className="muted">math.js syntax</span>
        {checking && <span className="muted"> · checking…</span>}
      </label>
      <textarea
        id="expr"
        className="expr"
        rows={3}
        spellCheck={false}
        autoComplete="off"
        data-testid="expr-input"
        aria-invalid={!result.ok || empty}
        value={text}
        onChange={(e) => onInput(e.target.value)}
        onBlur={() => committer.flush()}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault()
            committer.flush()
          }
        }}
        title="Applied after a pause in typing, or on Enter (Shift+Enter: new line)"
      />
      {!result.ok && <ExpressionError expr={text} position={result.problem.position} message={result.problem.message} />}
      {result.ok && empty && (
        <div className="hint">
          Type a formula in x and y, e.g. <code>x^2 + 3*y^2</code>.
        </div>
      )}
      {result.ok && !empty && <div className="hint">Functions: sin cos tan exp log sqrt abs min max …; constants pi, e.</div>}
    </div>
  )
}

function RegionEditor() {
  const region = useUi((s) => s.region)
  const set = (axis: 'x' | 'y', k: 0 | 1, v: number) => {
    const r = [...region[axis]] as [number, number]
    r[k] = round(v, 6)
    if (!(r[0] < r[1])) return
    setRegion({ ...region, [axis]: r })
  }
  return (
    <div className="field">
      <div className="field-label">Region</div>
      <div className="region">
        <span className="axis">x</span>
        <NumberField label="x min" value={region.x[0]} onCommit={(v) => set('x', 0, v)} width={64} testId="region-x0" />
        <span className="dash">…</span>
        <NumberField label="x max" value={region.x[1]} onCommit={(v) => set('x', 1, v)} width={64} testId="region-x1" />
        <span className="axis">y</span>
        <NumberField label="y min" value={region.y[0]} onCommit={(v) => set('y', 0, v)} width={64} testId="region-y0" />
        <span className="dash">…</span>
        <NumberField label="y max" value={region.y[1]} onCommit={(v) => set('y', 1, v)} width={64} testId="region-y1" />
      </div>
    </div>
  )
}

export function LandscapePanel() {
  const info = useUi((s) => s.info)
  const presetId = useUi((s) => s.scenario.landscape.preset)
  const custom = useUi((s) => s.scenario.landscape.expr !== undefined)
  const network = useUi((s) => s.scenario.landscape.network !== undefined)
  const preset = info?.presets.find((p) => p.id === presetId)
  const aside = network ? 'network' : custom ? 'custom' : (preset?.title ?? '')
  return (
    <Section title="Landscape" testId="panel-landscape" aside={<span className="aside">{aside}</span>}>
      <div className="gallery" role="listbox" aria-label="Preset landscapes" data-testid="preset-gallery">
        {info?.presets.map((p) => {
          const selected = !custom && !network && p.id === presetId
          return (
            <button
              key={p.id}
              type="button"
              role="option"
              aria-selected={selected}
              className={selected ? 'preset on' : 'preset'}
              title={`${p.title}\n${p.description}\n${p.expr}`}
              data-preset={p.id}
              onClick={() => choosePreset(p.id)}
            >
              <PresetThumb preset={p} />
              <span className="preset-title">{p.title}</span>
            </button>
          )
        })}
      </div>
      <div className="field-label eos-gallery-label">
        Edge of stability <span className="muted">GD at the learning rate where it oscillates</span>
      </div>
      <div className="gallery eos-gallery" role="list" aria-label="Edge-of-stability scenes" data-testid="eos-gallery">
        {EOS_SCENES.map((s) => {
          const p = info?.presets.find((q) => q.id === s.preset)
          if (!p) return null
          return (
            <button
              key={s.id}
              type="button"
              role="listitem"
              className="preset"
              data-eos-scene={s.id}
              title={`${s.title}: GD, η = ${s.lr}, from (${s.start.map((v) => Number(v.toPrecision(4))).join(', ')}), ${s.steps} steps\n${s.caption}`}
              onClick={() => loadEosScene(s.id)}
            >
              <PresetThumb preset={p} />
              <span className="preset-title">
                {s.title}
                {s.outsideRegime ? ' *' : ''}
              </span>
              <span className="preset-sub muted">η = {s.lr}</span>
            </button>
          )
        })}
      </div>
      <div className="hint">* outside the central flow’s regime: a catapult, or no self-stabilisation (GD diverges).</div>
      <PaperScenesGallery />
      <NetworkGallery />
      {network ? (
        <NetworkDetails />
      ) : (
        <>
          {preset && !custom && <p className="description">{preset.description}</p>}
          {preset?.centralFlowNote && !custom && <p className="description muted">{preset.centralFlowNote}</p>}
          <ExpressionEditor />
        </>
      )}
      <RegionEditor />
    </Section>
  )
}
