/** Every scenario edit the UI can make, each one undoable (see `edit` in ./ui-store). */
import type { OptimizerInfo } from '../../src-shared/api'
import { findEosScene } from '../../src-shared/eos/scenes'
import { job } from '../data/job-data'
import { findNetworkScene } from '../network/scenes'
import {
  formatNumber,
  type InitDoc,
  initMode,
  MAX_OPTIMIZERS,
  newOptimizer,
  type OptimizerEntry,
  type Pair,
  presetOf,
  type Region,
} from './scenario'
import { edit, editScenario, showMessage, useUi } from './ui-store'

/**
 * Switch to a preset (one undoable step): its landscape and region, the start points scaled into
 * the new view. The optimizers' hyperparameters are the user's and stay exactly as set; the
 * preset's suggested rates are offered beside each lr (../ui/LrSuggestion.tsx), never applied silently.
 */
export function choosePreset(id: string): void {
  const info = useUi.getState().info
  const preset = info?.presets.find((p) => p.id === id)
  if (!preset) return
  edit(({ scenario }) => {
    const [x0, x1] = preset.view.x
    const [y0, y1] = preset.view.y
    // Start points follow the landscape: the same kind of start set, scaled into the new view.
    const init = rescaleInit(scenario.init, useUi.getState().region, preset.view, preset.start)
    return {
      scenario: { ...scenario, landscape: { preset: id }, init },
      region: { x: [x0, x1], y: [y0, y1] },
    }
  })
  useUi.setState((s) => ({ view: { ...s.view, heightScale: 'auto' } }))
}

/** Map start points from one region to another (relative position kept). */
function rescaleInit(init: InitDoc, from: Region, to: Region, start: Pair): InitDoc {
  const mx = (x: number) => to.x[0] + ((x - from.x[0]) / (from.x[1] - from.x[0])) * (to.x[1] - to.x[0])
  const my = (y: number) => to.y[0] + ((y - from.y[0]) / (from.y[1] - from.y[0])) * (to.y[1] - to.y[0])
  const rx = (r: Pair): Pair => [round(mx(r[0])), round(mx(r[1]))]
  const ry = (r: Pair): Pair => [round(my(r[0])), round(my(r[1]))]
  switch (initMode(init)) {
    case 'point':
      return [start[0], start[1]]
    case 'points':
      return (init as readonly Pair[]).map((p) => [round(mx(p[0])), round(my(p[1]))] as const)
    case 'grid': {
      const g = (init as { grid: { x: Pair; y: Pair; n: Pair } }).grid
      return { grid: { ...g, x: rx(g.x), y: ry(g.y) } }
    }
    case 'random': {
      const r = (init as { random: { x: Pair; y: Pair; count: number; seed: number } }).random
      return { random: { ...r, x: rx(r.x), y: ry(r.y) } }
    }
  }
}

export const round = (v: number, digits = 4): number => Number(v.toPrecision(digits))

/**
 * A typed expression that validated and was committed (a pause, Enter or leaving the field): it
 * replaces the preset as one undo step of its own. The region stays; RegionNotice says when start
 * points lie outside it and offers to fit it.
 */
export function setExpression(expr: string): void {
  editScenario((s) => (s.landscape.expr === expr && s.landscape.preset === undefined ? s : { ...s, landscape: { expr } }))
}

export function setRegion(region: Region): void {
  edit(() => ({ region }), 'region')
}

export function addOptimizer(name: string): void {
  const { info, scenario } = useUi.getState()
  const def = info?.optimizers.find((o) => o.name === name)
  if (!def) return
  if (scenario.optimizers.length >= MAX_OPTIMIZERS) {
    showMessage('error', `At most ${MAX_OPTIMIZERS} optimizers at once.`)
    return
  }
  const preset = presetOf(scenario, info)
  const added = newOptimizer(def, preset)
  editScenario((s) => ({ ...s, optimizers: [...s.optimizers, added] }))
  showMessage('info', newOptimizerNote(def, added, preset?.title))
}

/** Why a new optimizer starts at its lr: the landscape's suggestion (torch's default named) or torch's own. */
export function newOptimizerNote(def: OptimizerInfo, added: OptimizerEntry, landscape: string | undefined): string {
  const torch = def.hparams.find((h) => h.name === 'lr')?.default
  const lr = added.lr as number
  if (typeof torch !== 'number' || torch === lr) return `${def.title} added with torch's default lr = ${formatNumber(lr)}.`
  return `${def.title} added with lr = ${formatNumber(lr)}, the rate suggested for ${landscape ?? 'this landscape'} (torch's default is ${formatNumber(torch)}; reset it with ↺).`
}

export function removeOptimizer(index: number): void {
  const { scenario } = useUi.getState()
  if (scenario.optimizers.length <= 1) {
    showMessage('error', 'Keep at least one optimizer.')
    return
  }
  editScenario((s) => ({ ...s, optimizers: s.optimizers.filter((_, i) => i !== index) }))
  useUi.setState((s) => ({ view: { ...s.view, hidden: s.view.hidden.filter((i) => i !== index).map((i) => (i > index ? i - 1 : i)) } }))
}

export function duplicateOptimizer(index: number): void {
  const { scenario } = useUi.getState()
  if (scenario.optimizers.length >= MAX_OPTIMIZERS) {
    showMessage('error', `At most ${MAX_OPTIMIZERS} optimizers at once.`)
    return
  }
  editScenario((s) => ({
    ...s,
    optimizers: [...s.optimizers.slice(0, index + 1), { ...s.optimizers[index] }, ...s.optimizers.slice(index + 1)],
  }))
}

/** Set (or with `undefined`, reset to torch's default) one hyperparameter. */
export function setHparam(index: number, name: string, value: unknown, coalesce = true): void {
  editScenario(
    (s) => {
      const current = s.optimizers[index]
      if (!current) return s
      const next: Record<string, unknown> = { ...current }
      if (value === undefined) delete next[name]
      else next[name] = value
      const optimizers = s.optimizers.slice()
      optimizers[index] = next as OptimizerEntry
      return { ...s, optimizers }
    },
    coalesce ? `hp:${index}:${name}` : undefined,
  )
}

export function setInit(init: InitDoc, coalesce?: string): void {
  editScenario((s) => ({ ...s, init }), coalesce)
}

/** Current start points as an explicit list (a cloud or grid is expanded from the job on screen). */
function explicitStarts(init: InitDoc): Pair[] {
  switch (initMode(init)) {
    case 'point':
      return [init as Pair]
    case 'points':
      return (init as readonly Pair[]).slice()
    default: {
      const starts = job.starts
      if (starts > 0 && starts <= 256) return job.runs.slice(0, starts).map((r) => [round(r.init[0], 6), round(r.init[1], 6)] as const)
      return []
    }
  }
}

/** A click on the surface: one more start point (a cloud or grid becomes the list of its points). */
export function addStartPoint(x: number, y: number): void {
  const init = useUi.getState().scenario.init
  const points = explicitStarts(init)
  points.push([round(x), round(y)])
  setInit(points)
}

export function removeStartPoint(index: number): void {
  const init = useUi.getState().scenario.init
  if (initMode(init) !== 'points') return
  const points = (init as readonly Pair[]).filter((_, i) => i !== index)
  if (points.length === 0) return
  setInit(points.length === 1 ? points[0] : points)
}

export function setSteps(steps: number): void {
  editScenario((s) => ({ ...s, steps }), 'steps')
}

export function setNoise(std: number): void {
  editScenario((s) => ({ ...s, noise: { ...s.noise, std } }), 'noise')
}

/**
 * Load an edge-of-stability scene (src-shared/eos/scenes.ts) as one undoable edit: its landscape
 * and region, a single plain-GD run (torch SGD, momentum 0) from its start, every step kept with
 * its sharpness, the central flow on; then open the EoS view.
 */
export function loadEosScene(id: string): void {
  const scene = findEosScene(id)
  const preset = useUi.getState().info?.presets.find((p) => p.id === scene?.preset)
  if (!scene || !preset) return
  edit(({ scenario }) => ({
    scenario: {
      ...scenario,
      landscape: { preset: preset.id },
      optimizers: [{ name: 'sgd', lr: scene.lr, momentum: 0 }],
      init: [scene.start[0], scene.start[1]],
      steps: scene.steps,
      record: { every: 1, sharpness: true },
      noise: { ...scenario.noise, std: 0 },
      extra: { ...scenario.extra, central_flow: true },
    },
    region: { x: preset.view.x, y: preset.view.y },
  }))
  useUi.setState((s) => ({ eosOpen: true, view: { ...s.view, heightScale: 'auto', hidden: [] } }))
}

/**
 * Load a network scene (../network/scenes.ts) as one undoable edit: its network, one plain-GD run,
 * every step kept with its sharpness and top-2 eigenvalues; the region is the view slice's extent,
 * and the EoS view opens.
 */
export function loadNetworkScene(id: string): void {
  const scene = findNetworkScene(id)
  if (!scene) return
  edit(({ scenario }) => ({
    scenario: {
      ...scenario,
      landscape: { network: scene.network },
      // An ensemble is one sweep over the learning rates (one run each, float64).
      optimizers: [{ name: 'sgd', lr: scene.lr, momentum: 0, ...(scene.lrs ? { sweep: { lr: { values: [...scene.lrs] } } } : {}) }],
      init: [0, 0],
      steps: scene.steps,
      record: { every: 1, sharpness: true },
      noise: { ...scenario.noise, std: 0 },
      extra: {},
    },
    region: { x: [-1, 1], y: [-1, 1] },
  }))
  useUi.setState((s) => ({ eosOpen: true, view: { ...s.view, heightScale: 'auto', hidden: [] } }))
}
