"""One thin ROS 2 node per module; each module has ``main(args=None)`` for its entry point."""
