"""Checks of what other processes send, at each node's boundary (no ROS).

A robot runs these nodes beside drivers nobody here wrote, so every field a node reads from a
message is checked before it reaches OpenCV, MediaPipe, torch or a model. Each validator returns a
value the core can use or raises ``InvalidInput``, whose ``kind`` keys the node's throttled log
line and its counter on /diagnostics:

- camera images: ``vision.image_conversion.message_to_bgr`` (Image and CompressedImage);
- audio_info and audio chunks: ``validation.audio_info`` and ``audio.audio_stream``;
- stamps: ``validation.stamps``;
- FaceLandmarksArray: ``validation.face_landmarks``;
- AudioWindow: ``validation.audio_windows``;
- Transcript: ``validation.transcripts``.

Every node runs them through ``ros/checked_input.py`` (the stamp first, then the validator, then
the report of what was refused or let through).
"""
