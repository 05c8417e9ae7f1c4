/**
 * Which optimizer settings have a central flow (docs/central-flows.md, "The central flow"): plain GD (torch SGD
 * without momentum), RMSprop without momentum or centering, and Scalar RMSProp — none with
 * weight decay or maximize. Heavy ball, Nesterov and Adam have none in the sources (§3.4).
 * One definition for the engine (which computes flows) and the renderer (which offers them).
 */
const alphaInRange = (a: unknown) => a === undefined || (typeof a === 'number' && a > 0 && a < 1)

export function hasCentralFlow(o: { readonly name: string } & Readonly<Record<string, unknown>>): boolean {
  if (o.weight_decay || o.maximize) return false
  switch (o.name) {
    case 'sgd':
      return !o.momentum
    // The state's rate c = (1 − α)/α needs 0 < α < 1.
    case 'rmsprop':
      return !o.momentum && !o.centered && alphaInRange(o.alpha)
    case 'scalar_rmsprop':
      return alphaInRange(o.alpha)
    default:
      return false
  }
}
