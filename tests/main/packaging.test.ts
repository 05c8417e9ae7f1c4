/** @vitest-environment node */
/**
 * electron-builder.yml: read and validated by electron-builder itself (offline; building an
 * installer needs the network for the Electron download, so `npm run dist` is not run here).
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const require = createRequire(import.meta.url)

interface TargetList {
  target?: (string | { target: string })[] | string
}
interface BuilderConfig {
  appId?: string
  productName?: string
  icon?: string
  npmRebuild?: boolean
  directories?: { output?: string; buildResources?: string }
  files?: ({ filter?: string[] } | string)[]
  asar?: boolean | object
  electronFuses?: Record<string, boolean> | null
  linux?: TargetList & { executableName?: string }
  mac?: TargetList
  win?: TargetList
}

// electron-builder's own loader and schema check (app-builder-lib, installed with electron-builder).
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: null): Promise<BuilderConfig>
  validateConfiguration(config: BuilderConfig, debugLogger: unknown): Promise<void>
}
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled?: boolean) => unknown }

const targets = (t: TargetList | undefined): string[] => [t?.target ?? []].flat().map((x) => (typeof x === 'string' ? x : x.target))

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  expect(bytes.subarray(0, 8).equals(signature)).toBe(true)
  expect(bytes.toString('latin1', 12, 16)).toBe('IHDR')
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
}

let config: BuilderConfig

beforeAll(async () => {
  config = await getConfig(root, null, null) // finds electron-builder.yml, as `electron-builder` does
})

describe('electron-builder configuration', () => {
  it('passes electron-builder’s schema validation', async () => {
    await expect(validateConfiguration(structuredClone(config), new DebugLogger(false))).resolves.toBeUndefined()
  })

  it('the validation really checks: an unknown option is rejected', async () => {
    const bad = { ...structuredClone(config), notAnOption: true }
    await expect(validateConfiguration(bad, new DebugLogger(false))).rejects.toThrow(/notAnOption/)
  })

  it('names the app', () => {
    expect(config.appId).toBe('org.gradscape.app')
    expect(config.productName).toBe('Gradscape')
    expect(config.linux?.executableName).toBe('gradscape')
  })

  it('targets AppImage and deb on Linux, dmg on macOS, NSIS on Windows', () => {
    expect(targets(config.linux).sort()).toEqual(['AppImage', 'deb'])
    expect(targets(config.mac)).toEqual(['dmg'])
    expect(targets(config.win)).toEqual(['nsis'])
  })

  it('packages only the build output, package.json and the window icon', () => {
    const patterns = (config.files ?? []).flatMap((f) => (typeof f === 'string' ? [f] : (f.filter ?? [])))
    expect(patterns.sort()).toEqual(['out/**', 'package.json', 'resources/icon.png'])
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string }
    expect(pkg.main.startsWith('out/')).toBe(true)
    expect(config.directories?.output).toBe('dist')
  })

  it('uses resources/icon.png, a PNG of at least 256 × 256 (512 × 512 for the macOS icon set)', () => {
    expect(config.icon).toBe('resources/icon.png')
    const { width, height } = pngSize(readFileSync(join(root, config.icon!)))
    expect(width).toBeGreaterThanOrEqual(256)
    expect(height).toBe(width)
    expect(width).toBeGreaterThanOrEqual(512)
  })

  it('flips Electron’s fuses: no run-as-Node, NODE_OPTIONS or CLI inspector; only the integrity-checked app.asar', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    })
    // The two asar fuses need the app packed as app.asar (electron-builder's default).
    expect(config.asar === undefined || config.asar === true || typeof config.asar === 'object').toBe(true)
    // The fuse options are part of electron-builder's schema (a misspelt fuse would be rejected).
    const misspelt = { ...structuredClone(config), electronFuses: { ...config.electronFuses, runAsNodee: false } }
    return expect(validateConfiguration(misspelt, new DebugLogger(false))).rejects.toThrow(/configuration\.electronFuses/)
  })

  it('has `npm run dist` and electron-builder 26.17', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>
      devDependencies: Record<string, string>
    }
    expect(pkg.scripts.dist).toBe('electron-vite build && electron-builder')
    expect(pkg.devDependencies['electron-builder']).toMatch(/^[~^]?26\.17\./)
    const installed = JSON.parse(readFileSync(require.resolve('electron-builder/package.json'), 'utf8')) as { version: string }
    expect(installed.version).toMatch(/^26\.17\./)
  })
})
