/**
 * The gradient estimator's step code for the engines (src-shared/estimator/code.ts), with the
 * landscape's emitted value code for the zeroth-order loss evaluations.
 */
import { emitAssignments, type Landscape } from '../../src-shared/landscape'
import { type EstimatorKind, estimatorCode, type EstimatorSite, STEP_SITE } from '../../src-shared/estimator'

/** For the float64 loop: plain JavaScript numbers. */
export function float64EstimatorCode(landscape: Landscape, kind: EstimatorKind, site: EstimatorSite = STEP_SITE): string {
  return estimatorCode(
    kind,
    {
      number: String,
      lossAt: (qx, qy, target, prefix) =>
        emitAssignments([[target, landscape.derivatives.value]], { vars: { x: qx, y: qy }, tempPrefix: prefix }),
    },
    site,
  )
}

/** For the float32 kernels: float literals and `let` temporaries (`formatNumber`: the kernels' number printer). */
export function kernelEstimatorCode(
  landscape: Landscape,
  kind: EstimatorKind,
  formatNumber: (v: number) => string,
  site: EstimatorSite = STEP_SITE,
): string {
  return estimatorCode(
    kind,
    {
      number: formatNumber,
      lossAt: (qx, qy, target, prefix) =>
        emitAssignments([[target, landscape.derivatives.value]], {
          vars: { x: qx, y: qy },
          tempPrefix: prefix,
          declare: 'let',
          formatNumber,
        }),
    },
    site,
  )
}
