/** Checks of a schedule against the optimizer and the run it belongs to (before anything runs). */
import type { OptimizerDef } from '../optim'
import { scheduleSequence } from './sequence'
import { ScheduleError, type ScheduleSpec } from './spec'
import { momentumCodeName } from './table'

/** Paths of the OneCycleLRs in a schedule ('' for the schedule itself). */
function oneCycles(s: ScheduleSpec, path = ''): string[] {
  if (s.name === 'OneCycleLR') return [path]
  if (s.name === 'SequentialLR') return s.schedulers.flatMap((c, i) => oneCycles(c, `${path ? path + '.' : ''}schedulers[${i}]`))
  return []
}

/**
 * torch's checks that need the optimizer and the run: OneCycleLR's cycle_momentum needs a
 * momentum or betas, and a OneCycleLR fails when stepped past its total_steps. Throws ScheduleError.
 */
export function checkScheduleFor(s: ScheduleSpec, def: OptimizerDef, steps: number): void {
  const cycles = oneCycles(s)
  if (cycles.length === 0) return
  if (momentumCodeName(def) === null) {
    for (const path of cycles) {
      const c = pathTo(s, path)
      if (c.name === 'OneCycleLR' && c.cycle_momentum) {
        throw new ScheduleError(
          `${path ? path + '.' : ''}cycle_momentum`,
          `${def.name} has no momentum or betas to cycle (torch refuses); set "cycle_momentum": false`,
        )
      }
    }
  }
  // Only OneCycleLR can fail while stepping; its steps are cheap to replay.
  scheduleSequence(s, 1, 0.9, steps)
}

function pathTo(s: ScheduleSpec, path: string): ScheduleSpec {
  let at = s
  for (const m of path.matchAll(/schedulers\[(\d+)\]/g)) if (at.name === 'SequentialLR') at = at.schedulers[Number(m[1])]
  return at
}
