/**
 * Renames identifiers in a piece of kernel code (statements or one expression) guided by its
 * syntax tree: member names (`Math.sqrt`'s `sqrt`, `this.thread.x`'s `x`) and names inside
 * other names are never touched, whatever the spacing. The code is spliced at the identifiers'
 * positions, so everything else stays as written.
 */
import { type Node, parse } from 'acorn'

type AnyNode = Node & Record<string, unknown>

/** `code` with every identifier `n` for which `rename(n)` differs replaced by it. */
export function renameInCode(code: string, rename: (name: string) => string): string {
  const program = parse(code, { ecmaVersion: 2020, sourceType: 'script', allowReturnOutsideFunction: true })
  const edits: Array<{ start: number; end: number; text: string }> = []
  const visit = (node: AnyNode, parent: AnyNode | null, key: string) => {
    if (node.type === 'Identifier') {
      const isMember = parent?.type === 'MemberExpression' && key === 'property' && !parent.computed
      const name = node.name as string
      const to = rename(name)
      if (!isMember && to !== name) edits.push({ start: node.start, end: node.end, text: to })
      return
    }
    for (const [k, v] of Object.entries(node)) {
      if (Array.isArray(v)) v.forEach((c) => { if (c && typeof c === 'object' && 'type' in c) visit(c as AnyNode, node, k) })
      else if (v && typeof v === 'object' && 'type' in v) visit(v as AnyNode, node, k)
    }
  }
  visit(program as unknown as AnyNode, null, '')
  let out = code
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end)
  return out
}
