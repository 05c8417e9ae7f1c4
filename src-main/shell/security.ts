// Security settings of the Electron shell, kept free of any `electron` import so that they can be
// unit-tested under plain Node (tests/main/shell-security.test.ts). src-main/index.ts wires them to
// the real BrowserWindow / session objects; the interfaces below are the few members it touches.

/** The Content-Security-Policy of every page the app loads, one directive per entry. */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = Object.freeze({
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

/** Directives a browser ignores (with a console warning) when they come in a `<meta>` tag. */
const HEADER_ONLY_DIRECTIVES = new Set(['frame-ancestors', 'report-uri', 'sandbox'])

function serializeCsp(directives: Readonly<Record<string, readonly string[]>>, keep: (name: string) => boolean): string {
  return Object.entries(directives)
    .filter(([name]) => keep(name))
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ')
}

/** The policy sent as a response header on every response of the app's session. */
export const CONTENT_SECURITY_POLICY = serializeCsp(CSP_DIRECTIVES, () => true)

/** The same policy without the header-only directives: what src-renderer/index.html carries in its meta tag. */
export const META_CONTENT_SECURITY_POLICY = serializeCsp(CSP_DIRECTIVES, (name) => !HEADER_ONLY_DIRECTIVES.has(name))

/** webPreferences of every app window: isolated, sandboxed, no Node in any renderer. */
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    sandbox: true,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
  } as const
}

export interface WindowOptionsInput {
  /** Absolute path of the built CommonJS preload (out/preload/index.cjs). */
  preloadPath: string
  /** Absolute path of the window icon (used on Linux and Windows). */
  iconPath?: string
}

/** Constructor options of the main window. */
export function createWindowOptions({ preloadPath, iconPath }: WindowOptionsInput) {
  return {
    title: 'Gradscape',
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 500,
    show: false,
    backgroundColor: '#0e1116',
    autoHideMenuBar: true,
    ...(iconPath === undefined ? {} : { icon: iconPath }),
    webPreferences: secureWebPreferences(preloadPath),
  }
}

/**
 * Whether a navigation of the app window to `target` stays inside the app loaded from `appUrl`:
 * the same origin for an http(s) dev server, the same file for a file: page (only its query or
 * hash may change). Anything else, and anything that does not parse, is foreign.
 */
export function isNavigationAllowed(target: string, appUrl: string): boolean {
  let to: URL
  let app: URL
  try {
    to = new URL(target)
    app = new URL(appUrl)
  } catch {
    return false
  }
  if (app.protocol === 'http:' || app.protocol === 'https:') {
    return to.protocol === app.protocol && to.origin === app.origin
  }
  if (app.protocol === 'file:') {
    return to.protocol === 'file:' && to.host === app.host && to.pathname === app.pathname
  }
  return false
}

export type ResponseHeaders = Record<string, string | string[]>

/**
 * Response headers with the app's policy added. Any policy the server sent stays: several policies
 * are all enforced, so keeping them can only narrow what is allowed.
 */
export function withContentSecurityPolicy(headers: ResponseHeaders | undefined): Record<string, string | string[]> {
  return { ...headers, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] }
}

/** An event whose default action can be cancelled (Electron's `Event`). */
export interface PreventableEvent {
  preventDefault(): void
}

/** Electron's `will-frame-navigate` event: one object, fired for the main frame and every sub-frame. */
export interface FrameNavigationEvent extends PreventableEvent {
  readonly url: string
  readonly isMainFrame: boolean
}

/** The members of Electron's `WebContents` that the guards use. */
export interface WebContentsLike {
  on(event: 'will-navigate', listener: (event: PreventableEvent, url: string) => void): unknown
  on(event: 'will-frame-navigate', listener: (event: FrameNavigationEvent) => void): unknown
  on(event: 'will-redirect', listener: (event: PreventableEvent, url: string, isInPlace: boolean, isMainFrame: boolean) => void): unknown
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void
}

/** The members of Electron's `Session` that the guards use. */
export interface SessionLike {
  webRequest: {
    onHeadersReceived(
      listener: (
        details: { responseHeaders?: Record<string, string[]> },
        callback: (response: { responseHeaders?: ResponseHeaders }) => void,
      ) => void,
    ): void
  }
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void
}

/** Adds the CSP header to every response of `session` and denies every permission request and check. */
export function hardenSession(session: SessionLike): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) })
  })
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
}

/**
 * Blocks navigation (and redirects) away from the app, every `window.open` / target=_blank, and
 * `<webview>` attachment. Safe to apply to every WebContents the app creates.
 *
 * `will-navigate` sees only the main frame. The app has no frames of its own, so a sub-frame
 * (an injected iframe, say) may not navigate at all: `will-frame-navigate` covers every frame,
 * and a sub-frame's redirect is refused too.
 */
export function hardenWebContents(contents: WebContentsLike, appUrl: string): void {
  const guard = (event: PreventableEvent, url: string): void => {
    if (!isNavigationAllowed(url, appUrl)) event.preventDefault()
  }
  contents.on('will-navigate', guard)
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame || !isNavigationAllowed(event.url, appUrl)) event.preventDefault()
  })
  contents.on('will-redirect', (event, url, _isInPlace, isMainFrame) => {
    if (isMainFrame === false) event.preventDefault()
    else guard(event, url)
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
}
