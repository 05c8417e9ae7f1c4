/**
 * Optimizer families for the picker: a small table keyed by optimizer name. Only the grouping
 * lives here; everything else (title, citation, math) is read from the registry. A name missing
 * from the table (an optimizer added later) falls into `other`, so the catalog can grow without
 * this file and the picker never loses an optimizer.
 */

export type FamilyId = 'torch' | 'adaptive' | 'curvature' | 'regularized' | 'other'

export interface Family {
  readonly id: FamilyId
  readonly title: string
  /** One line on what the members share. */
  readonly blurb: string
}

/** The families in the order the picker lists them. */
export const FAMILIES: readonly Family[] = [
  { id: 'torch', title: 'torch.optim (first-order)', blurb: 'torch.optim’s optimizers, with torch’s names and defaults' },
  { id: 'adaptive', title: 'Adaptive', blurb: 'per-coordinate step sizes from running moments (literature)' },
  { id: 'curvature', title: 'Curvature', blurb: 'use the Hessian or an estimate of it' },
  { id: 'regularized', title: 'Regularized & normalized', blurb: 'sharpness-aware, gradient-regularized, normalized or clipped steps' },
  { id: 'other', title: 'Other', blurb: 'everything else' },
]

const FAMILY_OF: Readonly<Record<string, FamilyId>> = {
  sgd: 'torch',
  asgd: 'torch',
  rprop: 'torch',
  adagrad: 'torch',
  adadelta: 'torch',
  rmsprop: 'torch',
  adam: 'torch',
  adamw: 'torch',
  adamax: 'torch',
  nadam: 'torch',
  radam: 'torch',
  scalar_rmsprop: 'adaptive',
  lion: 'adaptive',
  ademamix: 'adaptive',
  mars: 'adaptive',
  diffgrad: 'adaptive',
  adabelief: 'adaptive',
  yogi: 'adaptive',
  aegd: 'adaptive',
  optamsgrad: 'adaptive',
  newton: 'curvature',
  saddlefreenewton: 'curvature',
  gaussnewton: 'curvature',
  oasis: 'curvature',
  sam: 'regularized',
  fdgr: 'regularized',
  normgd: 'regularized',
  clipsgd: 'regularized',
}

/** The family of an optimizer by its scenario name; `other` for a name the table does not know. */
export function familyOf(name: string): FamilyId {
  return Object.prototype.hasOwnProperty.call(FAMILY_OF, name) ? FAMILY_OF[name] : 'other'
}

/**
 * Items grouped by family in FAMILIES order, each group keeping the items' own order (the
 * registry's); empty families are left out.
 */
export function groupByFamily<T extends { readonly name: string }>(items: readonly T[]): { family: Family; items: T[] }[] {
  return FAMILIES.map((family) => ({ family, items: items.filter((o) => familyOf(o.name) === family.id) })).filter(
    (g) => g.items.length > 0,
  )
}
