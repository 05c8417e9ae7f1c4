export {
  cyclesMomentum,
  oneCycleTotal,
  parseSchedule,
  SCHEDULE_NAMES,
  SCHEDULES,
  ScheduleError,
  scheduleJson,
  scheduleField,
  describeSchedules,
  type ScheduleName,
  type ScheduleSpec,
} from './spec'
export { affineSchedule, ROW_VALUES, scheduleSequence, type ScheduleSequence } from './sequence'
export { baseMomentum, groupedScheduleTable, momentumCodeName, scheduleTable, type ScheduleTable } from './table'
export { checkScheduleFor } from './check'
export {
  isNumericArg,
  isScheduleKey,
  isWholeArg,
  SCHEDULE_KEY_PREFIX,
  scheduleArgPath,
  type ScheduleArgPath,
  type SweepableArg,
  sweepableArgs,
  withScheduleArg,
} from './args'
