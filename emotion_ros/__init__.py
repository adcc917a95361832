"""emotion_ros: how the people in front of a robot feel, from face landmarks and speech.

The rosidl-generated messages (``emotion_ros.msg``) are installed by CMake into a different
directory from this source package (a ROS install puts both in one ``site-packages/emotion_ros``;
the project's ``.venv`` keeps the generated code out of the source tree). ``extend_path`` lets one
``import emotion_ros`` see both, so ``from emotion_ros.msg import EmotionStamped`` works in either.
"""

from pkgutil import extend_path

__path__ = extend_path(__path__, __name__)
