/** @vitest-environment node */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  CONTENT_SECURITY_POLICY,
  META_CONTENT_SECURITY_POLICY,
  createWindowOptions,
  hardenSession,
  hardenWebContents,
  isNavigationAllowed,
  secureWebPreferences,
  withContentSecurityPolicy,
  type PreventableEvent,
  type ResponseHeaders,
  type SessionLike,
  type WebContentsLike,
} from '../../src-main/shell/security'

// Minimal fakes of the few Electron members security.ts touches.

type Listener = (...args: never[]) => unknown

class FakeWebContents implements WebContentsLike {
  readonly listeners = new Map<string, Listener[]>()
  openHandler: ((details: { url: string }) => { action: 'deny' }) | undefined

  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener])
    return this
  }

  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.openHandler = handler
  }

  /** Emits `event` with a preventable event object; returns whether some listener prevented it. */
  emitPreventable(event: string, ...args: unknown[]): boolean {
    let prevented = false
    const ev: PreventableEvent = { preventDefault: () => void (prevented = true) }
    for (const listener of this.listeners.get(event) ?? []) (listener as (...a: unknown[]) => unknown)(ev, ...args)
    return prevented
  }

  /** Emits `will-frame-navigate` as Electron does (one details object); returns whether it was prevented. */
  emitFrameNavigation(url: string, isMainFrame: boolean): boolean {
    let prevented = false
    const ev = { url, isMainFrame, isSameDocument: false, frame: null, preventDefault: () => void (prevented = true) }
    for (const listener of this.listeners.get('will-frame-navigate') ?? []) (listener as (e: unknown) => unknown)(ev)
    return prevented
  }
}

type HeadersListener = Parameters<SessionLike['webRequest']['onHeadersReceived']>[0]
type RequestHandler = Parameters<SessionLike['setPermissionRequestHandler']>[0]
type CheckHandler = Parameters<SessionLike['setPermissionCheckHandler']>[0]

class FakeSession implements SessionLike {
  headersListener: HeadersListener | undefined
  requestHandler: RequestHandler | undefined
  checkHandler: CheckHandler | undefined
  readonly webRequest = {
    onHeadersReceived: (listener: HeadersListener): void => {
      this.headersListener = listener
    },
  }
  setPermissionRequestHandler(handler: RequestHandler): void {
    this.requestHandler = handler
  }
  setPermissionCheckHandler(handler: CheckHandler): void {
    this.checkHandler = handler
  }

  /** Runs a response through the registered listener and returns the headers it hands back. */
  respond(responseHeaders?: Record<string, string[]>): ResponseHeaders | undefined {
    let result: ResponseHeaders | undefined
    let calls = 0
    this.headersListener?.({ responseHeaders }, (response) => {
      calls += 1
      result = response.responseHeaders
    })
    expect(calls).toBe(1)
    return result
  }
}

function directives(policy: string): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/)
    if (name) map.set(name, sources)
  }
  return map
}

const APP_FILE_URL = 'file:///opt/Gradscape/resources/app/out/renderer/index.html'
const DEV_URL = 'http://localhost:5173/'

describe('window options', () => {
  const options = createWindowOptions({ preloadPath: '/app/out/preload/index.cjs', iconPath: '/app/resources/icon.png' })
  const prefs = options.webPreferences

  it('isolates and sandboxes the renderer with no Node access', () => {
    expect(prefs.contextIsolation).toBe(true)
    expect(prefs.nodeIntegration).toBe(false)
    expect(prefs.nodeIntegrationInWorker).toBe(false)
    expect(prefs.nodeIntegrationInSubFrames).toBe(false)
    expect(prefs.sandbox).toBe(true)
    expect(prefs.webSecurity).toBe(true)
    expect(prefs.allowRunningInsecureContent).toBe(false)
    expect(prefs.webviewTag).toBe(false)
    expect(prefs.experimentalFeatures).toBe(false)
  })

  it('uses the CommonJS preload it is given', () => {
    expect(prefs.preload).toBe('/app/out/preload/index.cjs')
    expect(secureWebPreferences('/x/index.cjs').preload).toBe('/x/index.cjs')
    expect(options.title).toBe('Gradscape')
    expect(options.icon).toBe('/app/resources/icon.png')
  })
})

describe('content security policy', () => {
  const policy = directives(CONTENT_SECURITY_POLICY)

  it('has exactly the agreed directives', () => {
    expect(Object.fromEntries(policy)).toEqual({
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:', 'blob:'],
      'worker-src': ["'self'", 'blob:'],
      'connect-src': ["'self'"],
      'object-src': ["'none'"],
      'base-uri': ["'none'"],
      'frame-ancestors': ["'none'"],
    })
  })

  it('allows no eval, no inline script and no remote host', () => {
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval')
    expect(CONTENT_SECURITY_POLICY).not.toContain('wasm-unsafe-eval')
    expect(policy.get('script-src')).not.toContain("'unsafe-inline'")
    for (const [name, sources] of policy) {
      for (const source of sources) {
        // Only keywords ('self', 'none', 'unsafe-inline' for styles) and the local schemes data: / blob:.
        expect(source, `${name} ${source}`).toMatch(/^('self'|'none'|'unsafe-inline'|data:|blob:)$/)
      }
    }
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:|wss?:|\*/)
  })

  it('is injected on every response of the session', () => {
    const session = new FakeSession()
    hardenSession(session)
    const headers = session.respond({ 'Content-Type': ['text/html'] })
    expect(headers?.['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY])
    expect(headers?.['Content-Type']).toEqual(['text/html'])
    // Responses without headers get it too.
    expect(session.respond(undefined)?.['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY])
  })

  it('replaces a same-named policy and keeps other policies (which can only narrow it)', () => {
    const headers = withContentSecurityPolicy({
      'Content-Security-Policy': ["default-src *; script-src * 'unsafe-eval'"],
      'content-security-policy-report-only': ['default-src none'],
    })
    expect(headers['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY])
    expect(headers['content-security-policy-report-only']).toEqual(['default-src none'])
  })

  it('matches the meta tag of src-renderer/index.html (less frame-ancestors)', () => {
    const html = readFileSync(new URL('../../src-renderer/index.html', import.meta.url), 'utf8')
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html)
    expect(meta?.[1]).toBe(META_CONTENT_SECURITY_POLICY)
    const expected = new Map(policy)
    expected.delete('frame-ancestors')
    expect(directives(META_CONTENT_SECURITY_POLICY)).toEqual(expected)
  })
})

describe('navigation guards', () => {
  it('lets the app page navigate within itself and nowhere else (file: build)', () => {
    expect(isNavigationAllowed(APP_FILE_URL, APP_FILE_URL)).toBe(true)
    expect(isNavigationAllowed(`${APP_FILE_URL}#/view`, APP_FILE_URL)).toBe(true)
    expect(isNavigationAllowed('file:///etc/passwd', APP_FILE_URL)).toBe(false)
    expect(isNavigationAllowed('file:///opt/Gradscape/resources/app/out/renderer/other.html', APP_FILE_URL)).toBe(false)
    expect(isNavigationAllowed('https://example.com/', APP_FILE_URL)).toBe(false)
    expect(isNavigationAllowed('javascript:alert(1)', APP_FILE_URL)).toBe(false)
    expect(isNavigationAllowed('not a url', APP_FILE_URL)).toBe(false)
  })

  it('allows only the dev server origin in development', () => {
    expect(isNavigationAllowed('http://localhost:5173/index.html', DEV_URL)).toBe(true)
    expect(isNavigationAllowed('http://localhost:5174/', DEV_URL)).toBe(false)
    expect(isNavigationAllowed('https://localhost:5173/', DEV_URL)).toBe(false)
    expect(isNavigationAllowed('http://evil.example/', DEV_URL)).toBe(false)
    expect(isNavigationAllowed('data:text/html,<script>1</script>', DEV_URL)).toBe(false)
  })

  it('prevents will-navigate and will-redirect to foreign URLs', () => {
    const contents = new FakeWebContents()
    hardenWebContents(contents, APP_FILE_URL)
    expect(contents.emitPreventable('will-navigate', 'https://example.com/')).toBe(true)
    expect(contents.emitPreventable('will-navigate', 'file:///home/user/.ssh/id_rsa')).toBe(true)
    expect(contents.emitPreventable('will-redirect', 'https://example.com/')).toBe(true)
    expect(contents.emitPreventable('will-navigate', APP_FILE_URL)).toBe(false)
  })

  it('guards sub-frame navigation: no sub-frame may navigate anywhere, not even to the app page', () => {
    const contents = new FakeWebContents()
    hardenWebContents(contents, APP_FILE_URL)
    for (const url of ['https://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', APP_FILE_URL, 'about:blank']) {
      expect(contents.emitFrameNavigation(url, false), url).toBe(true)
    }
    // The main frame, through the same event, follows the main-frame rule.
    expect(contents.emitFrameNavigation('https://example.com/', true)).toBe(true)
    expect(contents.emitFrameNavigation(`${APP_FILE_URL}#/x`, true)).toBe(false)
    // Redirects: a sub-frame's always, the main frame's away from the app.
    expect(contents.emitPreventable('will-redirect', APP_FILE_URL, false, false)).toBe(true)
    expect(contents.emitPreventable('will-redirect', APP_FILE_URL, false, true)).toBe(false)
    expect(contents.emitPreventable('will-redirect', 'https://example.com/', false, true)).toBe(true)
  })

  it('denies every window.open', () => {
    const contents = new FakeWebContents()
    hardenWebContents(contents, DEV_URL)
    expect(contents.openHandler).toBeDefined()
    expect(contents.openHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' })
    expect(contents.openHandler?.({ url: DEV_URL })).toEqual({ action: 'deny' })
  })

  it('blocks webview attachment', () => {
    const contents = new FakeWebContents()
    hardenWebContents(contents, DEV_URL)
    expect(contents.emitPreventable('will-attach-webview')).toBe(true)
  })
})

describe('permissions', () => {
  it('denies every permission request and check', () => {
    const session = new FakeSession()
    hardenSession(session)
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'unknown']) {
      const answers: boolean[] = []
      session.requestHandler?.({}, permission, (granted) => answers.push(granted))
      expect(answers, permission).toEqual([false])
      expect(session.checkHandler?.({}, permission), permission).toBe(false)
    }
  })
})
