# The ROS 2 wheels on PyPI carry their build machine's include paths (/opt/python/...) in their
# exported CMake targets, and CMake refuses imported targets with missing include directories.
# This drops those paths. On a real ROS install no target has them, so the function changes nothing.
function(emotion_ros_fix_wheel_include_dirs)
  get_property(_imported DIRECTORY PROPERTY IMPORTED_TARGETS)
  foreach(_target IN LISTS _imported)
    get_target_property(_dirs ${_target} INTERFACE_INCLUDE_DIRECTORIES)
    if(_dirs AND "${_dirs}" MATCHES "/opt/python/")
      list(FILTER _dirs EXCLUDE REGEX "^/opt/python/")
      set_target_properties(${_target} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${_dirs}")
    endif()
  endforeach()
endfunction()
