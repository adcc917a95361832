#!/usr/bin/env bash
# Creates .venv/ in the repo root with everything emotion_ros needs on a machine without a ROS 2
# install: the ROS 2 Kilted wheels from PyPI, the pinned Python packages (requirements/), the
# project's messages, audio_common_msgs and hri_msgs built by rosidl, and emotion_ros itself
# (editable, with its console scripts). Idempotent: when nothing it depends on has changed, it does
# nothing.
#
# Usage: tools/setup_venv.sh [--force]     (PYTHON=python3.11 selects the interpreter)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
BUILD="$ROOT/build"
STAMP="$VENV/.bootstrap-complete"
PYTHON="${PYTHON:-python3.11}"
# Python code of the generated messages goes here rather than into site-packages, so that the
# editable source package emotion_ros/ is the one that `import emotion_ros` finds (see
# emotion_ros/__init__.py for how the two are joined).
INTERFACES_DIR="lib/emotion_ros_interfaces"
APT_PACKAGES=(cmake g++ make espeak-ng sox libportaudio2)

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

inputs_hash() {
  (cd "$ROOT" && cat tools/setup_venv.sh setup.py CMakeLists.txt cmake/* requirements/*.txt \
    msg/*.msg tools/{audio_common_msgs,hri_msgs}/{CMakeLists.txt,package.xml,msg/*.msg}) |
    sha256sum | cut -d' ' -f1
}

if [[ "${1:-}" != "--force" && -f "$STAMP" && "$(cat "$STAMP")" == "$(inputs_hash)" ]]; then
  say ".venv is up to date (tools/setup_venv.sh --force rebuilds it)"
  exit 0
fi

# --- system packages --------------------------------------------------------------------------
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
    say "installing Debian packages: ${missing[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    die "missing Debian packages: ${missing[*]} (run: sudo apt-get install -y ${missing[*]})"
  fi
fi
command -v "$PYTHON" >/dev/null || die "$PYTHON not found (emotion_ros needs Python 3.11; set PYTHON=...)"
"$PYTHON" - <<'EOF' || die "Python headers (Python.h) are missing: install python3.11-dev"
import os, sysconfig, sys
sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")) else 1)
EOF

# --- Python packages --------------------------------------------------------------------------
if [[ ! -x "$VENV/bin/python" ]]; then
  say "creating $VENV with $("$PYTHON" --version)"
  "$PYTHON" -m venv "$VENV"
fi
# A parent process's bootstrap marker stops the ROS wheels from setting up their library path.
unset _ROS_WHEELS_BOOTSTRAP_COMPLETE
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check --quiet)
say "installing pinned packages (requirements/)"
"${PIP[@]}" install --upgrade pip==26.3
"${PIP[@]}" install -r "$ROOT/requirements/ros-wheels.txt" -r "$ROOT/requirements/runtime.txt" \
  -r "$ROOT/requirements/dev.txt"
"${PIP[@]}" install --no-deps -r "$ROOT/requirements/mediapipe.txt" \
  -r "$ROOT/requirements/test-photos.txt"

# --- messages ---------------------------------------------------------------------------------
build_interfaces() {  # name source_dir extra_cmake_args...
  local name="$1" src="$2"; shift 2
  local log="$BUILD/logs/$name.log"
  mkdir -p "$BUILD/logs"
  say "building messages: $name (log: ${log#"$ROOT"/})"
  if ! {
    AMENT_PREFIX_PATH="$VENV" cmake -S "$src" -B "$BUILD/$name" \
      -DCMAKE_PREFIX_PATH="$VENV" -DCMAKE_INSTALL_PREFIX="$VENV" \
      -DPython3_EXECUTABLE="$VENV/bin/python" -DBUILD_TESTING=OFF "$@" &&
      AMENT_PREFIX_PATH="$VENV" cmake --build "$BUILD/$name" -j"$(nproc)" &&
      cmake --install "$BUILD/$name"
  } >"$log" 2>&1; then
    tail -n 25 "$log" >&2
    die "building $name failed (full log: $log). It needs cmake >= 3.16, g++ and the Python
       headers (apt-get install -y cmake g++ python3.11-dev); 'tools/setup_venv.sh --force'
       retries from scratch after 'rm -rf build/$name'."
  fi
}
build_interfaces audio_common_msgs "$ROOT/tools/audio_common_msgs"
build_interfaces hri_msgs "$ROOT/tools/hri_msgs"
build_interfaces emotion_ros "$ROOT" -DEMOTION_ROS_INTERFACES_ONLY=ON \
  -DPYTHON_INSTALL_DIR="$INTERFACES_DIR"

# --- emotion_ros itself -----------------------------------------------------------------------
say "installing emotion_ros (editable) and its commands"
"${PIP[@]}" install --no-deps --no-build-isolation --config-settings editable_mode=compat -e "$ROOT"
site_packages="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
echo "$VENV/$INTERFACES_DIR" >"$site_packages/emotion_ros_interfaces.pth"

(cd /tmp && "$VENV/bin/python" -c "
import rclpy, mediapipe, onnxruntime, torch
from emotion_ros.msg import EmotionStamped, FaceLandmarksArray, AudioWindow
from audio_common_msgs.msg import AudioDataStamped, AudioInfo
from hri_msgs.msg import Expression, IdsList
") || die "the .venv was built but its imports fail (see the traceback above)"

inputs_hash >"$STAMP"
say "done: $(du -sh "$VENV" | cut -f1) in .venv; activate with 'source .venv/bin/activate'"
