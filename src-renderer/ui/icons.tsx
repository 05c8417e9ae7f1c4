/** Inline SVG icons (fonts on some systems lack the media-control glyphs). */
import type { SVGProps } from 'react'

type P = SVGProps<SVGSVGElement> & { readonly size?: number }

function Svg({ size = 16, children, ...rest }: P) {
  return (
    <svg width={size} height={size} viewBox="0 0 16 16" fill="currentColor" aria-hidden="true" focusable="false" {...rest}>
      {children}
    </svg>
  )
}

export const IconPlay = (p: P) => (
  <Svg {...p}>
    <path d="M4.5 2.8v10.4c0 .5.55.8.98.53l8.1-5.2a.63.63 0 0 0 0-1.06l-8.1-5.2a.63.63 0 0 0-.98.53Z" />
  </Svg>
)
export const IconPause = (p: P) => (
  <Svg {...p}>
    <rect x="3.5" y="2.5" width="3.2" height="11" rx="1" />
    <rect x="9.3" y="2.5" width="3.2" height="11" rx="1" />
  </Svg>
)
export const IconRestart = (p: P) => (
  <Svg {...p}>
    <rect x="2.5" y="3" width="2" height="10" rx=".6" />
    <path d="M13.5 3.6v8.8c0 .45-.5.72-.88.47L6 8.47a.56.56 0 0 1 0-.94l6.62-4.4c.38-.25.88.02.88.47Z" />
  </Svg>
)
export const IconEnd = (p: P) => (
  <Svg {...p}>
    <rect x="11.5" y="3" width="2" height="10" rx=".6" />
    <path d="M2.5 3.6v8.8c0 .45.5.72.88.47L10 8.47a.56.56 0 0 0 0-.94L3.38 3.13c-.38-.25-.88.02-.88.47Z" />
  </Svg>
)
export const IconStepBack = (p: P) => (
  <Svg {...p}>
    <path d="M11.5 3.6v8.8c0 .45-.5.72-.88.47L4 8.47a.56.56 0 0 1 0-.94l6.62-4.4c.38-.25.88.02.88.47Z" />
  </Svg>
)
export const IconStepForward = (p: P) => (
  <Svg {...p}>
    <path d="M4.5 3.6v8.8c0 .45.5.72.88.47L12 8.47a.56.56 0 0 0 0-.94L5.38 3.13c-.38-.25-.88.02-.88.47Z" />
  </Svg>
)
export const IconClose = (p: P) => (
  <Svg {...p}>
    <path d="M4 4l8 8M12 4l-8 8" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" fill="none" />
  </Svg>
)
export const IconCopy = (p: P) => (
  <Svg {...p}>
    <rect x="5" y="5" width="8" height="8" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.4" />
    <path d="M3 10.5V4a1 1 0 0 1 1-1h6.5" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
  </Svg>
)
export const IconReset = (p: P) => (
  <Svg {...p}>
    <path d="M3.2 8a4.8 4.8 0 1 0 1.5-3.5" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
    <path d="M3 2.5v3h3" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
  </Svg>
)
export const IconChevron = (p: P) => (
  <Svg {...p}>
    <path d="M6 4l4 4-4 4" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
  </Svg>
)
export const IconCamera = (p: P) => (
  <Svg {...p}>
    <circle cx="8" cy="8" r="5.2" fill="none" stroke="currentColor" strokeWidth="1.4" />
    <circle cx="8" cy="8" r="1.6" />
    <path d="M8 1.5v2M8 12.5v2M1.5 8h2M12.5 8h2" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
  </Svg>
)
export const IconUndo = (p: P) => (
  <Svg {...p}>
    <path d="M5.5 4 2.5 7l3 3" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
    <path d="M3 7h6.5a4 4 0 0 1 0 8H7" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
  </Svg>
)
export const IconRedo = (p: P) => (
  <Svg {...p}>
    <path d="M10.5 4l3 3-3 3" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
    <path d="M13 7H6.5a4 4 0 0 0 0 8H9" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
  </Svg>
)
