/** The camera as a session part (view.camera): saved as its pose, put back once the view has switched mode. */
import { cameraControls, parseCameraPose } from '../scene/CameraRig'
import { useUi } from '../store/ui-store'
import { registerSessionPart } from './session-parts'

export function registerCameraPart(): () => void {
  return registerSessionPart('camera', {
    save: () => cameraControls.pose(),
    load: (v) => {
      const pose = parseCameraPose(v)
      if (typeof pose === 'string') return pose
      // Two frames: the view mode (3-D / top) the session sets is in place, with its camera.
      requestAnimationFrame(() =>
        requestAnimationFrame(() => {
          if (useUi.getState().view.topDown === pose.topDown) cameraControls.setPose(pose)
        }),
      )
      return null
    },
  })
}
