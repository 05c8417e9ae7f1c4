/** The panel's decision boundary (src-renderer/network/classifier.ts): NETWORKS.md's forward pass and parameter layout. */
import { describe, expect, it } from 'vitest'
import { classify } from '../../src-renderer/network/classifier'

describe('classify', () => {
  it('a linear [2, 1] net: the sign of x·W + b', () => {
    const pts = Float64Array.from([1, 0, 0, 1, -1, -1, 0.2, 0.1])
    expect(Array.from(classify([2, 1], 'tanh', [1, -1, 0.25], pts, 4))).toEqual([1, 0, 1, 1])
  })

  it('a [2, 2, 2] tanh net: the larger of two outputs, W row-major (fan_in × fan_out) then b', () => {
    // Hidden: h = tanh([x, y] W1 + b1) with W1 = [[1, 0], [0, 1]], b1 = 0: h = (tanh x, tanh y).
    // Output: f = h W2 + b2 with W2 = [[1, 0], [0, 1]], b2 = (0, 0.1): class 1 when tanh y + 0.1 > tanh x.
    const w = [1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0.1]
    const pts = Float64Array.from([1, 0, 0, 1, 0.5, 0.5, 0.3, 0.22])
    const expected = [
      [1, 0],
      [0, 1],
      [0.5, 0.5],
      [0.3, 0.22],
    ].map(([x, y]) => (Math.tanh(y) + 0.1 > Math.tanh(x) ? 1 : 0))
    expect(Array.from(classify([2, 2, 2], 'tanh', w, pts, 4))).toEqual(expected)
    expect(expected).toEqual([0, 1, 1, 1])
  })
})
