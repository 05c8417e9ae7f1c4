export * from './spec'
export * from './draws'
export * from './code'
