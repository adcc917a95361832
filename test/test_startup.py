"""What a node costs to start: no torch on the CPU path, and the line that says it is ready.

Importing torch takes 1.3-1.8 s, more than the whole start of the fusion node without it, so the
node modules and the CPU model path must not import it (issue 27); bench/bench_startup.py times
the starts and the respawns.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from rclpy.lifecycle import TransitionCallbackReturn

from emotion_ros.graph.node_process import child_environment
from emotion_ros.ros.lifecycle_autostart import autostart

NODES = Path(__file__).resolve().parents[1] / "emotion_ros" / "nodes"
NODE_MODULES = sorted(
    f"emotion_ros.nodes.{p.stem}" for p in NODES.glob("*.py") if p.stem != "__init__"
)


def run_python(code: str, pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter (nothing imported yet) and return what it printed."""
    env = child_environment({"PYTHONPATH": str(pythonpath)} if pythonpath else None)
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )


def test_no_node_module_imports_torch():
    """Each node module in a fresh interpreter, one after another, naming the first that does."""
    assert {"emotion_ros.nodes.fusion_node", "emotion_ros.nodes.audio_node"} <= set(NODE_MODULES)
    code = (
        "import importlib, sys\n"
        f"for name in {NODE_MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "    assert 'torch' not in sys.modules, name + ' imports torch'\n"
        "print('imported', len(sys.modules))\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("imported")


def test_the_fusion_models_load_and_run_on_device_auto_without_torch():
    """``device: auto`` (the shipped setting) with this CPU-only torch: onnxruntime on the CPU,
    torch never imported, and the models give a distribution for a face."""
    code = (
        "import sys\n"
        "import numpy as np\n"
        "from emotion_ros.models.emotion_pipeline import EmotionPipeline, FaceSample, ModelSet\n"
        "from emotion_ros.models.role_specs import PIPELINE_ROLES\n"
        "from emotion_ros.package_paths import share_path\n"
        "models = share_path('models')\n"
        "model_set = ModelSet.load({r: models / f'{r}.yaml' for r in PIPELINE_ROLES}, 'auto')\n"
        "assert model_set.device == 'cpu' and not model_set.fallback_reason\n"
        "pipeline = EmotionPipeline(model_set)\n"
        "pipeline.warm_up()\n"
        "assert 'torch' not in sys.modules\n"
        "print(sorted(model_set.roles))\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert "'fusion'" in result.stdout and "'audio'" in result.stdout


@pytest.mark.parametrize(
    ("cuda", "hip", "device"),
    [("None", "None", "cpu"), ("'12.4'", "None", "cuda"), ("None", "'6.2.4'", "cuda")],
)
def test_auto_imports_torch_only_when_its_build_can_see_a_gpu(tmp_path, cuda, hip, device):
    """A stand-in torch package: its version.py says what it was built for, and its
    ``__init__`` reports a GPU. A CPU-only build must not even be imported (its ``__init__``
    raises); a CUDA or ROCm build is imported and asked, and its GPU is used."""
    package = tmp_path / "torch"
    package.mkdir()
    (package / "version.py").write_text(
        f"from typing import Optional\n__version__ = '9.9'\ncuda: Optional[str] = {cuda}\n"
        f"hip: Optional[str] = {hip}\n"
    )
    body = "class cuda:\n    is_available = staticmethod(lambda: True)\n"
    if device == "cpu":
        body = "raise ImportError('a CPU-only torch must not be imported for device auto')\n"
    (package / "__init__.py").write_text(body)
    code = (
        "from emotion_ros.models.backends import resolve_device\nprint(resolve_device('auto')[0])\n"
    )
    result = run_python(code, pythonpath=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [device]


class RecordingNode:
    """The three methods of a lifecycle node that ``autostart`` calls, with set outcomes."""

    def __init__(self, configure: TransitionCallbackReturn) -> None:
        self._configure = configure
        self.lines: list[tuple[str, str]] = []
        self.activated = False

    def trigger_configure(self) -> TransitionCallbackReturn:
        return self._configure

    def trigger_activate(self) -> TransitionCallbackReturn:
        self.activated = True
        return TransitionCallbackReturn.SUCCESS

    def get_logger(self) -> "RecordingNode":
        return self

    def info(self, line: str) -> None:
        self.lines.append(("info", line))

    def error(self, line: str) -> None:
        self.lines.append(("error", line))


def test_autostart_logs_the_ready_line_with_its_times_only_once_active():
    """The bench times a respawn by this line, so it must mean *active*, and a failed configure
    must neither activate nor print it."""
    node = RecordingNode(TransitionCallbackReturn.SUCCESS)
    assert autostart(node) and node.activated
    [(level, line)] = node.lines
    assert level == "info" and line.startswith("autostart: active (configure ")
    assert " s, activate " in line and line.endswith(" s)")

    failing = RecordingNode(TransitionCallbackReturn.FAILURE)
    assert not autostart(failing) and not failing.activated
    assert failing.lines == [("error", "autostart: configure failed; the node stays unconfigured")]
