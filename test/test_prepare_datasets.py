"""tools/prepare_datasets.py exports a data set's files at its commit from a clone, whatever its
size (a real data set has tens of thousands of files)."""

import subprocess
import sys
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[1] / "tools"
FILES = 3000  # names and answers both larger than a pipe's buffer (64 KiB)


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A bare repository with FILES small wav-named files under data/ and one README."""
    root = tmp_path_factory.mktemp("clone")
    git_dir = root / "owner+name"
    subprocess.run(["git", "init", "-q", "--bare", str(git_dir)], check=True)
    stream = ["commit refs/heads/main", "committer t <t@t> 0 +0000", "data 1", "x"]
    for i in range(FILES):
        body = f"clip {i}\n"
        stream += [f"M 644 inline data/speaker{i % 7}/clip{i:05d}.wav", f"data {len(body)}", body]
    body = "not data\n"
    stream += ["M 644 inline data/README.txt", f"data {len(body)}", body, ""]
    subprocess.run(["git", f"--git-dir={git_dir}", "fast-import", "--quiet"],
                   input="\n".join(stream).encode(), check=True)  # fmt: skip
    commit = subprocess.run(["git", f"--git-dir={git_dir}", "rev-parse", "main"],
                            check=True, capture_output=True, text=True).stdout.strip()  # fmt: skip
    return git_dir, commit


def test_a_large_data_set_is_exported_whole_at_its_commit(clone, tmp_path):
    git_dir, commit = clone
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        f"sys.path.insert(0, {str(TOOLS)!r})\n"
        "from prepare_datasets import export\n"
        "from emotion_ros.training.recipe.data_sources import DataSource\n"
        f"source = DataSource('test', 'https://github.com/owner/name', {commit!r}, 'data', "
        "'set', 'none', 'none')\n"
        f"print(*export(Path({str(git_dir)!r}), source, Path({str(tmp_path)!r})))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(FILES), "[]"]
    written = sorted((tmp_path / "set").rglob("*"))
    files = [p for p in written if p.is_file()]
    assert len(files) == FILES, "only data files are kept (the README is not)"
    assert (tmp_path / "set/speaker3/clip00003.wav").read_text() == "clip 3\n"
