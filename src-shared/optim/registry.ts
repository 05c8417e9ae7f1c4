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
import { LITERATURE_OPTIMIZERS } from './literature'
import type { OptimizerDef } from './types'
import { parsedRule } from './rule'

/** The torch.optim optimizers, then those from the literature. */
export const OPTIMIZERS: readonly OptimizerDef[] = [
  sgd,
  adagrad,
  adadelta,
  rmsprop,
  adam,
  adamw,
  adamax,
  nadam,
  radam,
  asgd,
  rprop,
  scalarRmsprop,
  ...LITERATURE_OPTIMIZERS,
]

// Every rule is parsed and validated as the registry loads: a rule outside the language fails
// here, naming the optimizer, the line and the column, instead of deep inside a kernel build.
for (const def of OPTIMIZERS) parsedRule(def)

const byName = new Map(OPTIMIZERS.map((o) => [o.name, o]))

export function findOptimizer(name: string): OptimizerDef | undefined {
  return byName.get(name)
}
