// `node --import ./tests/main/launch/register.mjs out/main/index.js`: resolves the bare specifier
// 'electron' to the recording stand-in (fake-electron.mjs); every other import resolves as usual,
// so the built bundle's own paths, chunks and module format are what is exercised.
import { register } from 'node:module'

const fake = new URL('./fake-electron.mjs', import.meta.url).href
const hooks = `
export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: ${JSON.stringify(fake)}, shortCircuit: true }
  return next(specifier, context)
}`
register(`data:text/javascript,${encodeURIComponent(hooks)}`)
