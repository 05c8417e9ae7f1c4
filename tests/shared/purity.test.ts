/** @vitest-environment node */
/**
 * src-shared is the single source of truth for the engine, both hosts and the renderer: it must
 * stay free of platform imports (electron, node:*, react, three, gpu.js), so every consumer can
 * load it unchanged.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../../src-shared')
const FORBIDDEN = /^(electron|node:|fs$|path$|os$|child_process$|worker_threads$|react|three|@react-three\/|gpu\.js|ws$)/

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : []
  })
}

describe('src-shared purity', () => {
  const sources = files(ROOT)
  it('has sources to check', () => expect(sources.length).toBeGreaterThan(10))
  it.each(sources.map((f) => relative(ROOT, f)))('%s imports no platform module', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8')
    const specifiers = [
      ...text.matchAll(
        /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g,
      ),
    ].map((m) => m[1] ?? m[2] ?? m[3])
    for (const s of specifiers) expect(FORBIDDEN.test(s), `${file} imports ${s}`).toBe(false)
  })
})
