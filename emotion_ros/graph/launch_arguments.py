"""The launch files' arguments and what they change, in plain Python so tests can check it.

Every argument defaults to "" and an empty argument changes nothing: the parameter files in
config/ stay the one place for defaults, so ``device:`` in config/fusion_node.yaml means the same
under ``ros2 launch`` as under ``emotion-ros run``. A given argument overrides one parameter or
remaps one topic.
"""

from typing import Any

# Launch argument -> description. All default to "" (keep the YAML value / the default topic).
ARGUMENTS = {
    "namespace": "Namespace of every node and relative topic.",
    "device": "Where the fusion node runs the models: auto, cpu or cuda ('' = "
    "config/fusion_node.yaml).",
    "camera": "camera_source 'source': device index, /dev/videoN, video file or image folder "
    "('' = config/camera_source.yaml).",
    "image_topic": "Camera image topic, e.g. that of usb_cam or v4l2_camera ('' = image_raw).",
    "audio_topic": "audio_common_msgs/AudioDataStamped input topic ('' = audio_stamped).",
    "emotion_topic": "Output EmotionStamped topic; the array goes on <topic>/array ('' = emotion).",
}

# argument -> (node, parameter) it overrides when given
PARAMETER_ARGUMENTS = {"device": ("fusion_node", "device"), "camera": ("camera_source", "source")}
# argument -> the default topics it renames, as (default, suffix) pairs
TOPIC_ARGUMENTS = {
    "image_topic": ("image_raw", ("", "/compressed")),
    "audio_topic": ("audio_stamped", ("",)),
    "emotion_topic": ("emotion", ("", "/array")),
}


def parameter_overrides(values: dict[str, str]) -> dict[str, dict[str, Any]]:
    """``{node: {parameter: value}}`` for the arguments that were given (non-empty)."""
    overrides: dict[str, dict[str, Any]] = {}
    for argument, (node, parameter) in PARAMETER_ARGUMENTS.items():
        if values.get(argument):
            overrides.setdefault(node, {})[parameter] = values[argument]
    return overrides


def remappings(values: dict[str, str]) -> list[tuple[str, str]]:
    """Topic remappings for the topic arguments that were given (non-empty)."""
    pairs = []
    for argument, (default, suffixes) in TOPIC_ARGUMENTS.items():
        if values.get(argument):
            pairs += [(default + suffix, values[argument] + suffix) for suffix in suffixes]
    return pairs
