/**
 * The network's output at 2-D inputs, for the panel's decision boundary: the forward pass of
 * NETWORKS.md (z_l = a_{l−1} W_l + b_l, hidden activations, linear output) in the parameter
 * layout W_l row-major (fan_in × fan_out), then b_l, layer by layer.
 */
import { type Activation, activationDerivatives } from '../../src-shared/network/activations'

/**
 * The predicted class (0 or 1) at each of the `count` 2-D points `xy`: the sign of a single
 * output, or the larger of two.
 */
export function classify(
  layers: readonly number[],
  activation: Activation,
  w: ArrayLike<number>,
  xy: Float64Array,
  count: number,
): Uint8Array {
  const act = activationDerivatives(activation)
  let a = xy
  let off = 0
  for (let l = 0; l + 1 < layers.length; l++) {
    const fanIn = layers[l]
    const fanOut = layers[l + 1]
    const z = new Float64Array(count * fanOut)
    for (let r = 0; r < count; r++) {
      for (let j = 0; j < fanOut; j++) {
        let s = w[off + fanIn * fanOut + j]
        for (let i = 0; i < fanIn; i++) s += a[r * fanIn + i] * w[off + i * fanOut + j]
        z[r * fanOut + j] = s
      }
    }
    off += fanIn * fanOut + fanOut
    if (l + 2 < layers.length) {
      const out = new Float64Array(z.length)
      const scratch1 = new Float64Array(z.length)
      const scratch2 = new Float64Array(z.length)
      act(z, out, scratch1, scratch2, z.length)
      a = out
    } else a = z
  }
  const outW = layers[layers.length - 1]
  const cls = new Uint8Array(count)
  for (let r = 0; r < count; r++) cls[r] = outW === 2 ? (a[r * 2 + 1] > a[r * 2] ? 1 : 0) : a[r * outW] > 0 ? 1 : 0
  return cls
}
