"""How any model is fitted and measured: the training loop, per-batch augmentation, calibration,
group splits and scores."""
