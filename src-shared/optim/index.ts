export type { OptimizerDef, Hparams, HparamSpec, HparamValue } from './types'
export { OPTIMIZERS, findOptimizer } from './registry'
export { HparamError, resolveHparams, hparamCodeNames, hparamCodeValues } from './hparams'
export {
  updateForCoordinate,
  preludeCode,
  usesGradNorm,
  declaredLocals,
  coordName,
  perCoordinateNames,
  preconditionerForCoordinate,
  updateTreeForCoordinate,
  preconditionerTreeForCoordinate,
  preludeTree,
  updateLocals,
  preludeLocals,
} from './expand'
export { RuleError, parsedRule, loweredRule } from './rule'
