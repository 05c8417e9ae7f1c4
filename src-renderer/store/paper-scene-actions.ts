/**
 * Loading a paper scene (src-shared/scenes/paper-scenes.ts) into the editor, and recognising the
 * scene the current scenario still is (so its caption stays up until the user changes what it shows).
 */
import { findPaperScene, PAPER_SCENES, type PaperScene } from '../../src-shared/scenes/paper-scenes'
import type { Pair, Scenario } from './scenario'
import { edit, useUi } from './ui-store'

/**
 * One undoable edit: the scene's landscape, region, optimizers, starts and steps, on the float64
 * path where the claim was checked (a loaded float32 setting or central flow is dropped), every
 * run shown.
 */
export function loadPaperScene(id: string): void {
  const scene = findPaperScene(id)
  if (!scene) return
  edit(({ scenario }) => {
    const { precision: _p, central_flow: _c, ...extra } = scenario.extra
    return {
      scenario: {
        ...scenario,
        landscape: { expr: scene.expr },
        optimizers: scene.optimizers.map((o) => ({ ...o })),
        init: scene.starts.length === 1 ? [scene.starts[0][0], scene.starts[0][1]] : scene.starts.map((p): Pair => [p[0], p[1]]),
        steps: scene.steps,
        record: { every: 'auto', sharpness: false },
        noise: { ...scenario.noise, std: 0 },
        extra,
      },
      region: { x: [scene.view.x[0], scene.view.x[1]], y: [scene.view.y[0], scene.view.y[1]] },
    }
  })
  useUi.setState((s) => ({ view: { ...s.view, heightScale: 'auto', hidden: [] } }))
}

/**
 * The scene the scenario shows: same landscape, same optimizers in order (every hyperparameter the
 * scene sets, at the scene's value) and the same steps; null once any of them is edited.
 */
export function currentPaperScene(s: Scenario): PaperScene | null {
  if (s.landscape.expr === undefined || s.extra.precision === 'float32') return null
  return (
    PAPER_SCENES.find(
      (scene) =>
        scene.expr === s.landscape.expr &&
        scene.steps === s.steps &&
        scene.optimizers.length === s.optimizers.length &&
        scene.optimizers.every((o, i) => Object.entries(o).every(([k, v]) => JSON.stringify(s.optimizers[i][k]) === JSON.stringify(v))),
    ) ?? null
  )
}
