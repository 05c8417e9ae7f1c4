/** @vitest-environment node */
/**
 * Issue 16, "keep and share work": sessions carry the camera and the sweep settings, a session
 * round-trips through a share link, the last session is autosaved and restored, and unsaved
 * work is known (the page-level checks are in tests/e2e/trust.test.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { hostInfo } from '../../src-main/host/host'
import type { GradscapeApi } from '../../src-shared/api'
import { parseCameraPose } from '../../src-renderer/scene/CameraRig'
import { setSteps } from '../../src-renderer/store/actions'
import { initialUiState, useUi } from '../../src-renderer/store/ui-store'
import { AUTOSAVE_KEY, restoreOnLaunch, writeAutosave } from '../../src-renderer/ui/autosave'
import { loadSessionText, sessionDocument } from '../../src-renderer/ui/session'
import { registerSessionPart } from '../../src-renderer/ui/session-parts'
import { openSessionLink } from '../../src-renderer/ui/open-link'
import { decodeSessionText, encodeSessionText, sessionInHash, sessionInLink, shareUrl } from '../../src-renderer/ui/share-link'
import { parseSweepSettings } from '../../src-renderer/ui/sweep-settings'
import { hasUnsavedWork, markSaved, trackEdits } from '../../src-renderer/ui/unsaved'

const info = hostInfo('web', 'test')
const api = { validateScenario: async () => ({ ok: true }) } as unknown as GradscapeApi

class MemoryStorage {
  readonly items = new Map<string, string>()
  getItem(k: string) {
    return this.items.get(k) ?? null
  }
  setItem(k: string, v: string) {
    this.items.set(k, v)
  }
}

const SWEEP = {
  index: 1,
  xKey: 'lr',
  yKey: 'momentum',
  n: 24,
  metric: 'tolerance',
  tolerance: 1e-4,
  ranges: { lr: { from: 1e-4, to: 0.1, log: true } },
}

beforeEach(() => useUi.setState({ ...initialUiState, info }))

describe('session parts', () => {
  it('saves and restores the sweep settings and the camera in view', async () => {
    let sweep: unknown = SWEEP
    const off = registerSessionPart('sweep', {
      save: () => sweep,
      load: (v) => {
        const p = parseSweepSettings(v)
        if (typeof p === 'string') return p
        sweep = p
        return null
      },
    })
    const doc = sessionDocument()
    expect((doc.view as Record<string, unknown>).sweep).toEqual(SWEEP)
    sweep = null
    expect((await loadSessionText(api, JSON.stringify(doc))).ok).toBe(true)
    expect(sweep).toEqual(SWEEP)
    off()
  })

  it('checks what it reads back', () => {
    expect(parseSweepSettings({ ...SWEEP, n: 1 })).toMatch(/n must be/)
    expect(parseSweepSettings({ ...SWEEP, metric: 'best' })).toMatch(/metric/)
    expect(parseCameraPose({ position: [1, 2, 3], target: [0, 0, 0], up: [0, 1, 0], zoom: 2, topDown: false })).toMatchObject({
      position: [1, 2, 3],
      zoom: 2,
    })
    expect(parseCameraPose({ position: [1, 2], target: [0, 0, 0], up: [0, 1, 0] })).toMatch(/position/)
  })
})

describe('share link', () => {
  it('round-trips a session through the URL hash, compressed', async () => {
    const text = JSON.stringify(sessionDocument())
    const encoded = await encodeSessionText(text)
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(encoded.length).toBeLessThan(text.length)
    const url = shareUrl('http://127.0.0.1:5000/#old', encoded)
    expect(url.startsWith('http://127.0.0.1:5000/#s=')).toBe(true)
    expect(await decodeSessionText(sessionInHash(new URL(url).hash)!)).toBe(text)
  })

  it('refuses a damaged link with a reason', async () => {
    await expect(decodeSessionText('not*base64')).rejects.toThrow(/damaged/)
    await expect(decodeSessionText('AAAA')).rejects.toThrow(/damaged/)
  })
})

describe('open link (the desktop app opens a pasted share link)', () => {
  it('finds the payload in a full URL, a bare #s=… or s=…, and nothing elsewhere', () => {
    expect(sessionInLink('  http://127.0.0.1:5000/?x=1#s=abc_-9  ')).toBe('abc_-9')
    expect(sessionInLink('#s=abc')).toBe('abc')
    expect(sessionInLink('s=abc')).toBe('abc')
    expect(sessionInLink('http://127.0.0.1:5000/')).toBeNull()
    expect(sessionInLink('')).toBeNull()
  })

  it('opens the same session as the link was made from, as one undo step', async () => {
    setSteps(555)
    const made = sessionDocument()
    const link = shareUrl('http://127.0.0.1:5000/', await encodeSessionText(JSON.stringify(made)))
    useUi.setState({ ...initialUiState, info })
    expect(await openSessionLink(api, link)).toEqual({ ok: true })
    expect(useUi.getState().scenario.steps).toBe(555)
    expect(sessionDocument()).toEqual(made)
    expect(useUi.getState().past).toHaveLength(1)
    // The bare payload opens it too.
    useUi.setState({ ...initialUiState, info })
    expect((await openSessionLink(api, link.slice(link.indexOf('s=')))).ok).toBe(true)
    expect(useUi.getState().scenario.steps).toBe(555)
  })

  it('refuses a corrupt link or one without a session with a reason, leaving the session untouched', async () => {
    setSteps(321)
    const before = useUi.getState().scenario
    const good = await encodeSessionText(JSON.stringify(sessionDocument()))
    const damaged = await openSessionLink(api, `http://h/#s=${good.slice(0, good.length >> 1)}x`)
    expect(damaged.ok).toBe(false)
    expect(!damaged.ok && damaged.reason).toMatch(/damaged/)
    const notLink = await openSessionLink(api, 'http://h/page')
    expect(!notLink.ok && notLink.reason).toMatch(/not a share link/)
    const notSession = await openSessionLink(api, `s=${await encodeSessionText('[1,2]')}`)
    expect(!notSession.ok && notSession.reason).toMatch(/JSON object/)
    expect(useUi.getState().scenario).toBe(before)
    expect(useUi.getState().message?.kind).toBe('error')
  })
})

describe('autosave', () => {
  it('restores the last session on launch, without an undo step', async () => {
    const storage = new MemoryStorage()
    setSteps(777)
    expect(writeAutosave(storage)).toBe(true)
    expect(storage.getItem(AUTOSAVE_KEY)).toContain('777')
    useUi.setState({ ...initialUiState, info })
    expect(await restoreOnLaunch(api, storage, '')).toBe('restore')
    expect(useUi.getState().scenario.steps).toBe(777)
    expect(useUi.getState().past).toHaveLength(0)
  })

  it('prefers a shared link over the autosave', async () => {
    const storage = new MemoryStorage()
    setSteps(777)
    writeAutosave(storage)
    setSteps(555)
    const hash = `#s=${await encodeSessionText(JSON.stringify(sessionDocument()))}`
    useUi.setState({ ...initialUiState, info })
    expect(await restoreOnLaunch(api, storage, hash)).toBe('link')
    expect(useUi.getState().scenario.steps).toBe(555)
  })

  it('knows when there is work not saved to a file', () => {
    markSaved()
    const off = trackEdits()
    expect(hasUnsavedWork()).toBe(false)
    setSteps(123)
    expect(hasUnsavedWork()).toBe(true)
    markSaved()
    expect(hasUnsavedWork()).toBe(false)
    off()
  })
})
