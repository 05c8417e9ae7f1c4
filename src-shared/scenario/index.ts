export * from './schema'
export { MAX_SWEEP_CONFIGS, type SweepAxis } from './sweep'
