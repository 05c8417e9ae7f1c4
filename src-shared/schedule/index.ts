export {
  cyclesMomentum,
  oneCycleTotal,
  parseSchedule,
  SCHEDULE_NAMES,
  SCHEDULES,
  ScheduleError,
  scheduleJson,
  scheduleField,
  type ScheduleName,
  type ScheduleSpec,
} from './spec'
export { affineSchedule, ROW_VALUES, scheduleSequence, type ScheduleSequence } from './sequence'
export { baseMomentum, momentumCodeName, scheduleTable, type ScheduleTable } from './table'
export { checkScheduleFor } from './check'
