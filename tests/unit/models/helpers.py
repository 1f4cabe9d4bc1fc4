"""The image architectures' modules by name, shared by the model and trainer tests."""

from __future__ import annotations

from ganops.models import dcgan, resnet

MODULES = {"dcgan": dcgan, "resnet": resnet}
