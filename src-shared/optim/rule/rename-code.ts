/**
 * Renames identifiers in a piece of kernel code (statements or one expression) guided by its
 * syntax tree: member names (`Math.sqrt`'s `sqrt`, `this.thread.x`'s `x`) and names inside
 * other names are never touched, whatever the spacing. The code is spliced at the identifiers'
 * positions, so everything else stays as written.
 */
import { type Node, parse } from 'acorn'

type AnyNode = Node & Record<string, unknown>

interface Site {
  readonly start: number
  readonly end: number
  readonly name: string
  readonly declared: boolean
}

/** Identifier sites per code text: a kernel renames the same step once per particle it interleaves. */
const sitesOf = new Map<string, readonly Site[]>()

function identifierSites(code: string): readonly Site[] {
  const cached = sitesOf.get(code)
  if (cached) return cached
  const program = parse(code, { ecmaVersion: 2020, sourceType: 'script', allowReturnOutsideFunction: true })
  const sites: Site[] = []
  const visit = (node: AnyNode, parent: AnyNode | null, key: string) => {
    if (node.type === 'Identifier') {
      const isMember = parent?.type === 'MemberExpression' && key === 'property' && !parent.computed
      const declared = parent?.type === 'VariableDeclarator' && key === 'id'
      if (!isMember) sites.push({ start: node.start, end: node.end, name: node.name as string, declared })
      return
    }
    for (const [k, v] of Object.entries(node)) {
      if (Array.isArray(v))
        v.forEach((c) => {
          if (c && typeof c === 'object' && 'type' in c) visit(c as AnyNode, node, k)
        })
      else if (v && typeof v === 'object' && 'type' in v) visit(v as AnyNode, node, k)
    }
  }
  visit(program as unknown as AnyNode, null, '')
  sites.sort((a, b) => a.start - b.start)
  if (sitesOf.size > 256) sitesOf.clear()
  sitesOf.set(code, sites)
  return sites
}

/** `code` with every identifier `n` for which `rename(n)` differs replaced by it. */
export function renameInCode(code: string, rename: (name: string) => string): string {
  const parts: string[] = []
  let at = 0
  for (const site of identifierSites(code)) {
    const to = rename(site.name)
    if (to === site.name) continue
    parts.push(code.slice(at, site.start), to)
    at = site.end
  }
  parts.push(code.slice(at))
  return parts.join('')
}

/** Names the code declares (`let`/`const`, every declarator, nested blocks included), in order. */
export function declaredInCode(code: string): string[] {
  return identifierSites(code)
    .filter((s) => s.declared)
    .map((s) => s.name)
}
