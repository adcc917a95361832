"""Keeps MediaPipe's native start-up messages off the terminal.

Every MediaPipe graph writes C++ log lines to the process's stderr when it starts (absl and
TensorFlow Lite: "Created TensorFlow Lite XNNPACK delegate", "Feedback manager requires a model
with a single signature inference", two per face mesh). The face path starts ``max_faces`` + 1
graphs, so a face node would open with 17 such lines and push the lines a user needs (a node
that cannot configure, and why) off the screen. Neither library has a switch for them that
Python can reach, so stderr's file descriptor points at /dev/null while graphs start. Errors
still reach the user: MediaPipe raises them as Python exceptions, reported after the block.
"""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def quiet_native_stderr() -> Iterator[None]:
    """Send what C++ code writes to stderr (file descriptor 2) to /dev/null in this block."""
    sys.stderr.flush()
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)
