import { describe, expect, it } from 'vitest'
import { OPTIMIZERS } from '../../src-shared/optim'
import { FAMILIES, familyOf, groupByFamily } from '../../src-shared/optim/families'
import { matchesQuery, moveActive, pickerView } from '../../src-renderer/panels/optimizer-picker-model'

const catalog = OPTIMIZERS.map((o) => ({ name: o.name, title: o.title, source: o.source, rule: o.rule }))

describe('optimizer families', () => {
  it('puts torch.optim first and unknown names in the default group', () => {
    expect(familyOf('adam')).toBe('torch')
    expect(familyOf('newton')).toBe('curvature')
    expect(familyOf('sam')).toBe('regularized')
    expect(familyOf('some_future_optimizer')).toBe('other')
    expect(familyOf('constructor')).toBe('other')
    expect(FAMILIES[0].id).toBe('torch')
  })

  it('groups every optimizer of the registry exactly once, in registry order within a family', () => {
    const groups = groupByFamily(catalog)
    const names = groups.flatMap((g) => g.items.map((o) => o.name))
    expect([...names].sort()).toEqual(catalog.map((o) => o.name).sort())
    for (const g of groups) {
      const order = g.items.map((o) => catalog.findIndex((c) => c.name === o.name))
      expect(order).toEqual([...order].sort((a, b) => a - b))
    }
    expect(groups.map((g) => g.family.id)).toEqual(FAMILIES.map((f) => f.id).filter((id) => groups.some((g) => g.family.id === id)))
  })

  it('keeps an unknown optimizer visible under Other', () => {
    const groups = groupByFamily([...catalog, { name: 'zeta', title: 'Zeta', source: 'nowhere', rule: '' }])
    expect(groups.at(-1)?.family.id).toBe('other')
    expect(groups.at(-1)?.items.map((o) => o.name)).toContain('zeta')
  })
})

describe('optimizer picker search', () => {
  it('matches name, title and paper, every word, ignoring case', () => {
    const adam = catalog.find((o) => o.name === 'adam')!
    expect(matchesQuery(adam, 'ADAM')).toBe(true)
    expect(matchesQuery(adam, 'kingma 2015')).toBe(true)
    expect(matchesQuery(adam, 'kingma 2016')).toBe(false)
    expect(matchesQuery(adam, '  ')).toBe(true)
  })

  it('finds Nesterov SGD by its paper and AdamW by Loshchilov', () => {
    expect(pickerView(catalog, 'sutskever').flat.map((o) => o.name)).toEqual(['sgd'])
    expect(pickerView(catalog, 'loshchilov').flat.map((o) => o.name)).toEqual(['adamw'])
    expect(pickerView(catalog, 'no such thing').groups).toEqual([])
  })

  it('walks the flat list with wrapping arrows', () => {
    expect(moveActive(0, 1, 3)).toBe(1)
    expect(moveActive(2, 1, 3)).toBe(0)
    expect(moveActive(0, -1, 3)).toBe(2)
    expect(moveActive(-1, -1, 3)).toBe(2)
    expect(moveActive(1, 1, 0)).toBe(-1)
  })
})
