"""The emotion models: torch architectures, ONNX export and inference, model cards, the pipeline."""
