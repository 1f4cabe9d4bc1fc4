"""Generators and discriminators (functional Keras 3 models)."""
