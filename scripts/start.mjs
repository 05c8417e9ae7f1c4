#!/usr/bin/env node
// `npm start`: build and run the desktop app (electron-vite preview). Electron's binary is not in
// the npm package; it is fetched on first launch. Where it cannot be fetched (offline, a blocked
// download host), electron-vite would only say "Error: Electron uninstall": instead say what
// happened in one line, point at the web host, which serves the same app to a browser, and (at a
// terminal) offer to start it. Without a terminal: the message and a non-zero exit.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(root, 'package.json'))

export const NO_DESKTOP_SHELL = 'The desktop shell (Electron) could not be fetched; `npm run web` serves the same app to your browser.'

/** The Electron executable, as node_modules/electron/index.js finds it, or null when it is not there. */
export function electronBinary(electronDir = dirname(require.resolve('electron/package.json')), env = process.env) {
  const pathFile = join(electronDir, 'path.txt')
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : ''
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(env.ELECTRON_OVERRIDE_DIST_PATH, name || 'electron')
    return existsSync(p) ? p : null
  }
  if (!name) return null
  const p = join(electronDir, 'dist', name)
  return existsSync(p) ? p : null
}

/** Fetches the binary as Electron's own first launch would (its install script); true when it is there after. */
function fetchElectron() {
  const electronDir = dirname(require.resolve('electron/package.json'))
  console.log('Fetching the Electron binary (first launch)…')
  const r = spawnSync(process.execPath, [join(electronDir, 'install.js')], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
  })
  if (r.status !== 0) {
    // The downloader's stack trace says nothing the user can act on; its first line may.
    const first = (r.stderr ?? '').split('\n').find((line) => line.trim() !== '')
    if (first) console.error(`  (${first.trim().slice(0, 200)})`)
  }
  return electronBinary() !== null
}

/** The script `name` of installed package `pkg` (its package.json `bin`). */
function binOf(pkg, name) {
  const pkgJson = require.resolve(`${pkg}/package.json`)
  const bin = JSON.parse(readFileSync(pkgJson, 'utf8')).bin
  return join(dirname(pkgJson), typeof bin === 'string' ? bin : bin[name])
}

/** Runs a Node script of the project, inheriting the terminal; exits with its status. */
function runAndExit(script, args) {
  const child = spawn(process.execPath, [script, ...args], { cwd: root, stdio: 'inherit' })
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
  child.on('error', (err) => {
    console.error(err.message)
    process.exit(1)
  })
}

function askYesNo(question) {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout })
    let answered = false
    rl.question(question, (answer) => {
      answered = true
      rl.close()
      resolve(/^\s*y(es)?\s*$/i.test(answer))
    })
    rl.on('close', () => {
      if (!answered) resolve(false)
    })
  })
}

/**
 * The decision, with its effects passed in (tests/main/start.test.ts drives it with fakes):
 * the desktop app when Electron is there or can be fetched; otherwise the message, and at a
 * terminal the offer to run the web host. Resolves to the exit status when nothing was started.
 */
export async function start({ hasElectron, fetchElectron, runDesktop, runWeb, interactive, ask, say }) {
  if (hasElectron() || fetchElectron()) return runDesktop()
  say(NO_DESKTOP_SHELL)
  if (!interactive) return 1
  if (!(await ask('Start the web host now? [y/N] '))) return 1
  return runWeb()
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const status = await start({
    hasElectron: () => electronBinary() !== null,
    fetchElectron,
    runDesktop: () => runAndExit(binOf('electron-vite', 'electron-vite'), ['preview', ...process.argv.slice(2)]),
    runWeb: () => runAndExit(binOf('tsx', 'tsx'), ['src-main/web/main.ts']),
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    ask: askYesNo,
    say: (line) => console.error(line),
  })
  if (typeof status === 'number') process.exit(status)
}
