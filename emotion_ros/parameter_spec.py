"""What each node parameter may be: its meaning, its range or choices, whether it changes live.

Every node has one table ``PARAMETERS: {name: Param}`` (emotion_ros/nodes/); its type is the
type of its default in ``config/<node>.yaml``, the one place the defaults are written. The same
``check`` refuses a bad value wherever one enters: a parameter file or ``-p`` when the node
starts (one fatal line, ros/node_runner.py), ``ros2 param set`` on a running node (the reason
comes back to the caller), and ``emotion-ros run --set`` (before any node starts). So a range is
written once, here in a table, not again in the code that uses the value; checks that compare two
parameters stay with the code that needs both.

Only parameters marked ``dynamic`` change at run time (the node applies them at once); the
others are read-only after start, because they are made into something at start-up (a model, a
subscription, a queue) that a new value would not reach.

Plain Python (no ROS): the CLI checks ``--set`` values with it before starting anything.
"""

from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass
from typing import Any

Number = int | float


@dataclass(frozen=True)
class Param:
    """A node parameter: what it means and which values it takes.

    ``low`` / ``high`` are inclusive bounds, ``above`` / ``below`` exclusive ones (a rate that
    must be more than 0); ``choices`` the values a text parameter may take. ``dynamic``: the node
    applies a new value while it runs; otherwise the parameter is read-only after start.
    """

    description: str
    _: KW_ONLY
    choices: Sequence[str] = ()
    low: Number | None = None
    high: Number | None = None
    above: Number | None = None
    below: Number | None = None
    dynamic: bool = False

    @property
    def lowest(self) -> Number | None:
        """The lower end of the range, inclusive or not (what a ROS range can say)."""
        return self.low if self.low is not None else self.above

    @property
    def highest(self) -> Number | None:
        """The upper end of the range, inclusive or not."""
        return self.high if self.high is not None else self.below

    def constraints(self) -> str:
        """The values it takes in words ("" = any of its type), for ``--help`` and descriptors."""
        if self.choices:
            return "one of " + ", ".join(self.choices)
        ends = [
            *([f"at least {self.low}"] if self.low is not None else []),
            *([f"more than {self.above}"] if self.above is not None else []),
            *([f"at most {self.high}"] if self.high is not None else []),
            *([f"less than {self.below}"] if self.below is not None else []),
        ]
        return " and ".join(ends)


def kind(value: Any) -> str:
    """The ROS parameter type of ``value``, in words (bool before int: True is an int too)."""
    for python_type, words in ((bool, "true or false"), (int, "an integer"), (float, "a number"),
                               (str, "text")):  # fmt: skip
        if isinstance(value, python_type):
            return words
    return "nothing" if value is None else f"a {type(value).__name__}"


def check(value: Any, spec: Param, default: Any) -> str | None:
    """Why ``value`` is refused for a parameter of ``spec`` whose default is ``default``, or
    None when it is accepted. The reason names the value, not the parameter (callers do)."""
    if kind(value) != kind(default):
        return f"takes {kind(default)} (default {default!r}), not {value!r}"
    if spec.choices and value not in spec.choices:
        return f"must be one of {', '.join(spec.choices)}, not {value!r}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    outside = (
        (spec.low is not None and value < spec.low)
        or (spec.above is not None and value <= spec.above)
        or (spec.high is not None and value > spec.high)
        or (spec.below is not None and value >= spec.below)
    )
    return f"must be {spec.constraints()}, not {value!r}" if outside else None
