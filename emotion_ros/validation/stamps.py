"""Header stamps from other processes: what every node refuses, and why backwards is allowed.

- 0 (unset): the publisher does not stamp its messages. Everything downstream pairs messages by
  stamp (frames with audio windows, landmarks with images), so such a message is refused.
- Far in the future (more than ``MAX_FUTURE_S`` ahead of the node's clock): a clock that is
  wrong, or garbage. One such frame would make every following frame look "backwards" and reset
  the trackers, so it is refused. Not checked while the node's clock reads 0 (a simulation clock
  before the first /clock message).
- Backwards (not after the previous message's): allowed, because a bag restarts and clocks jump.
  Each core starts a new timeline instead: the face tracker and the fusion's face histories
  reset, the audio stream starts a new segment; each node counts these on /diagnostics.
- Far in the past: allowed (a bag replayed without --clock, a camera stamping from its boot).
"""

from emotion_ros.timestamps import NS_PER_S
from emotion_ros.validation.invalid_input import InvalidInput

MAX_FUTURE_S = 60.0


def check_stamp(stamp_ns: int, now_ns: int) -> int:
    """Return ``stamp_ns`` when a node may use it; ``now_ns`` is the node's clock.

    Raises:
        InvalidInput: ``stamp_zero`` for an unset stamp, ``stamp_future`` for one more than
            MAX_FUTURE_S ahead of ``now_ns``.
    """
    if stamp_ns == 0:
        raise InvalidInput("stamp_zero", "the header stamp is 0 (unset); stamp it with the time")
    ahead = stamp_ns - now_ns
    if now_ns > 0 and ahead > MAX_FUTURE_S * NS_PER_S:
        raise InvalidInput(
            "stamp_future",
            f"the header stamp is {ahead / NS_PER_S:.3g} s ahead of this node's clock (at most "
            f"{MAX_FUTURE_S:g} s); check the publisher's clock",
        )
    return stamp_ns
