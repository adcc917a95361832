"""Exports the data sets of the default models from git clones into one data folder.

    git clone https://github.com/darkbit404/FaceExp  CLONES/darkbit404/FaceExp    # and the others
    .venv/bin/python tools/prepare_datasets.py --clones CLONES --out ~/datasets

For each source in emotion_ros/training/recipe/data_sources.py it reads ``<commit>:<path>`` from the
clone (found as CLONES/<owner>/<name>, CLONES/<owner>+<name> or CLONES/<name>; a bare
clone works too) and unpacks the folder into OUT/<folder>, so the data is exactly the commit the
model cards name. Only the data files are kept (audio, images, label tables). The data never goes
into this repository.
"""

import argparse
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

from emotion_ros.training.recipe.data_sources import SOURCES, DataSource

DATA_SUFFIXES = {".wav", ".jpg", ".jpeg", ".png", ".csv"}


def find_clone(clones: Path, source: DataSource) -> Path | None:
    """The clone of ``source`` under ``clones`` (work tree or bare), or None."""
    owner, name = source.repository.removeprefix("https://github.com/").split("/")
    for candidate in (clones / owner / name, clones / f"{owner}+{name}", clones / name):
        for git_dir in (candidate / ".git", candidate, candidate / "repo"):
            if (git_dir / "HEAD").is_file():
                return git_dir
    return None


def _write_and_close(pipe: IO[bytes], data: bytes) -> None:
    pipe.write(data)
    pipe.close()


def export(git_dir: Path, source: DataSource, out: Path) -> tuple[int, list[str]]:
    """Write the source's data files at its commit into ``out / source.folder``.

    Returns the number of files written and the paths the clone lacks (a partial or shallow
    clone; a file that is only a Git LFS pointer is written as it is and fails later, loudly).
    """
    git = ["git", f"--git-dir={git_dir}"]
    listing = subprocess.run(
        [*git, "ls-tree", "-r", "-z", source.commit, "--", source.path or "."],
        check=True, capture_output=True,
    ).stdout.decode()  # fmt: skip
    entries = []
    for line in filter(None, listing.split("\0")):
        info, path = line.split("\t", 1)
        if Path(path).suffix.lower() in DATA_SUFFIXES:
            entries.append((info.split()[2], path))
    batch = subprocess.Popen(
        [*git, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    # the object names go in from a thread: git answers while it reads, and a large listing
    # would fill both pipes if they were all written before any answer is read
    names = "".join(f"{sha}\n" for sha, _ in entries).encode()
    feeder = threading.Thread(target=_write_and_close, args=(batch.stdin, names), daemon=True)
    feeder.start()
    written, missing = 0, []
    for _sha, path in entries:
        header = batch.stdout.readline().decode().split()
        if header[-1] == "missing":
            missing.append(path)
            continue
        data = batch.stdout.read(int(header[2]))
        batch.stdout.read(1)  # the newline after each object
        relative = Path(path).relative_to(source.path) if source.path else Path(path)
        destination = out / source.folder / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(data)
        written += 1
    feeder.join()
    batch.wait()
    return written, missing


def main() -> int:
    """Export every source that has a clone; say which are missing."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clones", type=Path, required=True, help="folder of git clones")
    parser.add_argument("--out", type=Path, required=True, help="data folder to fill")
    args = parser.parse_args()
    missing = []
    for key, source in SOURCES.items():
        git_dir = find_clone(args.clones, source)
        if git_dir is None:
            missing.append(f"{key}: git clone {source.repository}")
            continue
        try:
            count, lacking = export(git_dir, source, args.out)
        except subprocess.CalledProcessError as exc:
            print(f"{key}: git failed: {exc.stderr.decode(errors='replace').strip()}")
            return 2
        print(f"{key}: {count} files -> {args.out / source.folder}")
        for path in lacking:
            print(f"{key}: the clone lacks {path}; left out")
    for line in missing:
        print(f"missing clone, {line}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
