"""Training the models: data readers, splits, synthetic data, the training loop, calibration."""
