"""One emotion estimate as evaluation sees it, whether it came from the graph or offline."""

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class EmotionRecord:
    """``t_ns`` is the frame's time relative to the bag start; latency is in seconds."""

    t_ns: int
    face_id: str
    label: str
    confidence: float
    latency_s: float

    def as_dict(self) -> dict:
        """JSON-friendly."""
        return asdict(self)
