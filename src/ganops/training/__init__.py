"""Training: losses, precision policy, checkpoints and the adversarial train loop."""
