/** Global keyboard shortcuts (one listener), and the list the help overlay shows. */
import { restart, stepBy, toEnd, togglePlay } from '../data/playback'
import { useExport } from '../export/state'
import { cameraControls } from '../scene/CameraRig'
import { redo, setView, SPEEDS, undo, useUi } from '../store/ui-store'

export interface Shortcut {
  readonly keys: readonly string[]
  readonly action: string
}

export const SHORTCUTS: ReadonlyArray<{ readonly group: string; readonly items: readonly Shortcut[] }> = [
  {
    group: 'Playback',
    items: [
      { keys: ['Space'], action: 'Play / pause' },
      { keys: ['→', '←'], action: 'Step forward / back (Shift: 10 steps)' },
      { keys: ['Home'], action: 'Restart from step 0' },
      { keys: ['End'], action: 'Jump to the end' },
      { keys: [']', '['], action: 'Faster / slower' },
    ],
  },
  {
    group: 'View',
    items: [
      { keys: ['T'], action: 'Top-down view / 3-D orbit' },
      { keys: ['L'], action: 'Height scale: auto → linear → log' },
      { keys: ['C'], action: 'Contour lines' },
      { keys: ['F'], action: 'Trajectory shadows on the floor' },
      { keys: ['E'], action: 'Edge-of-stability view (loss, sharpness, oscillation)' },
      { keys: ['R'], action: 'Reset the camera' },
      { keys: ['Ctrl+B'], action: 'Hide / show the panels' },
      { keys: ['Drag', 'Wheel'], action: 'Orbit (pan in top-down) / zoom' },
    ],
  },
  {
    group: 'Editing',
    items: [
      { keys: ['P'], action: 'Pick start points on the surface' },
      { keys: ['Shift+Click'], action: 'Add a start point' },
      { keys: ['Ctrl+Z'], action: 'Undo' },
      { keys: ['Ctrl+Shift+Z', 'Ctrl+Y'], action: 'Redo' },
      { keys: ['Ctrl+S'], action: 'Save the session' },
      { keys: ['Ctrl+O'], action: 'Open a session' },
      { keys: ['Ctrl+Shift+O'], action: 'Open a shared session from its link' },
      { keys: ['Ctrl+E'], action: 'Export: video, image, loss chart, trajectories' },
      { keys: ['?'], action: 'This help' },
      { keys: ['Esc'], action: 'Close help / stop picking' },
    ],
  },
]

function isTextField(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false
  if (t.isContentEditable || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement) return true
  if (t instanceof HTMLInputElement) return !['range', 'checkbox', 'radio', 'button', 'submit', 'file'].includes(t.type)
  return false
}

export interface KeyboardActions {
  readonly save: () => void
  readonly open: () => void
  readonly exportDialog: () => void
}

export function installShortcuts(actions: KeyboardActions): () => void {
  const onKey = (e: KeyboardEvent) => {
    // The export dialog is modal: the session's shortcuts wait until it closes.
    if (useExport.getState().open) return
    const mod = e.ctrlKey || e.metaKey
    const key = e.key
    const inText = isTextField(e.target)
    if (mod && !e.altKey) {
      const k = key.toLowerCase()
      if (k === 's') {
        e.preventDefault()
        actions.save()
        return
      }
      if (k === 'o' && e.shiftKey) {
        e.preventDefault()
        useUi.setState({ openLinkOpen: true })
        return
      }
      if (k === 'o') {
        e.preventDefault()
        actions.open()
        return
      }
      if (k === 'e') {
        e.preventDefault()
        actions.exportDialog()
        return
      }
      if (k === 'b') {
        e.preventDefault()
        useUi.setState((s) => ({ panelsHidden: !s.panelsHidden }))
        return
      }
      if (inText) return // native undo inside a text field
      if (k === 'z' && !e.shiftKey) {
        e.preventDefault()
        undo()
        return
      }
      if ((k === 'z' && e.shiftKey) || k === 'y') {
        e.preventDefault()
        redo()
        return
      }
      return
    }
    if (key === 'Escape') {
      const s = useUi.getState()
      if (s.helpOpen || s.aboutOpen || s.shareLink || s.openLinkOpen)
        useUi.setState({ helpOpen: false, aboutOpen: false, shareLink: null, openLinkOpen: false })
      else if (s.pickMode) useUi.setState({ pickMode: false })
      else if (inText && e.target instanceof HTMLElement) e.target.blur()
      return
    }
    if (inText || e.altKey) return
    const onSlider = e.target instanceof HTMLInputElement && e.target.type === 'range'
    const state = useUi.getState()
    switch (key) {
      case ' ':
        e.preventDefault()
        togglePlay()
        break
      case 'ArrowRight':
      case '.':
        if (onSlider) return
        e.preventDefault()
        stepBy(e.shiftKey ? 10 : 1)
        break
      case 'ArrowLeft':
      case ',':
        if (onSlider) return
        e.preventDefault()
        stepBy(e.shiftKey ? -10 : -1)
        break
      case 'Home':
        if (!onSlider) {
          e.preventDefault()
          restart()
        }
        break
      case 'End':
        if (!onSlider) {
          e.preventDefault()
          toEnd()
        }
        break
      case ']':
      case '[': {
        const i = SPEEDS.indexOf(state.speed as (typeof SPEEDS)[number])
        const next = SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, (i < 0 ? 4 : i) + (key === ']' ? 1 : -1)))]
        useUi.setState({ speed: next })
        break
      }
      case 't':
      case 'T':
        setView({ topDown: !state.view.topDown })
        break
      case 'l':
      case 'L': {
        const order = ['auto', 'linear', 'log'] as const
        setView({ heightScale: order[(order.indexOf(state.view.heightScale) + 1) % order.length] })
        break
      }
      case 'c':
      case 'C':
        setView({ contours: !state.view.contours })
        break
      case 'f':
      case 'F':
        setView({ floorPaths: !state.view.floorPaths })
        break
      case 'e':
      case 'E':
        useUi.setState({ eosOpen: !state.eosOpen })
        break
      case 'r':
      case 'R':
        cameraControls.reset()
        break
      case 'p':
      case 'P':
        useUi.setState({ pickMode: !state.pickMode })
        break
      case '?':
        useUi.setState({ helpOpen: !state.helpOpen })
        break
      default:
        return
    }
  }
  window.addEventListener('keydown', onKey)
  return () => window.removeEventListener('keydown', onKey)
}
