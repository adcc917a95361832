"""What a source node knows about a device it opens again every ``retry_s`` until it works.

A robot's graph must survive a microphone or USB camera that is plugged in late or comes loose, so
``mic_source`` and ``camera_source`` retry instead of exiting. Retrying every few seconds must not
flood the log: each reason is logged once (again only when the reason changes or after the device
worked), the attempts are counted, and ``/diagnostics`` carries the reason and the count.
"""

from collections.abc import Callable
from dataclasses import dataclass

LogFn = Callable[[str], object]


@dataclass
class DeviceRetry:
    """Counts failed attempts to open one device and decides which of them to log."""

    kind: str  # "microphone", "camera"
    device: str
    retry_s: float
    failed_attempts: int = 0
    error: str = ""  # why the last attempt failed; "" while the device works

    def failed(self, error: str, log_error: LogFn) -> None:
        """Count a failed attempt; log it when ``error`` is new (it names the device where that
        helps: the camera's and PortAudio's messages do)."""
        self.failed_attempts += 1
        if error == self.error:
            return
        self.error = error
        log_error(
            f"{self.kind} not available: {error}; retrying every {self.retry_s:g} s "
            "(logged once; /diagnostics counts the attempts)"
        )

    def opened(self, log_info: LogFn) -> None:
        """Mark the device as working, and log it."""
        self.error = ""
        after = f" after {self.failed_attempts} failed attempts" if self.failed_attempts else ""
        log_info(f"opened {self.kind} {self.device!r}{after}")

    def diagnostic_values(self) -> dict[str, str]:
        """The values for the node's /diagnostics status."""
        values = {
            "failed attempts": str(self.failed_attempts),
            "retry every (s)": f"{self.retry_s:g}",
        }
        if self.error:
            values["last error"] = self.error
        return values
