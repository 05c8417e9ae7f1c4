/**
 * The float32 path's kept-point loop: a job's span of steps advanced by one of the backends
 * (launch.ts), its kept points written into the block's float64 output.
 */
import type { BlockOutput, ParticleBatch } from '../float64'
import type { Float32State, Launcher } from './launch'

/**
 * Advance `state` to `tTo`, one launch per kept point, writing kept points into `out` (float64
 * arrays). `pointMetrics` evaluates, in float64 at a float32 position, the loss, the sharpness and
 * the top eigenvector (metrics 0, 1 and 2–3) for the outputs `out` has.
 */
export async function advanceFloat32(
  job: ParticleBatch, state: Float32State, launcher: Launcher, tTo: number, out: BlockOutput,
  pointMetrics: (x: number, y: number, out: Float64Array) => void,
): Promise<void> {
  const n = state.n
  const metrics = new Float64Array(4)
  const record = (k: number) => {
    const j = k - out.start
    for (let i = 0; i < n; i++) {
      const at = i * out.count + j
      // Death step d: the point after step d is the first non-finite one (NaN from d on). The
      // GPU.js launches also overwrite x with NaN; the 'wasm' kernel leaves what it computed.
      const dead = state.dead[i] >= 0 && state.dead[i] <= k * job.every
      if (dead) {
        out.x[at] = NaN; out.y[at] = NaN; out.loss[at] = NaN
        if (out.sharpness) out.sharpness[at] = NaN
        if (out.axis) { out.axis[2 * at] = NaN; out.axis[2 * at + 1] = NaN }
        continue
      }
      out.x[at] = state.x[i]; out.y[at] = state.y[i]
      pointMetrics(state.x[i], state.y[i], metrics)
      out.loss[at] = metrics[0]
      if (out.sharpness) out.sharpness[at] = metrics[1]
      if (out.axis) { out.axis[2 * at] = metrics[2]; out.axis[2 * at + 1] = metrics[3] }
    }
  }
  for (let k = out.start; k < out.start + out.count; k++) {
    const target = k * job.every
    if (target > state.t) await launcher.advance(target)
    record(k)
  }
  // Launches go from kept point to kept point: a block ending between two leaves state.t at the
  // last one (the next launch continues from there). Steps after the last kept point still run
  // when the job ends, so a divergence there is reported as on the float64 path.
  if (tTo >= job.steps && state.t < job.steps) await launcher.advance(job.steps)
}
