"""What the models eat: landmark index sets, normalisation and augmentation."""
