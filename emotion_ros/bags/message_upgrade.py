"""Bags recorded with an older definition of a message still replay: their messages are copied,
field by field, into the installed type.

Adding a field to a message (``FaceLandmarks`` gained its crop and visibility, ``AudioWindow``
its speech fraction) changes its wire format: the recorded bytes no longer deserialise as the new
type. Reading such a bag is no problem (rosbags reads each message with the definition stored in
the bag); replaying it needs the old message rebuilt as the new type. Fields the old message
lacks keep the new type's defaults (-1 for "unknown" visibility and speech), fields it has are
copied, nested messages and sequences of them recursively. Pure Python: the new message class is
passed in, so this module needs no ROS.
"""

from typing import Any

from rosbags.typesys.store import Typestore

from emotion_ros.bags.typestore import rclpy_type


def definition_differs(bag: Typestore, installed: Typestore, msgtype: str) -> bool:
    """Whether ``msgtype`` (or a message it contains) is defined differently in the bag."""
    seen: set[str] = set()

    def differs(name: str) -> bool:
        if name in seen:
            return False
        seen.add(name)
        if name not in bag.fielddefs or name not in installed.fielddefs:
            return name in bag.fielddefs or name in installed.fielddefs
        old, new = bag.fielddefs[name][1], installed.fielddefs[name][1]
        if old != new:
            return True
        return any(differs(nested) for nested in _nested_types(new))

    return differs(msgtype)


def _nested_types(fields: list[tuple[str, Any]]) -> list[str]:
    names = []
    for _, (kind, detail) in fields:
        if getattr(kind, "name", "") == "NAME":
            names.append(detail)
        elif isinstance(detail, tuple) and getattr(detail[0][0], "name", "") == "NAME":
            names.append(detail[0][1])
    return names


def upgrade(old: Any, new_class: type) -> Any:
    """A ``new_class`` message holding every field of ``old`` that the new type still has."""
    new = new_class()
    for name, type_name in new_class.get_fields_and_field_types().items():
        if not hasattr(old, name):
            continue  # a field added since the bag was recorded: keep its default
        value = getattr(old, name)
        current = getattr(new, name)
        if hasattr(current, "get_fields_and_field_types"):
            setattr(new, name, upgrade(value, type(current)))
        elif type_name.startswith("sequence<") and "/" in type_name:
            element = rclpy_type(type_name[len("sequence<") :].split(",")[0].rstrip(">"))
            setattr(new, name, [upgrade(item, element) for item in value])
        else:
            setattr(new, name, value.tolist() if hasattr(value, "tolist") else value)
    return new
