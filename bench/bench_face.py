"""Face path benchmark: per-frame latency (conversion + MediaPipe + tracking) for 1 and 4 faces.

Prints p50/p99 latency and throughput at 640x480 on this machine's CPU (no ROS involved: the node
adds one memory copy per frame).  Run: .venv/bin/python bench/bench_face.py [--frames 300]
"""

import argparse
import time

import numpy as np

from emotion_ros.node_config import default_settings
from emotion_ros.vision.face_mesh import FaceMeshDetector, FaceMeshSettings
from emotion_ros.vision.face_tracker import FaceTracker, TrackerSettings
from emotion_ros.vision.frame_processor import FaceFrameProcessor
from emotion_ros.vision.image_conversion import bgr_to_fields, image_to_bgr

from frames import frame_with_faces


def main() -> None:
    """Run the benchmark and print one line per face count."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=300)
    args = parser.parse_args()
    print("faces  found  p50 ms  p99 ms  frames/s")
    for count in (1, 4):
        fields = bgr_to_fields(frame_with_faces(count))
        processor = FaceFrameProcessor(
            FaceMeshDetector(default_settings(FaceMeshSettings, "face_node")),
            FaceTracker(default_settings(TrackerSettings, "face_node", tracker_min_hits=1)),
            0,
            None,
        )
        latencies, found = [], 0
        for i in range(args.frames):
            # a 1-pixel shift per frame keeps MediaPipe tracking, as with a live camera
            started = time.perf_counter()
            image = image_to_bgr(fields)
            faces, _ = processor.process(np.roll(image, i % 3, axis=1), i + 1)
            latencies.append(time.perf_counter() - started)
            found = max(found, len(faces))
        processor.detector.close()
        ms = np.array(latencies[10:]) * 1e3
        print(
            f"{count:5d}  {found:5d}  {np.percentile(ms, 50):6.2f}  {np.percentile(ms, 99):6.2f}"
            f"  {1e3 / ms.mean():8.1f}"
        )


if __name__ == "__main__":
    main()
