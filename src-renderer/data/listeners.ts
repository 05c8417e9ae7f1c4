/**
 * A set of change listeners, as the renderer's stores keep them: `on` adds a listener and returns
 * its removal (the shape React effects clean up with), `emit` calls every listener in order.
 */
export function listeners<Args extends unknown[] = []>() {
  const set = new Set<(...args: Args) => void>()
  return {
    on(listener: (...args: Args) => void): () => void {
      set.add(listener)
      return () => {
        set.delete(listener)
      }
    },
    emit(...args: Args): void {
      for (const l of set) l(...args)
    },
  }
}
