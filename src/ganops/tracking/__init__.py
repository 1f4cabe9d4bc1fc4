"""Tracking: MLflow runs, the generator as a pyfunc model, registry aliases."""
