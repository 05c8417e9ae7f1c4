import { describe, expect, it } from 'vitest'
import { unavailableReason } from '../../src-renderer/panels/optimizer-availability'

const all = ['float64', 'wasm', 'gpujs'] as const
const free = { residuals: false, twoDimensional: false }

describe('which optimizers the current run can take', () => {
  it('every engine and no needs: always available', () => {
    for (const precision of ['float64', 'float32'] as const) {
      expect(unavailableReason({ name: 'adam', backends: [...all], needs: free }, { precision, residuals: false })).toBeNull()
    }
  })

  it('Gauss–Newton needs residuals, which the app’s landscapes never carry', () => {
    const gn = { name: 'gaussnewton', backends: [...all], needs: { residuals: true, twoDimensional: true } }
    expect(unavailableReason(gn, { precision: 'float64', residuals: false })).toMatch(/residuals/)
    expect(unavailableReason(gn, { precision: 'float64', residuals: true })).toBeNull()
  })

  it('a rule an engine excludes is refused at that precision only, saying which precision runs it', () => {
    const onlyF64 = { name: 'x', backends: ['float64' as const], needs: free }
    expect(unavailableReason(onlyF64, { precision: 'float64', residuals: false })).toBeNull()
    expect(unavailableReason(onlyF64, { precision: 'float32', residuals: false })).toMatch(/float32 kernels.*float64/)
    const noF64 = { name: 'y', backends: ['wasm' as const], needs: free }
    expect(unavailableReason(noF64, { precision: 'float64', residuals: false })).toMatch(/float64 path.*float32/)
    expect(unavailableReason(noF64, { precision: 'float32', residuals: false })).toBeNull()
  })

  it('an older host without backends: available', () => {
    expect(unavailableReason({ name: 'sgd' }, { precision: 'float32', residuals: false })).toBeNull()
  })
})
