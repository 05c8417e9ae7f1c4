/**
 * Runs a float32 ensemble scenario (src-shared/network/ensemble.ts) to the end and shapes each
 * network as a run of the float64 result (../run.ts's NetworkScenarioResult): optimizer, step,
 * loss, params_final, diverged_at, plus `seed` (init.seeds) and `precision`. Runs are reported
 * optimizer entry by entry, configuration by configuration, seed by seed.
 */
import type { EnsembleScenario } from '../../../../src-shared/network/ensemble'
import type { NetworkRunRecord, NetworkScenarioResult } from '../run'
import { EnsembleTrainer } from './trainer'

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null)

export function runEnsembleScenario(s: EnsembleScenario): NetworkScenarioResult {
  const runs: NetworkRunRecord[] = []
  for (const group of s.groups) {
    const trainer = new EnsembleTrainer(s.network, group, s.steps, s.every)
    trainer.advance(s.steps)
    const E = group.members.length
    group.members.forEach((m, e) => {
      runs.push({
        optimizer: { name: group.def.name, ...m.hparams },
        ...(m.seed === null ? {} : { seed: m.seed }),
        precision: 'float32',
        step: Array.from({ length: trainer.kept }, (_, i) => i * s.every),
        loss: Array.from({ length: trainer.kept }, (_, i) => finiteOrNull(trainer.loss[i * E + e])),
        params_final: Array.from(trainer.params(e)),
        diverged_at: trainer.divergedAt[e] < 0 ? null : trainer.divergedAt[e],
      })
    })
  }
  const net = s.network
  return { network: { layers: net.layers, n_params: net.size, examples: net.data.n, data: net.dataSource }, runs }
}
