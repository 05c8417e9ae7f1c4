/** The engine worker's answer to an EstimateRequest (request.ts), from the shared draws (draws.ts). */
import { landscapeFromSpec } from '../landscape'
import { estimateGradient } from './draws'
import type { EstimateData, EstimateRequest } from './request'
import { parseGradientSpec } from './spec'

/** Answer a request (throws ScenarioError / LandscapeSpecError / ExpressionError on a bad one). */
export function answerEstimates(r: EstimateRequest): EstimateData {
  const f = landscapeFromSpec(r.landscape).compiled
  const spec = parseGradientSpec(r.gradient, 'gradient')
  const n = r.points.length / 4
  const gradient = new Array<number>(2 * n)
  const estimate = new Array<number>(2 * n)
  const vg = new Float64Array(3)
  const out = [0, 0]
  for (let i = 0; i < n; i++) {
    const [x, y, stream, t] = r.points.slice(4 * i, 4 * i + 4)
    f.valueAndGradient(x, y, vg)
    gradient[2 * i] = vg[1]
    gradient[2 * i + 1] = vg[2]
    estimateGradient(spec, f, x, y, stream, t, out)
    estimate[2 * i] = out[0]
    estimate[2 * i + 1] = out[1]
  }
  return { gradient, estimate }
}
