export type { OptimizerDef, Hparams, HparamSpec, HparamValue } from './types'
export { OPTIMIZERS, findOptimizer } from './registry'
export { HparamError, resolveHparams, hparamCodeNames, hparamCodeValues } from './hparams'
export { updateForCoordinate, preludeCode, usesGradNorm, coordName, perCoordinateNames, preconditionerForCoordinate } from './expand'
