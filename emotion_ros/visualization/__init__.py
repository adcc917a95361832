"""Pictures of what the package sees: boxes, ids and emotions drawn over camera frames."""
