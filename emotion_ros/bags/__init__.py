"""rosbag2 bags through the ``rosbags`` library: types, recording and replay."""
