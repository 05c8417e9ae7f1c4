/** @vitest-environment node */
/**
 * `gradscape optimizers --source NAME`: the readable float64 loop. Its statements are the ones
 * the float64 engine runs (same trees, same printer), and the CLI prints it or refuses the name.
 */
import { describe, expect, it } from 'vitest'
import { findOptimizer, OPTIMIZERS } from '../../src-shared/optim'
import { landscapeFromSpec } from '../../src-shared/landscape'
import { float64KernelSource } from '../../src-main/engine/float64'
import { optimizerSource } from '../../src-main/cli/optimizer-source'
import { runCli } from './cli-helpers'

describe('optimizer source', () => {
  // With its residuals, so Gauss–Newton's loop can be built too.
  const landscape = landscapeFromSpec({ preset: 'rosenbrock', residuals: ['1 - x', '10*(y - x^2)'] })

  it.each(OPTIMIZERS.map((o) => [o.name, o] as const))('%s: every statement of the loop is one the float64 engine runs', (_name, def) => {
    const engine = new Set(
      float64KernelSource(landscape, def, false)
        .split('\n')
        .map((l) => l.trim()),
    )
    const body = optimizerSource(def)
      .split('\n')
      .map((l) => l.trim())
    const loop = body
      .slice(body.findIndex((l) => l.startsWith('for (let t = 1;')) + 1, -1)
      .filter((l) => !l.startsWith('//') && !l.startsWith('let g_norm2'))
    expect(loop.length).toBeGreaterThan(2)
    for (const line of loop) expect(engine.has(line), line).toBe(true)
  })

  it('reads like torch: per-coordinate names, booleans as conditions', () => {
    const text = optimizerSource(findOptimizer('sgd')!)
    expect(text).toContain('let momentum_buffer_x = 0;')
    expect(text).toContain('p_y = p_y - lr * g_y;')
    expect(text).toContain('if (nesterov > 0.5) {')
    expect(text).toMatch(/\/\/ {3}lr +default 0\.001: learning rate γ/)
  })

  it('is printed by the CLI, which refuses an unknown name listing the known ones', () => {
    const ok = runCli(['optimizers', '--source', 'adam'])
    expect(ok.status).toBe(0)
    expect(ok.stdout).toBe(optimizerSource(findOptimizer('adam')!) + '\n')
    const bad = runCli(['optimizers', '--source', 'adamz'])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/^error: unknown optimizer 'adamz' \(known: sgd, adagrad,/)
  })
})
