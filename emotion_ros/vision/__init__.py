"""Camera images to faces: image conversion, MediaPipe face mesh, face tracking and crops."""
