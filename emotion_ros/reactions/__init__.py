"""What a robot controller does with the emotions: per-face state, debouncing, timeouts (no ROS)."""
