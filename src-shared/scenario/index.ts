export * from './schema'
export { MAX_SWEEP_CONFIGS, sweepAxisValues, type SweepAxis } from './sweep'
