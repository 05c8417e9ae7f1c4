/** @vitest-environment node */
/**
 * The three layers and what each may import: src-shared imports neither side; the renderer never
 * imports src-main (it reaches main only through the contract in src-shared); main never imports
 * src-renderer, save the documented exceptions below. `new Function` appears in src-shared only
 * where it compiles the engine's own generated code (the renderer's CSP forbids it, so none of
 * these modules may be reached from the renderer at run time through a value import it needs).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : /\.(ts|tsx|mts)$/.test(name) ? [path] : []
  })
}

interface Import {
  readonly specifier: string
  readonly typeOnly: boolean
}

/** Static and dynamic imports and re-exports of a source file. */
function importsOf(text: string): Import[] {
  const found: Import[] = []
  for (const m of text.matchAll(/(?:^|\n)\s*(import|export)\s+(type\s+)?[^'";]*?\bfrom\s+['"]([^'"]+)['"]/g))
    found.push({ specifier: m[3], typeOnly: Boolean(m[2]) })
  for (const m of text.matchAll(/(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g)) found.push({ specifier: m[1], typeOnly: false })
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push({ specifier: m[1], typeOnly: false })
  return found
}

/** The top-level folder (layer) an import of `file` lands in, or null for packages. */
function layerOf(file: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null
  return relative(ROOT, resolve(dirname(file), specifier)).split(/[\\/]/)[0]
}

/**
 * main → renderer imports that are allowed, each with why. `gradscape render` drives the
 * renderer's own export path in Chromium and reads its result type; its settings module moved to
 * src-shared/export/options.ts (the renderer re-exports it), so the value import below goes once
 * src-main/cli/render.ts (owned by the CLI) imports src-shared directly.
 */
const MAIN_TO_RENDERER: Readonly<Record<string, readonly string[]>> = {
  'src-main/cli/render.ts': ['src-renderer/export/options', 'src-renderer/export/automation'],
}

/** src-shared modules that may call `new Function`, on code they generate themselves. */
const NEW_FUNCTION_ALLOWED = new Set([
  'src-shared/landscape/compile.ts', // the landscape's parsed and emitted expression (never user text)
  'src-shared/random.ts', // the shared RANDOM_CODE source, also inlined into the kernels
])

const layer = (dir: string) =>
  files(join(ROOT, dir)).map((f) => ({ file: f, rel: relative(ROOT, f).split('\\').join('/'), text: readFileSync(f, 'utf8') }))

describe('layers', () => {
  const shared = layer('src-shared')
  const renderer = layer('src-renderer')
  const main = layer('src-main')

  it('has sources in every layer', () => {
    for (const l of [shared, renderer, main]) expect(l.length).toBeGreaterThan(10)
  })

  it('src-shared imports neither src-main nor src-renderer', () => {
    const bad = shared.flatMap(({ file, rel, text }) =>
      importsOf(text)
        .filter((i) => ['src-main', 'src-renderer'].includes(layerOf(file, i.specifier) ?? ''))
        .map((i) => `${rel} → ${i.specifier}`),
    )
    expect(bad).toEqual([])
  })

  it('the renderer never imports src-main (not even types: the contract lives in src-shared)', () => {
    const bad = renderer.flatMap(({ file, rel, text }) =>
      importsOf(text)
        .filter((i) => layerOf(file, i.specifier) === 'src-main')
        .map((i) => `${rel} → ${i.specifier}`),
    )
    expect(bad).toEqual([])
  })

  it('main never imports src-renderer, save the documented exceptions', () => {
    const bad = main.flatMap(({ file, rel, text }) =>
      importsOf(text)
        .filter((i) => layerOf(file, i.specifier) === 'src-renderer')
        .map((i) =>
          relative(ROOT, resolve(dirname(file), i.specifier))
            .split('\\')
            .join('/'),
        )
        .filter((target) => !(MAIN_TO_RENDERER[rel] ?? []).includes(target))
        .map((target) => `${rel} → ${target}`),
    )
    expect(bad).toEqual([])
  })

  it('`new Function` appears in src-shared only where allowed, and nowhere in the renderer', () => {
    const uses = (l: typeof shared) =>
      l.filter(({ text }) => /\bnew\s+Function\s*\(/.test(text.replace(/\/\/.*|\/\*[\s\S]*?\*\//g, ''))).map((f) => f.rel)
    expect(uses(shared).filter((f) => !NEW_FUNCTION_ALLOWED.has(f))).toEqual([])
    expect(uses(renderer)).toEqual([])
  })
})
