/** @vitest-environment node */
/** Kernel source assembled from an optimizer's rule: the rule's literals stay valid float literals. */
import { parse as acornParse } from 'acorn'
import { describe, expect, it } from 'vitest'
import { findOptimizer, type OptimizerDef } from '../../src-shared/optim'
import { landscapeFromSpec } from '../../src-shared/landscape'
import { kernelParts } from '../../src-main/engine/kernel-source'

describe('kernel source from a rule', () => {
  const landscape = landscapeFromSpec({ preset: 'rosenbrock' })
  const sgd = findOptimizer('sgd')!

  it('keeps a literal with an exponent a number (1e-8 became 1e-8.0, a syntax error)', () => {
    const def: OptimizerDef = { ...sgd, update: 'p = p - lr * g / (Math.abs(g) + 1e-8) * 2;' }
    const { step } = kernelParts(landscape, def)
    expect(step).toContain('p_x = p_x - lr * g_x / (Math.abs(g_x) + 1e-8) * 2.0;')
    expect(() => acornParse(`function f() { ${step} }`, { ecmaVersion: 2020 })).not.toThrow()
  })

  it('writes a fixed switch as a literal, so its branch folds', () => {
    const { step } = kernelParts(landscape, sgd, new Set(['maximize']), false, { fixed: new Map([['maximize', 1]]) })
    expect(step).toContain('if (1.0 > 0.5) {')
  })
})
