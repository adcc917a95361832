"""Runs emotion_ros nodes as separate processes: for machines without the ros2 CLI, and tests."""
