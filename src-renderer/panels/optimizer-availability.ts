/**
 * Whether the current run can take an optimizer, and why not: its engines (OptimizerInfo.backends)
 * against the run's precision, and what its rule needs from the landscape (OptimizerInfo.needs)
 * against what the app's landscapes give. Pure, for the picker and its tests.
 */
import type { OptimizerInfo } from '../../src-shared/api'

export interface RunContext {
  readonly precision: 'float64' | 'float32'
  /** Whether the landscape carries residuals (the app's landscapes are an expression or a preset: never). */
  readonly residuals: boolean
}

export type AvailabilityItem = Pick<OptimizerInfo, 'name' | 'backends' | 'needs'>

/** Null when the run can take it; else one sentence saying why not and what would. */
export function unavailableReason(item: AvailabilityItem, ctx: RunContext): string | null {
  if (item.needs?.residuals && !ctx.residuals) {
    return 'needs the landscape as residuals (Σ r², "landscape": {"residuals": [...]}), which only a scenario file can give'
  }
  const backends = item.backends
  if (!backends) return null // an older host: every engine runs every rule
  if (ctx.precision === 'float64' && !backends.includes('float64')) return 'does not run on the float64 path: switch precision to float32'
  if (ctx.precision === 'float32' && !backends.includes('wasm') && !backends.includes('gpujs')) {
    return 'does not run on the float32 kernels: switch precision to float64'
  }
  return null
}
