// Placeholder page: proves the renderer, React and @react-three/fiber load under the app's CSP.
// The real UI (scene/, panels/, charts/) replaces it.
import { useRef } from 'react'
import { Canvas, useFrame } from '@react-three/fiber'
import type { Mesh } from 'three'

function SpinningKnot() {
  const mesh = useRef<Mesh>(null)
  useFrame((_state, delta) => {
    if (mesh.current) mesh.current.rotation.y += delta * 0.4
  })
  return (
    <mesh ref={mesh}>
      <torusKnotGeometry args={[0.8, 0.25, 128, 16]} />
      <meshStandardMaterial color="#4cc9f0" roughness={0.35} metalness={0.1} />
    </mesh>
  )
}

export function App() {
  const version = (window as { gradscape?: { version?: string } }).gradscape?.version
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', color: '#e6edf3', background: '#0e1116', minHeight: '100vh', margin: 0, padding: 24, boxSizing: 'border-box' }}>
      <h1 style={{ margin: '0 0 12px', fontWeight: 600 }}>Gradscape</h1>
      <div style={{ width: 320, height: 240, borderRadius: 8, overflow: 'hidden', background: '#161b22' }}>
        <Canvas camera={{ position: [0, 0, 4], fov: 50 }} dpr={[1, 2]}>
          <ambientLight intensity={0.4} />
          <directionalLight position={[3, 4, 5]} intensity={2} />
          <SpinningKnot />
        </Canvas>
      </div>
      {version !== undefined && <p style={{ opacity: 0.6, fontSize: 12 }}>v{version}</p>}
    </main>
  )
}
