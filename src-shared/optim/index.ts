export type { OptimizerDef, Hparams, HparamSpec, HparamValue, Backend, RuleStage } from './types'
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
  stepProgram,
  type StepPiece,
} from './expand'
export { RuleError, parsedRule, loweredRule, ruleNeeds, type RuleNeeds } from './rule'
export { assertRunsOn, BACKENDS, supportedBackends, UnsupportedBackendError } from './backends'
