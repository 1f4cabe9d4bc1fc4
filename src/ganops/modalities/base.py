"""The protocol every modality implements: what one kind of data does at each stage.

Shared code (the stage graph, the train-stage driver, the registry gate, the served model,
the CLI and the flows) asks the modality for what differs and never tests a modality's name.
A modality module is imported when the configuration is validated, so it imports nothing
heavy at module level: TensorFlow, MLflow and its own library parts are imported inside the
methods that need them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:  # imported for annotations only: config imports this package
    from mlflow.models import ModelSignature

    from ganops.config import Config
    from ganops.paths import RunPaths
    from ganops.train_stage import TrainingJob

# seeds (and optional columns such as labels or a temperature) -> the model's output
Sampler = Callable[[Any, Mapping[str, Any] | None], Any]


@dataclass
class Evaluation:
    """What a modality's evaluation measured; the evaluate stage writes and logs it."""

    metrics: dict[str, Any]
    pictures: list[Path] = field(default_factory=list)  # files logged under evaluation/
    tags: dict[str, str] = field(default_factory=dict)  # MLflow run tags


@dataclass(frozen=True)
class ServedModel:
    """What the registered pyfunc model carries besides the generator file."""

    artifacts: dict[str, str]  # name -> local file, copied into the model
    signature: ModelSignature
    input_example: Any
    settings: dict[str, Any] = field(default_factory=dict)  # into the model's config


@dataclass(frozen=True)
class LightCopy:
    """What ``Modality.light_copy`` adds to the registered model."""

    artifacts: dict[str, str]  # name -> local file, copied into the model
    settings: dict[str, Any]  # into the model's config (which runtime, input layout, or why none)


class Modality(ABC):
    """One kind of data (images, text, ...). Subclasses set the class attributes."""

    name: ClassVar[str]
    datasets: ClassVar[tuple[str, ...]]  # data.dataset values of this modality
    gate_metrics: ClassVar[Mapping[str, bool]]  # metrics the gate may use -> higher is better
    # Config sections a person edits in the modality's Prefect form, and the sections whose
    # change makes old checkpoints useless.
    form_sections: ClassVar[tuple[str, ...]]
    train_sections: ClassVar[tuple[str, ...]]
    params_file: ClassVar[str]  # the parameters file of its pipeline
    samples_file: ClassVar[str]  # file under evaluation/ that shows samples to a person
    sample_unit: ClassVar[str]  # what one sample is called in messages ("images")

    def check_config(self, config: Config) -> None:  # noqa: B027 - optional hook
        """Raise ``ValueError`` for settings that mean nothing for this modality."""

    @abstractmethod
    def run_label(self, config: Config) -> str:
        """What a run trains, for run names: dataset, model, loss."""

    @abstractmethod
    def prepare(self, config: Config, paths: RunPaths, project_root: Path) -> dict[str, Any]:
        """Raw files -> ``paths.prepared`` (arrays and ``summary.json``)."""

    def classifier(self, config: Config, paths: RunPaths, project_root: Path) -> dict[str, Any]:
        """The learned feature space of the metrics; by default the modality needs none."""
        return {"used": False, "reason": f"{self.name} metrics need no learned feature space"}

    @abstractmethod
    def training_job(self, config: Config, paths: RunPaths) -> TrainingJob:
        """The built trainer, its batches, its quick quality metric and sample writer."""

    @abstractmethod
    def evaluate(self, config: Config, paths: RunPaths, project_root: Path) -> Evaluation:
        """Sample the trained generator and measure it against the held-out data."""

    @abstractmethod
    def sanity_problems(self, metrics: Mapping[str, Any]) -> list[str]:
        """What makes these samples unfit to promote whatever the gate metric says (all
        alike, blank, ...), from the evaluation's metrics; empty when they look sane."""

    @abstractmethod
    def served_model(self, config: Config, paths: RunPaths) -> ServedModel:
        """Artifacts, signature and input example of the registered model."""

    @abstractmethod
    def load_sampler(
        self, generator: Any, artifacts: Mapping[str, str], settings: Mapping[str, Any]
    ) -> Sampler:
        """Inside the served model: a function from its input table to samples
        (``settings``: the model's config, what ``served_model`` put there)."""

    def light_copy(self, generator_path: Path, folder: Path) -> LightCopy:
        """At registration: a copy of the generator that samples without TensorFlow, written
        into ``folder``; by default none (the served model loads the Keras generator)."""
        reason = f"the {self.name} modality samples with its Keras model"
        return LightCopy({}, {"light_runtime": None, "light_runtime_reason": reason})

    def load_light_sampler(
        self, artifacts: Mapping[str, str], settings: Mapping[str, Any]
    ) -> Sampler | None:
        """Inside the served model: a sampler on the light copy, or None when the model has
        none or its runtime is not installed (the served model then loads the Keras one)."""
        return None

    @abstractmethod
    def write_samples(self, samples: Any, output: Path) -> dict[str, Any] | None:
        """``ganops sample``: show samples to a person (a file, or printed); returns what the
        command prints as its JSON result, if anything."""
