/** @vitest-environment node */
/**
 * The renderer's Content-Security-Policy forbids eval, and src-shared/random.ts builds the hash
 * with `new Function` when imported: the optimizer-state replay must draw its estimator and noise
 * directions from random-plain.ts and never reach random.ts (or the modules that import it).
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')

/** Every project module `entry` imports, transitively (relative specifiers; type-only imports skipped). */
function importClosure(entry: string): Set<string> {
  const seen = new Set<string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/(?:^|\n)\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"](\.[^'"]+)['"]/g)) {
      if (m[2]) continue
      const base = resolve(dirname(file), m[3])
      const found = [`${base}.ts`, `${base}.tsx`, `${base}/index.ts`].find(existsSync)
      if (found) visit(found)
    }
  }
  visit(resolve(ROOT, entry))
  return new Set([...seen].map((f) => relative(ROOT, f)))
}

describe('optimizer-state replay under the renderer CSP', () => {
  it('does not import the eval-built hash (src-shared/random.ts), but its eval-free mirror', () => {
    for (const entry of ['src-renderer/optstate/replay.ts', 'src-renderer/optstate/compute.ts']) {
      const closure = importClosure(entry)
      expect(closure.has('src-renderer/optstate/rule-eval.ts'), `${entry}'s closure is walked`).toBe(true)
      expect(closure.has('src-shared/random-plain.ts')).toBe(true)
      // The learning-rate schedule comes from the engines' own torch port.
      expect(closure.has('src-shared/schedule/sequence.ts'), `${entry} replays schedules`).toBe(true)
      expect(closure.has('src-shared/random.ts'), `${entry} reaches random.ts`).toBe(false)
    }
  })
})
