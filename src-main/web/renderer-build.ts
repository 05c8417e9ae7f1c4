/** Whether out/renderer is older than its sources, and building it (used by `npm run web` and the e2e tests). */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** Newest modification time of the files the renderer bundle is built from. */
function newestSource(root: string): number {
  let newest = 0
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else newest = Math.max(newest, statSync(path).mtimeMs)
    }
  }
  walk(join(root, 'src-renderer'))
  walk(join(root, 'src-shared'))
  for (const f of ['electron.vite.config.ts', 'package.json']) newest = Math.max(newest, statSync(join(root, f)).mtimeMs)
  return newest
}

export function rendererIsStale(root: string, rendererDir: string): boolean {
  const index = join(root, rendererDir, 'index.html')
  return !existsSync(index) || statSync(index).mtimeMs < newestSource(root)
}

/** `electron-vite build`; returns whether it succeeded. */
export function buildRenderer(root: string, quiet = false): boolean {
  const r = spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: quiet ? 'pipe' : 'inherit' })
  return r.status === 0
}
