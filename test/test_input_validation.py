"""The validators at each node's boundary, property-based: any field values in, either a value the
core can use or the validator's own ``InvalidInput`` out, never another exception.

Each property is also carried one step further, into the core that consumes the value (MediaPipe's
input shape, the audio stream, the fusion models), because "valid" means "the next step works".
The examples below the properties are the kinds a foreign publisher was seen to send.
"""

import array
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from emotion_ros.audio.audio_stream import AudioStream, AudioStreamSettings
from emotion_ros.audio.features import DEFAULT_LOG_MEL, frames_for
from emotion_ros.audio.sample_format import SUPPORTED_FORMATS
from emotion_ros.emotion_classes import CLASS_NAMES
from emotion_ros.fusion.frame_fusion import FrameFusion, FusionSettings
from emotion_ros.models.emotion_pipeline import EmotionPipeline, ModelSet
from emotion_ros.models.model_files import role_cards
from emotion_ros.node_config import default_settings
from emotion_ros.package_paths import share_path
from emotion_ros.timestamps import NS_PER_S
from emotion_ros.validation.audio_info import AudioFormat, audio_format
from emotion_ros.validation.audio_windows import audio_window_input
from emotion_ros.validation.face_landmarks import MAX_FACES, landmark_frame
from emotion_ros.validation.invalid_input import InputCounts, InvalidInput
from emotion_ros.validation.stamps import MAX_FUTURE_S, check_stamp
from emotion_ros.validation.transcripts import transcript_scores
from emotion_ros.vision.image_conversion import (
    MAX_SIDE,
    SUPPORTED_ENCODINGS,
    ImageFields,
    compressed_to_bgr,
    image_to_bgr,
)

UINT32 = st.integers(0, 2**32 - 1)
FLOAT32 = st.floats(width=32)  # any float32: NaN, ±inf, 1e30, subnormals
PROPERTY = settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
WITH_MODELS = settings(deadline=None, max_examples=60, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def fusion_factory():
    pipeline = EmotionPipeline(ModelSet.load(role_cards(share_path("models")), "cpu"))
    fusion_settings = default_settings(FusionSettings, "fusion_node")
    return lambda: FrameFusion(pipeline, fusion_settings)


def validated(validate: Callable[[Any], Any], value: Any, kinds: set[str]) -> Any:
    """``validate(value)``, or None when it refused with one of ``kinds``; any other exception
    fails the test. Counts both outcomes in hypothesis' statistics."""
    try:
        result = validate(value)
    except InvalidInput as exc:
        event(f"refused: {exc.kind}")
        assert exc.kind in kinds
        return None
    event("accepted")
    return result


def float32_array(values: np.ndarray) -> array.array:
    """What rclpy holds in a float32[] field."""
    out = array.array("f")
    out.frombytes(np.asarray(values, np.float32).tobytes())
    return out


# --- camera images -------------------------------------------------------------------------------

IMAGE_KINDS = {"encoding", "empty", "side_too_long", "aspect_ratio", "too_large", "step", "length"}
CHANNELS_OF = {"bgr8": 3, "rgb8": 3, "bgra8": 4, "rgba8": 4, "mono8": 1}
ENCODINGS = st.one_of(
    st.sampled_from(SUPPORTED_ENCODINGS),
    st.sampled_from(["", "yuv422", "bayer_rggb8", "mono16", "16UC1", "32FC1", "rgb16"]),
    st.text(max_size=300),
)


@st.composite
def image_fields(draw):
    """Half of them small images whose fields agree (so that some pass), the rest free to lie."""
    encoding = draw(ENCODINGS)
    if draw(st.booleans()):
        height, width = draw(st.integers(1, 40)), draw(st.integers(1, 40))
        step = width * CHANNELS_OF.get(encoding, 3) + draw(st.integers(0, 8))
        size = height * step
    else:
        height, width = draw(st.integers(0, 40) | UINT32), draw(st.integers(0, 40) | UINT32)
        step = draw(st.sampled_from([width * 3, width * 4, width]) | UINT32)
        size = draw(st.integers(0, 20_000))
    return ImageFields(encoding, height, width, step, draw(st.binary(min_size=size, max_size=size)))


@PROPERTY
@given(image_fields())
def test_any_image_fields_give_a_bgr_frame_mediapipe_takes_or_an_invalid_input(fields):
    image = validated(image_to_bgr, fields, IMAGE_KINDS)
    if image is None:
        return
    assert image.dtype == np.uint8 and image.shape == (fields.height, fields.width, 3)
    assert image.flags.c_contiguous and max(image.shape[:2]) <= MAX_SIDE


@st.composite
def encoded_images(draw):
    """A real PNG or JPEG of a small random image, sometimes cut short or with a byte changed."""
    import cv2

    shape = (draw(st.integers(1, 24)), draw(st.integers(1, 24)), 3)
    pixels = np.random.default_rng(draw(st.integers(0, 2**32 - 1))).integers(0, 256, shape)
    _, encoded = cv2.imencode(draw(st.sampled_from([".png", ".jpg"])), pixels.astype(np.uint8))
    data = bytearray(encoded.tobytes())
    if data and draw(st.booleans()):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data[: draw(st.integers(0, len(data)))]) if draw(st.booleans()) else bytes(data)


def png_header(width: int, height: int) -> bytes:
    """A PNG signature and IHDR chunk declaring ``width`` x ``height`` (8-bit RGB)."""
    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    chunk = b"IHDR" + ihdr
    return (
        b"\x89PNG\r\n\x1a\n"
        + len(ihdr).to_bytes(4, "big")
        + chunk
        + zlib.crc32(chunk).to_bytes(4, "big")
    )


def jpeg_header(width: int, height: int) -> bytes:
    """A JPEG start and a baseline frame header declaring ``width`` x ``height``."""
    app0 = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0\x00\x11\x08" + height.to_bytes(2, "big") + width.to_bytes(2, "big")
    return b"\xff\xd8" + app0 + sof0 + b"\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01"


@PROPERTY
@given(
    st.one_of(
        st.binary(max_size=2000),
        encoded_images(),
        st.builds(
            lambda w, h, tail: png_header(w, h) + tail, UINT32, UINT32, st.binary(max_size=200)
        ),
        st.builds(
            lambda w, h, tail: jpeg_header(w, h) + tail,
            st.integers(0, 65535),
            st.integers(0, 65535),
            st.binary(max_size=200),
        ),
    )
)
def test_any_compressed_bytes_give_a_bgr_frame_or_an_invalid_input(data):
    try:
        image = compressed_to_bgr(data)
    except InvalidInput as exc:
        event(f"refused: {exc.kind}")
        return
    event("accepted")
    assert image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3


def test_a_compressed_image_declaring_a_huge_size_is_refused_before_it_is_decoded(monkeypatch):
    import cv2

    bomb = png_of_zeros(5000, 5000)  # 75 MB of pixels in a PNG of about 80 KB
    monkeypatch.setattr(cv2, "imdecode", lambda *a: pytest.fail("decoded a refused image"))
    with pytest.raises(InvalidInput) as refused:
        compressed_to_bgr(bomb)
    assert refused.value.kind == "too_large" and len(bomb) < 200_000
    for header, kind in (
        (png_header(3, 100_000), "side_too_long"),
        (jpeg_header(30_000, 30), "aspect_ratio"),
    ):
        with pytest.raises(InvalidInput) as refused:
            compressed_to_bgr(header)
        assert refused.value.kind == kind


def png_of_zeros(width: int, height: int) -> bytes:
    """A real, decodable black PNG, compressed row by row (never whole in memory)."""
    packer = zlib.compressobj(9)
    row = bytes(1 + width * 3)  # filter byte 0, then the pixels
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    idat = b"IDAT" + data
    iend = b"IEND"
    return (
        png_header(width, height)
        + len(data).to_bytes(4, "big")
        + idat
        + zlib.crc32(idat).to_bytes(4, "big")
        + (0).to_bytes(4, "big")
        + iend
        + zlib.crc32(iend).to_bytes(4, "big")
    )


@pytest.mark.parametrize(
    ("height", "width", "kind"),
    [
        (3, 100_000, "side_too_long"),  # aborted the face node inside MediaPipe (issue 15)
        (100_000, 3, "side_too_long"),
        (2, 32_767, "side_too_long"),  # the first side OpenCV's remap refuses
        (3, 30_000, "aspect_ratio"),
        (1, 17, "aspect_ratio"),
        (0, 640, "empty"),
        (100_000, 100_000, "side_too_long"),
    ],
)
def test_frame_sizes_mediapipe_cannot_take_are_refused(height, width, kind):
    with pytest.raises(InvalidInput) as refused:
        image_to_bgr(ImageFields("bgr8", height, width, width * 3, b""))
    assert refused.value.kind == kind


@pytest.mark.parametrize("encoding", ["", "yuv422", "bayer_rggb8", "mono16", "32FC1", "x" * 300])
def test_unsupported_encodings_are_named_briefly(encoding):
    with pytest.raises(InvalidInput, match="unsupported encoding") as refused:
        image_to_bgr(ImageFields(encoding, 2, 2, 12, bytes(24)))
    assert refused.value.kind == "encoding" and len(str(refused.value)) < 200


def test_a_small_png_of_zeros_decodes_so_the_bomb_above_is_a_real_image():
    np.testing.assert_array_equal(compressed_to_bgr(png_of_zeros(7, 5)), np.zeros((5, 7, 3)))


def test_the_thinnest_accepted_frames_go_through_mediapipe():
    """At the aspect limit (16:1) MediaPipe runs: the limit refuses nothing it could take."""
    from emotion_ros.vision.face_mesh import still_image_detector

    with still_image_detector() as detector:
        for height, width in ((2048, 128), (16, 256), (3, 48)):
            fields = ImageFields("bgr8", height, width, width * 3, bytes(height * width * 3))
            assert detector.detect(image_to_bgr(fields)) == []


# --- audio_info and audio chunks -------------------------------------------------------------

FORMATS = st.sampled_from(SUPPORTED_FORMATS) | st.text(max_size=300)
SAMPLE_BYTES = {"U8": 1, "S8": 1, "S16LE": 2, "S24LE": 3, "S32LE": 4, "F32LE": 4}
RATES = st.sampled_from([8_000, 16_000, 44_100, 48_000, 384_000]) | UINT32
CHANNELS = st.integers(1, 4) | UINT32


@PROPERTY
@given(FORMATS, CHANNELS, RATES)
def test_any_audio_info_gives_a_format_or_an_invalid_input(fmt, channels, rate):
    try:
        result = audio_format(fmt, channels, rate)
    except InvalidInput as exc:
        event(f"refused: {exc.kind}")
        assert exc.kind == "audio_info" and len(str(exc)) < 200
        return
    assert result == AudioFormat(fmt, channels, rate)


AUDIO_FORMATS = st.one_of(
    st.sampled_from([("S16LE", 1, 16_000), ("F32LE", 2, 48_000), ("U8", 1, 8_000)]),
    st.tuples(FORMATS, CHANNELS, RATES),
)


@PROPERTY
@given(
    st.lists(
        st.tuples(
            st.integers(0, 40_000).map(bytes) | st.binary(max_size=4000),
            AUDIO_FORMATS,
            # after the previous chunk, or an offset: backwards, a gap, a jump
            st.just(None) | st.integers(-(2**40), 2**40),
        ),
        max_size=8,
    )
)
def test_any_chunks_give_whole_finite_windows_or_invalid_inputs(chunks):
    stream = AudioStream(default_settings(AudioStreamSettings, "audio_node", window_s=0.5))
    stamp = 1_000 * NS_PER_S
    for data, (fmt, channels, rate), offset in chunks:
        frame = SAMPLE_BYTES.get(fmt, 1) * max(channels, 1)
        duration = len(data) // frame * NS_PER_S // max(rate, 1)
        stamp = max(1, stamp + (duration if offset is None else offset))
        try:
            windows, _ = stream.add_chunk(data, fmt, channels, rate, stamp)
        except InvalidInput as exc:
            event(f"refused: {exc.kind}")
            continue
        event("windows" if windows else "no window yet")
        for window in windows:
            assert window.samples.shape == (8_000,) and np.isfinite(window.samples).all()


# --- stamps ----------------------------------------------------------------------------------


@PROPERTY
@given(st.integers(0, 2**63 - 1), st.integers(0, 2**63 - 1))
def test_a_stamp_is_used_unless_it_is_unset_or_far_ahead_of_the_clock(stamp, now):
    try:
        assert check_stamp(stamp, now) == stamp
    except InvalidInput as exc:
        assert (exc.kind, stamp) == ("stamp_zero", 0) or (
            exc.kind == "stamp_future" and stamp - now > MAX_FUTURE_S * NS_PER_S
        )


# --- FaceLandmarksArray ----------------------------------------------------------------------

POINT_COUNTS = st.sampled_from([0, 1, 468, 477, 478, 479, 1434, 10_000])


@st.composite
def landmark_values(draw):
    """A plausible mesh (478 random points inside a frame) with some values replaced by any
    float32, or any number of any float32 values."""
    if draw(st.booleans()):
        rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
        points = rng.uniform(0, 640, 478 * 3).astype(np.float32)
        for index in draw(st.lists(st.integers(0, 478 * 3 - 1), max_size=3)):
            points[index] = draw(FLOAT32)
        return points
    count = draw(POINT_COUNTS | st.integers(0, 600)) * 3
    return draw(arrays(np.float32, count, elements=FLOAT32))


FACE_IDS = st.sampled_from(["f00000", "f00001", "abcde", "F_2"])


@st.composite
def face_messages(draw):
    from emotion_ros.msg import FaceLandmarks

    size = draw(st.sampled_from([0, 48, 64, 513]) | UINT32)
    crop = draw(st.just(bytes(size * size)) if size <= 64 else st.binary(max_size=300))
    return FaceLandmarks(
        face_id=draw(st.one_of(FACE_IDS, FACE_IDS, FACE_IDS, st.text(max_size=80))),
        landmarks=float32_array(draw(landmark_values())),
        crop_size=size,
        crop=crop,
        upper_face_visible=draw(st.sampled_from([-1.0, 0.0, 0.7, 1.0]) | FLOAT32),
        lower_face_visible=draw(st.sampled_from([-1.0, 0.3]) | FLOAT32),
    )


@st.composite
def landmark_arrays(draw):
    from emotion_ros.msg import FaceLandmarksArray

    faces = draw(st.lists(face_messages(), min_size=1, max_size=4))
    if draw(st.sampled_from([False] * 9 + [True])):  # a crowd, from one face copied
        faces = faces[:1] * draw(st.integers(MAX_FACES + 1, 200)) if faces else faces
    return FaceLandmarksArray(faces=faces)


@WITH_MODELS
@given(landmark_arrays())
def test_any_landmark_array_gives_faces_the_models_turn_into_finite_emotions(fusion_factory, msg):
    try:
        frame = landmark_frame(msg)
    except InvalidInput as exc:
        event(f"refused: {exc.kind}")
        assert exc.kind == "too_many_faces" and len(msg.faces) > MAX_FACES
        return
    event(f"{len(frame.faces)} faces accepted")
    refused_faces = [p for p in frame.problems if p.kind not in {"crop", "visibility"}]
    assert len(frame.faces) + len(refused_faces) == len(msg.faces)
    for face in frame.faces.values():
        assert face.landmarks.shape == (478, 3) and np.isfinite(face.landmarks).all()
        assert face.crop is None or face.crop.shape[0] == face.crop.shape[1]
        for visible in (face.upper_face_visible, face.lower_face_visible):
            assert visible == -1.0 or 0.0 <= visible <= 1.0
    emotions = fusion_factory().process(NS_PER_S, frame.faces)
    assert [e.face_id for e in emotions] == sorted(frame.faces)
    for emotion in emotions:
        assert np.isfinite(emotion.probabilities).all()
        assert emotion.probabilities.sum() == pytest.approx(1.0, abs=1e-4)


def test_the_landmark_kinds_a_foreign_publisher_sent_are_refused_by_kind():
    from emotion_ros.msg import FaceLandmarks, FaceLandmarksArray

    mesh = np.random.default_rng(0).uniform(100, 400, (478, 3)).astype(np.float32)

    def face(face_id="f00000", points=mesh, **fields):
        return FaceLandmarks(face_id=face_id, landmarks=np.ravel(points).tolist(), **fields)

    cases = {
        "landmark_count": [face(points=mesh[:n]) for n in (0, 1, 468, 477)]
        + [face(points=np.resize(mesh, (n, 3))) for n in (479, 1434, 10_000)],
        "landmark_values": [
            face(points=np.where(np.arange(478)[:, None] == 7, v, mesh))
            for v in (np.nan, np.inf, -np.inf, 1e30)
        ],
        "degenerate_landmarks": [face(points=np.zeros((478, 3)))],
        "face_id": [face(face_id=i) for i in ("", "a b", "x" * 65, "f/00")],
        "crop": [face(crop_size=48, crop=bytes(47 * 48)), face(crop_size=100_000)],
        "visibility": [face(upper_face_visible=np.nan), face(lower_face_visible=2.0)],
    }
    for kind, faces in cases.items():
        for bad in faces:
            frame = landmark_frame(FaceLandmarksArray(faces=[bad, face("f00009")]))
            assert [p.kind for p in frame.problems] == [kind], kind
            assert "f00009" in frame.faces, "a good face beside a bad one is kept"
    duplicate = landmark_frame(FaceLandmarksArray(faces=[face(), face()]))
    assert list(duplicate.faces) == ["f00000"]
    assert [p.kind for p in duplicate.problems] == ["duplicate_face_id"]
    with pytest.raises(InvalidInput) as crowd:
        landmark_frame(FaceLandmarksArray(faces=[face(f"f{i:05d}") for i in range(200)]))
    assert crowd.value.kind == "too_many_faces"


def test_a_mesh_stamp_before_the_frame_marks_a_carried_face_and_one_after_it_is_refused():
    from builtin_interfaces.msg import Time
    from std_msgs.msg import Header

    from emotion_ros.msg import FaceLandmarks, FaceLandmarksArray

    mesh = np.random.default_rng(0).uniform(100, 400, (478, 3)).astype(np.float32)
    header = Header(stamp=Time(sec=10, nanosec=500))

    def face(face_id: str, mesh_stamp: Time) -> FaceLandmarks:
        points = np.ravel(mesh).tolist()
        return FaceLandmarks(
            header=header, face_id=face_id, landmarks=points, mesh_stamp=mesh_stamp
        )

    frame = landmark_frame(
        FaceLandmarksArray(
            header=header,
            faces=[
                face("fresh", Time(sec=10, nanosec=500)),
                face("unset", Time()),  # a publisher that predates the field
                face("carried", Time(sec=10, nanosec=0)),
                face("future", Time(sec=11)),
            ],
        )
    )
    assert {k: f.carried for k, f in frame.faces.items()} == {
        "fresh": False, "unset": False, "carried": True, "future": False
    }  # fmt: skip
    assert [p.kind for p in frame.problems] == ["mesh_stamp"]


# --- AudioWindow -----------------------------------------------------------------------------

WINDOW_KINDS = {
    *("feature_shape", "feature_values", "feature_type", "empty_window"),
    *("sample_rate", "sample_count", "sample_values"),
}
SAMPLE_COUNTS = [0, 1, 3, 100, 399, 400, 31_999, 32_001]
WINDOW = round(DEFAULT_LOG_MEL.window_seconds * DEFAULT_LOG_MEL.sample_rate)
FEATURE_SHAPE = [frames_for(DEFAULT_LOG_MEL), DEFAULT_LOG_MEL.n_mels]


@st.composite
def audio_windows(draw):
    from emotion_ros.msg import AudioWindow

    # what the audio node sends (samples, features or both), or anything
    plausible = draw(st.sampled_from(["samples", "features", "both", "anything"]))
    count = WINDOW if plausible != "anything" else draw(st.sampled_from(SAMPLE_COUNTS) | UINT32)
    count = count if plausible != "features" else 0
    sample_values = st.floats(-1, 1, width=32) | (
        FLOAT32 if plausible == "anything" else st.nothing()
    )
    feature_values = st.floats(-14, 20, width=32) | FLOAT32
    if plausible in ("features", "both"):
        shape, feature_type = FEATURE_SHAPE, "log_mel"
    else:
        shape = draw(
            st.sampled_from([FEATURE_SHAPE, [10, 64], [201], []]) | st.lists(UINT32, max_size=3)
        )
        feature_type = draw(st.sampled_from(["", "log_mel", "mfcc"]) | st.text(max_size=300))
    feature_count = draw(st.sampled_from([FEATURE_SHAPE[0] * FEATURE_SHAPE[1], 0, 640]))
    return AudioWindow(
        sample_rate=16_000
        if plausible != "anything"
        else draw(st.sampled_from([16_000, 0]) | UINT32),
        samples=float32_array(
            draw(arrays(np.float32, min(count, WINDOW + 1), elements=sample_values))
        ),
        feature_type=feature_type,
        feature_shape=shape,
        features=float32_array(draw(arrays(np.float32, feature_count, elements=feature_values))),
        speech_fraction=draw(st.sampled_from([-1.0, 0.0, 0.5, 1.0]) | FLOAT32),
    )


@WITH_MODELS
@given(audio_windows())
def test_any_audio_window_gives_log_mel_features_the_audio_model_takes(fusion_factory, msg):
    window = validated(audio_window_input, msg, WINDOW_KINDS)
    if window is None:
        return
    assert window.log_mel.shape == tuple(FEATURE_SHAPE) and np.isfinite(window.log_mel).all()
    assert window.speech_fraction == -1.0 or 0.0 <= window.speech_fraction <= 1.0
    fusion = fusion_factory()
    fusion.add_audio(NS_PER_S, window.log_mel, window.speech_fraction)
    mesh = np.random.default_rng(1).uniform(100, 400, (478, 3)).astype(np.float32)
    from emotion_ros.fusion.frame_fusion import FaceObservation

    [emotion] = fusion.process(NS_PER_S + 1, {"f00000": FaceObservation(mesh)})
    assert np.isfinite(emotion.probabilities).all()


def test_a_window_of_100_samples_is_refused_not_passed_to_stft():
    from emotion_ros.msg import AudioWindow

    with pytest.raises(InvalidInput) as refused:
        audio_window_input(AudioWindow(sample_rate=16_000, samples=[0.0] * 100))
    assert refused.value.kind == "sample_count" and "32000" in str(refused.value)


# --- Transcript --------------------------------------------------------------------------------


@st.composite
def transcript_fields(draw):
    """The models' classes in any order (or with one missing, repeated or renamed) and any
    float32 scores, one per class or not."""
    names = draw(st.permutations(list(CLASS_NAMES)))
    change = draw(st.sampled_from(["none", "missing", "repeated", "renamed"]))
    if change == "missing":
        names = names[1:]
    elif change == "repeated":
        names = [names[0], *names[:-1]]
    elif change == "renamed":
        names = [draw(st.text(max_size=300)), *names[1:]]
    count = draw(st.sampled_from([len(names), len(names), 0, len(names) + 1]))
    return names, draw(st.lists(FLOAT32, min_size=count, max_size=count))


@PROPERTY
@given(transcript_fields())
def test_any_transcript_gives_a_distribution_in_the_models_order_or_an_invalid_input(fields):
    names, probabilities = fields
    scores = validated(lambda f: transcript_scores(*f, CLASS_NAMES), fields, {"transcript_scores"})
    if scores is None:
        return
    assert scores.dtype == np.float32 and np.isfinite(scores).all() and (scores >= 0).all()
    assert scores.sum() == pytest.approx(1.0, abs=1e-5)
    total = sum(probabilities)
    for name, value in zip(names, probabilities, strict=True):  # matched by name, not position
        assert scores[CLASS_NAMES.index(name)] == pytest.approx(value / total, abs=1e-5)


# --- counting --------------------------------------------------------------------------------


def test_refusals_are_counted_per_kind_for_diagnostics():
    counts = InputCounts()
    for kind in ("encoding", "stamp_zero", "encoding"):
        counts.add(kind)
    assert counts.diagnostic_values() == {
        "refused input": "3",
        "refused: encoding": "2",
        "refused: stamp_zero": "1",
    }
