/** A scenario problem: which field, and what is wrong with it. */
export class ScenarioError extends Error {
  readonly field: string
  readonly problem: string
  constructor(field: string, problem: string) {
    super(field ? `${field}: ${problem}` : problem)
    this.name = 'ScenarioError'
    this.field = field
    this.problem = problem
  }
}
