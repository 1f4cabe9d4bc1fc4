"""A pipeline run described by plain values (file, overrides, output folder).

This is what the CLI builds from its arguments and what Prefect tasks receive: small,
JSON-able and hashable, unlike a model or a tensor. ``load()`` validates it into the config,
the output paths and the project root.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ganops.config import Config, load_config
from ganops.environment import configure
from ganops.paths import RunPaths, inside


@dataclass(frozen=True)
class RunSpec:
    params_file: str = "params.yaml"
    overrides: dict[str, Any] = field(default_factory=dict)
    output_dir: str = "artifacts"
    project_root: str | None = None

    @classmethod
    def in_project(
        cls,
        project_root: Path,
        output_root: str,
        run_name: str,
        params_file: str,
        overrides: dict[str, Any],
    ) -> RunSpec:
        """A run whose outputs go to ``output_root/run_name`` inside the project; for
        folders named by people other than the machine's user (a Prefect form), whom an
        absolute path or ``..`` must not let write elsewhere."""
        run_dir = inside(project_root, output_root, "output_root") / run_name
        return cls(params_file, overrides, str(run_dir), str(project_root))

    def load(self) -> tuple[Config, RunPaths, Path]:
        root = configure(Path(self.project_root) if self.project_root else None)
        params = Path(self.params_file)
        config = load_config(params if params.is_absolute() else root / params, self.overrides)
        output = Path(self.output_dir)
        return config, RunPaths(output if output.is_absolute() else root / output), root
