"""Model forward passes, ONNX export parity, cards and checksums, and the batched pipeline."""

import shutil

import numpy as np
import pytest
import torch

from emotion_ros.emotion_classes import CLASS_NAMES, summarize
from emotion_ros.models import architectures
from emotion_ros.models.architectures import LowerFaceMLP, TemporalModel
from emotion_ros.models.backends import OnnxBackend, TorchBackend, resolve_device
from emotion_ros.models.emotion_pipeline import EmotionPipeline, FaceSample, ModelSet, VoiceSample
from emotion_ros.models.export import export_model
from emotion_ros.models.model_card import ModelFileError, load_card
from emotion_ros.models.model_files import card_paths, role_cards
from emotion_ros.models.role_specs import SPECS
from emotion_ros.package_paths import share_path
from emotion_ros.vision.occlusion import CLASSES as OCCLUSION_CLASSES

# every role's inputs without the batch axis (the temporal model on 7 frames: a short history)
CASES = {
    role: {
        name: (7, *shape[2:]) if role == "temporal" else shape[1:]
        for name, shape in spec.shapes.items()
    }
    for role, spec in SPECS.items()
}
MODEL_KWARGS = {role: spec.kwargs for role, spec in SPECS.items()}  # as the recipe builds them


def random_inputs(shapes: dict, batch: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Masks of ones, the audio model's reference of positive spreads, the rest normal."""
    inputs = {
        name: (
            np.ones((batch, *shape), np.float32)
            if name in ("mask", "available")
            else rng.normal(size=(batch, *shape)).astype(np.float32)
        )
        for name, shape in shapes.items()
    }
    if "reference" in inputs:
        inputs["reference"] = np.abs(inputs["reference"]) + 0.5
    return inputs


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Every model with random weights, exported once."""
    out = tmp_path_factory.mktemp("models")
    torch.manual_seed(0)
    models = {}
    for role, shapes in CASES.items():
        model = getattr(architectures, SPECS[role].architecture)(**MODEL_KWARGS.get(role, {}))
        example = {
            k: torch.as_tensor(v)
            for k, v in random_inputs(shapes, 2, np.random.default_rng(0)).items()
        }
        classes = OCCLUSION_CLASSES if role == "occlusion" else CLASS_NAMES
        export_model(
            model.eval(), example, SPECS[role].axes, out, role, role, classes,
            architecture_kwargs=MODEL_KWARGS.get(role, {}),
        )  # fmt: skip
        models[role] = model
    return out, models


@pytest.mark.parametrize("role", list(CASES))
@pytest.mark.parametrize("batch", [1, 5])
def test_onnx_matches_torch(exported, role, batch):
    out, models = exported
    rng = np.random.default_rng(batch)
    inputs = random_inputs(CASES[role], batch, rng)
    with torch.inference_mode():
        expected = models[role](*[torch.as_tensor(v) for v in inputs.values()]).numpy()
    actual = OnnxBackend(load_card(out / f"{role}.yaml"), out).run(inputs)
    assert actual.shape == (batch, 4 if role == "occlusion" else 6)
    np.testing.assert_allclose(actual, expected, atol=1e-4)
    np.testing.assert_array_equal(actual.argmax(1), expected.argmax(1))


def test_a_mirror_averaging_appearance_model_reads_a_face_and_its_mirror_image_alike():
    torch.manual_seed(0)
    model = architectures.AppearanceCNN(mirror_average=True).eval()
    # left-right ramps: a face lit from one side, which an untrained net reads differently mirrored
    crops = (
        torch.linspace(0, 255, 48).repeat(3, 48, 1) * torch.tensor([0.3, 0.6, 1.0])[:, None, None]
    )
    with torch.inference_mode():
        both = model(crops), model(crops.flip(-1))
        single = model._logits(crops)
    torch.testing.assert_close(both[0], both[1], atol=1e-5, rtol=1e-5)
    assert not torch.allclose(model._logits(crops.flip(-1)), single, atol=1e-4)
    torch.testing.assert_close(both[0], (single + model._logits(crops.flip(-1))) / 2)
    model.train()
    assert model(crops).shape == (3, 6)  # training sees each augmented crop once


def test_the_audio_model_hears_no_microphone_colour_that_the_reference_hears_too():
    """A microphone or room adds the same amount to each band of every frame: read against a
    reference that heard the same room, the window says the same; a raised voice does not."""
    torch.manual_seed(0)
    model = architectures.AudioModel().eval()
    log_mel = torch.randn(3, 201, 64) - 5.0
    reference = torch.stack([log_mel.mean(dim=1), log_mel.std(dim=1)], dim=1)
    colour = torch.linspace(-6.0, 2.0, 64)
    shifted = reference.clone()
    shifted[:, 0] += colour
    with torch.inference_mode():
        plain = model(log_mel, reference)
        coloured = model(log_mel + colour, shifted)
        louder = model(log_mel + 2.0, reference)
    torch.testing.assert_close(coloured, plain, atol=1e-4, rtol=1e-4)
    assert not torch.allclose(louder, plain, atol=1e-3)


def test_torch_backend_runs_the_same_weights_on_the_cpu(exported):
    out, _ = exported
    card = load_card(out / "lower_face.yaml")
    inputs = random_inputs(CASES["lower_face"], 3, np.random.default_rng(3))
    np.testing.assert_allclose(
        TorchBackend(card, out, "cpu").run(inputs), OnnxBackend(card, out).run(inputs), atol=1e-4
    )


def test_temporal_model_runs_on_fewer_frames_and_ignores_padding():
    model = TemporalModel().eval()
    rng = np.random.default_rng(0)
    frames = torch.as_tensor(rng.normal(size=(1, 3, 1434)).astype(np.float32))
    padded = torch.cat([torch.randn(1, 5, 1434), frames], dim=1)
    mask = torch.cat([torch.zeros(1, 5), torch.ones(1, 3)], dim=1)
    with torch.inference_mode():
        short = model(frames, torch.ones(1, 3))
        long = model(padded, mask)
    torch.testing.assert_close(short, long, atol=1e-4, rtol=1e-4)


def test_lower_face_mlp_shape_matches_the_spec():
    model = LowerFaceMLP()
    linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [
        (189, 1024), (1024, 1024), (1024, 1024), (1024, 6)
    ]  # fmt: skip
    norms = [m for m in model.modules() if isinstance(m, torch.nn.LayerNorm)]
    assert len(norms) == 3, "a normalisation after every hidden layer"


def test_checksum_mismatch_missing_and_corrupt_files_name_the_file(exported, tmp_path):
    out, _ = exported
    for name in ("lower_face.yaml", "lower_face.onnx", "lower_face.pt"):
        shutil.copy(out / name, tmp_path / name)
    card = load_card(tmp_path / "lower_face.yaml")
    (tmp_path / "lower_face.onnx").write_bytes(b"garbage")
    with pytest.raises(ModelFileError, match=r"lower_face\.onnx does not match its card"):
        OnnxBackend(card, tmp_path)
    (tmp_path / "lower_face.onnx").unlink()
    with pytest.raises(ModelFileError, match=r"lower_face\.onnx is missing"):
        OnnxBackend(card, tmp_path)
    with pytest.raises(ModelFileError, match="cannot read model card"):
        load_card(tmp_path / "nope.yaml")
    (tmp_path / "broken.yaml").write_text("name: [unclosed")
    with pytest.raises(ModelFileError, match="not valid YAML"):
        load_card(tmp_path / "broken.yaml")


def test_unknown_device_is_refused_and_missing_cuda_falls_back_with_a_reason():
    with pytest.raises(ValueError, match="device must be one of"):
        resolve_device("tpu")
    device, reason = resolve_device("cuda")
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU: the fallback is for machines without one")
    assert device == "cpu" and "no CUDA GPU" in reason


@pytest.fixture(scope="module")
def default_pipeline():
    roles = ("lower_face", "all_landmarks", "temporal", "audio", "fusion")
    model_set = ModelSet.load(role_cards(share_path("models"), roles), "cpu")
    return EmotionPipeline(model_set)


def _faces(n: int, rng: np.random.Generator) -> list[FaceSample]:
    from emotion_ros.vision.face_mesh import still_image_detector

    from face_images import grace_hopper_bgr

    with still_image_detector() as detector:
        mesh = detector.detect(grace_hopper_bgr())[0].landmarks
    faces = []
    for i in range(n):
        history = mesh[None] + rng.normal(0, 1.5, (1 + 3 * i, 478, 3)).astype(np.float32)
        faces.append(FaceSample(f"f{i}", history[-1], history))
    return faces


def test_a_batch_gives_the_same_result_as_one_face_at_a_time(default_pipeline):
    faces = _faces(4, np.random.default_rng(0))
    audio = VoiceSample(np.random.default_rng(1).normal(-5, 2, (201, 64)).astype(np.float32))
    batched = default_pipeline.predict(faces, audio)
    for face, together in zip(faces, batched, strict=True):
        [alone] = default_pipeline.predict([face], audio)
        np.testing.assert_allclose(together.probabilities, alone.probabilities, atol=1e-5)
        assert together.face_id == face.face_id
        assert together.probabilities.sum() == pytest.approx(1.0, abs=1e-5)


def test_missing_modalities_are_reported_and_masked(default_pipeline):
    [face] = _faces(1, np.random.default_rng(2))
    [no_audio] = default_pipeline.predict([face], None)
    assert no_audio.audio_missing and "audio" not in no_audio.modalities
    masked = FaceSample(face.face_id, face.landmarks, face.history, upper_face_visible=False)
    [hidden] = default_pipeline.predict([masked], None)
    assert hidden.modalities == ("lower_face",)
    [full] = default_pipeline.predict([face], VoiceSample(np.zeros((201, 64), np.float32)))
    assert full.modalities == ("lower_face", "all_landmarks", "temporal", "audio")
    assert not full.audio_missing


def test_the_summary_follows_the_circumplex():
    happy = summarize(np.array([1.0, 0, 0, 0, 0, 0]), CLASS_NAMES)
    assert (happy.label, happy.confidence) == ("Happy", 1.0) and happy.valence > 0.5
    sad = summarize(np.array([0.1, 0, 0.9, 0, 0, 0]), CLASS_NAMES)
    assert (sad.label, sad.confidence) == ("Sad", 0.9) and sad.valence < -0.5
    assert summarize(np.full(6, 1 / 6), CLASS_NAMES).valence == pytest.approx(-0.1, abs=0.1)


@pytest.mark.skipif(
    not torch.cuda.is_available(),
    reason="needs a CUDA GPU (CI has none); the same TorchBackend is tested on the CPU above",
)
def test_cuda_pipeline_matches_the_cpu_pipeline():
    """Documented tolerance: CUDA (torch, fp32) and CPU (onnxruntime) agree within 1e-4."""
    roles = ("lower_face", "all_landmarks", "temporal", "audio", "fusion")
    cards = role_cards(share_path("models"), roles)
    cpu = EmotionPipeline(ModelSet.load(cards, "cpu"))
    cuda = EmotionPipeline(ModelSet.load(cards, "cuda"))
    assert cuda.model_set.device == "cuda"
    rng = np.random.default_rng(0)
    histories = rng.normal(0, 40, (8, 12, 478, 3)).astype(np.float32)
    faces = [FaceSample(f"f{i}", h[-1], h) for i, h in enumerate(histories)]
    log_mel = rng.normal(-5, 2, (201, 64)).astype(np.float32)
    audio = VoiceSample(log_mel, np.stack([log_mel.mean(axis=0) + 1, log_mel.std(axis=0)]))
    for on_cpu, on_cuda in zip(cpu.predict(faces, audio), cuda.predict(faces, audio), strict=True):
        np.testing.assert_allclose(on_cuda.probabilities, on_cpu.probabilities, atol=1e-4)
        assert on_cuda.probabilities.argmax() == on_cpu.probabilities.argmax()


def test_roles_missing_from_a_users_folder_come_from_the_shipped_models(tmp_path):
    shutil.copy(share_path("models", "lower_face.yaml"), tmp_path)
    names = {"lower_face": "lower_face.yaml", "audio": "audio.yaml", "temporal": "mine.yaml",
             "fusion": ""}  # fmt: skip
    assert card_paths(tmp_path, names) == {
        "lower_face": tmp_path / "lower_face.yaml",  # the user's own
        "audio": share_path("models", "audio.yaml"),  # not in the user's folder: shipped
        "temporal": tmp_path / "mine.yaml",  # nowhere: loading names the file asked for
    }  # fusion: "" disables the role
    assert card_paths("", {"audio": "audio.yaml"}) == {"audio": share_path("models", "audio.yaml")}
    with pytest.raises(ValueError, match="unknown model roles"):
        ModelSet.load(card_paths(tmp_path, {"lower_face_model": "lower_face.yaml"}), "cpu")


def test_a_graph_runner_that_cannot_capture_runs_eagerly_and_says_why():
    """Where capturing fails (here: no CUDA at all) every call still answers, eagerly."""
    from emotion_ros.models.cuda_graphs import CudaGraphRunner

    model = LowerFaceMLP().eval()
    runner = CudaGraphRunner(model, torch.device("cpu"))
    features = np.random.default_rng(0).normal(size=(3, 189)).astype(np.float32)
    with torch.inference_mode():
        expected = model(torch.from_numpy(features)).numpy()
    np.testing.assert_allclose(runner.run([features]), expected, rtol=1e-6)
    assert runner.failure.startswith("CUDA graph capture failed") and runner.captured == 0


@pytest.mark.skipif(
    not torch.cuda.is_available(),
    reason="needs a CUDA GPU (CI has none); the eager fallback is tested on the CPU above",
)
def test_cuda_graphs_give_the_eager_outputs_for_every_batch_size():
    from emotion_ros.models.cuda_graphs import CudaGraphRunner

    model = LowerFaceMLP().cuda().eval()
    runner = CudaGraphRunner(model, torch.device("cuda"))
    rng = np.random.default_rng(0)
    for batch in (1, 4, 6, 4, 1, 16):  # captured once per size, then replayed
        features = rng.normal(size=(batch, 189)).astype(np.float32)
        with torch.inference_mode():
            expected = model(torch.from_numpy(features).cuda()).cpu().numpy()
        np.testing.assert_allclose(runner.run([features]), expected, atol=1e-5)
    assert runner.captured == 4 and runner.failure == ""
