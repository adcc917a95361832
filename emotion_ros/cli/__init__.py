"""The ``emotion-ros`` command: one subcommand per module, ``emotion_ros/cli/<name>_command.py``."""
