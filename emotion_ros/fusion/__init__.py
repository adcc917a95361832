"""Per-frame bookkeeping of the fusion node: face histories, audio window choice, smoothing."""
