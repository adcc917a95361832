"""What a source node knows about a device it opens again every ``retry_s`` until it works.

A robot's graph must survive a microphone or USB camera that is plugged in late or comes loose, so
``mic_source`` and ``camera_source`` retry instead of exiting. Retrying every few seconds must not
flood the log: each reason is logged once (again only when the reason changes or after the device
worked), the attempts are counted, and ``/diagnostics`` carries the reason and the count.
"""

from dataclasses import dataclass


@dataclass
class DeviceRetry:
    """Counts failed attempts to open one device and decides which of them to log."""

    kind: str  # "microphone", "camera"
    device: str
    retry_s: float
    failed_attempts: int = 0
    error: str = ""  # why the last attempt failed; "" while the device works

    def failed(self, error: str) -> str | None:
        """Count a failed attempt; return the line to log when ``error`` is new, else None.

        ``error`` names the device where that helps (the camera's and PortAudio's messages do).
        """
        self.failed_attempts += 1
        if error == self.error:
            return None
        self.error = error
        return (
            f"{self.kind} not available: {error}; retrying every {self.retry_s:g} s "
            "(logged once; /diagnostics counts the attempts)"
        )

    def opened(self) -> str:
        """Mark the device as working; return the line to log."""
        self.error = ""
        after = f" after {self.failed_attempts} failed attempts" if self.failed_attempts else ""
        return f"opened {self.kind} {self.device!r}{after}"

    def diagnostic_values(self) -> dict[str, str]:
        """The values for the node's /diagnostics status."""
        values = {
            "failed attempts": str(self.failed_attempts),
            "retry every (s)": f"{self.retry_s:g}",
        }
        if self.error:
            values["last error"] = self.error
        return values
