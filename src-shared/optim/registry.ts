/** Every optimizer Gradscape knows, by scenario name. */
import { adadelta } from './adadelta'
import { adagrad } from './adagrad'
import { adam, adamw } from './adam'
import { adamax } from './adamax'
import { asgd } from './asgd'
import { nadam } from './nadam'
import { radam } from './radam'
import { rmsprop } from './rmsprop'
import { rprop } from './rprop'
import { scalarRmsprop } from './scalar-rmsprop'
import { sgd } from './sgd'
import type { OptimizerDef } from './types'

/** The torch.optim optimizers, then those from the literature. */
export const OPTIMIZERS: readonly OptimizerDef[] = [sgd, adagrad, adadelta, rmsprop, adam, adamw, adamax, nadam, radam, asgd, rprop, scalarRmsprop]

const byName = new Map(OPTIMIZERS.map((o) => [o.name, o]))

export function findOptimizer(name: string): OptimizerDef | undefined {
  return byName.get(name)
}
