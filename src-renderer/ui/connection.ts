/** The host connection's state as a React value (always 'open' inside Electron). */
import { useSyncExternalStore } from 'react'
import { getConnection } from '../api'
import type { ConnectionState } from '../api/ws-client'

export function useConnectionState(): ConnectionState {
  const c = getConnection()
  return useSyncExternalStore(c.onStateChange, c.state)
}
