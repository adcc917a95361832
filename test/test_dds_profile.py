"""The Fast DDS profile that carries whole camera frames through shared memory."""

import xml.etree.ElementTree as ET

from emotion_ros.ros.dds_profile import PROFILE_VARIABLE, use_large_frame_profile

NS = {"dds": "http://www.eprosima.com"}


def test_the_profile_is_set_when_nobody_chose_one_and_holds_a_whole_frame():
    env: dict[str, str] = {}
    path = use_large_frame_profile(env)
    assert path is not None and env[PROFILE_VARIABLE] == path
    root = ET.parse(path).getroot()
    segment = int(root.find(".//dds:transport_descriptor/dds:segment_size", NS).text)
    assert segment >= 1920 * 1080 * 3, "room for a whole 1080p bgr8 frame"
    participant = root.find("dds:participant", NS)
    assert participant.get("is_default_profile") == "true"
    transports = [t.text for t in participant.findall(".//dds:userTransports/dds:transport_id", NS)]
    assert transports[0] == "shm_large_frames" and "udp" in transports, "UDP stays for discovery"


def test_a_profile_or_transports_the_user_chose_or_another_middleware_are_left_alone():
    for env in (
        {PROFILE_VARIABLE: "/etc/my_profile.xml"},
        {"FASTRTPS_DEFAULT_PROFILES_FILE": "/etc/old.xml"},
        {"FASTDDS_BUILTIN_TRANSPORTS": "LARGE_DATA"},
        {"RMW_IMPLEMENTATION": "rmw_cyclonedds_cpp"},
    ):
        before = dict(env)
        assert use_large_frame_profile(env) is None
        assert env == before
