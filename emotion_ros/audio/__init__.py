"""Audio for the models: audio_common decoding, resampling, a stamped ring buffer, features."""
