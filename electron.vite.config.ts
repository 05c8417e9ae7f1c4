import { createHash } from 'node:crypto'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'
import react from '@vitejs/plugin-react'

// electron-vite only auto-discovers src/main, src/preload and src/renderer;
// Gradscape keeps its sources in src-main/ and src-renderer/, so every entry is explicit.
// (import.meta.url, not import.meta.dirname: electron-vite rewrites only the former when it bundles this file.)
const root = fileURLToPath(new URL('.', import.meta.url))

/**
 * Dev server only. Plugins inject inline module scripts into index.html (@vitejs/plugin-react's
 * React Refresh preamble), which the app's CSP (`script-src 'self'`, sent as a header by
 * src-main/shell/security.ts) blocks, breaking `electron-vite dev`. This serves each inline module
 * script as a same-origin virtual module instead, so dev runs under the same policy as production.
 */
function externalizeInlineDevScripts(): Plugin {
  const prefix = 'virtual:gradscape-inline-script/'
  const scripts = new Map<string, string>()
  return {
    name: 'gradscape:externalize-inline-dev-scripts',
    apply: 'serve',
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        return html.replace(/<script type="module">([\s\S]*?)<\/script>/g, (_tag, code: string) => {
          const name = `${createHash('sha256').update(code).digest('hex').slice(0, 16)}.js`
          scripts.set(name, code)
          return `<script type="module" src="/@id/__x00__${prefix}${name}"></script>`
        })
      },
    },
    resolveId(id) {
      if (id.startsWith(prefix)) return `\0${id}`
      if (id.startsWith(`\0${prefix}`)) return id
      return undefined
    },
    load(id) {
      if (id.startsWith(`\0${prefix}`)) return scripts.get(id.slice(prefix.length + 1))
      return undefined
    },
  }
}

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      lib: {
        entry: { index: resolve(root, 'src-main/index.ts') },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      lib: {
        entry: { index: resolve(root, 'src-main/preload.ts') },
      },
      rolldownOptions: {
        // A sandboxed preload cannot be an ES module: emit CommonJS (out/preload/index.cjs).
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    plugins: [react(), externalizeInlineDevScripts()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: {
        input: resolve(root, 'src-renderer/index.html'),
      },
    },
  },
})
