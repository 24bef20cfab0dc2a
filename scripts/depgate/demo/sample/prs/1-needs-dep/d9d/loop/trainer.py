"""The trainer and its configuration."""

from __future__ import annotations

from d9d.loop.offload import OffloadPolicy
from pydantic import BaseModel


class TrainerConfig(BaseModel):
    """How long and how fast to train."""

    steps: int = 1000
    learning_rate: float = 3e-4
    grad_clip: float | None = None


class Trainer:
    """Runs the training loop of a model."""

    def __init__(self, model: object, config: TrainerConfig, offload: OffloadPolicy | None = None) -> None:
        self.model = model
        self.config = config
        self.offload = offload

    def fit(self, data: object) -> None:
        """Train the model on `data` for `config.steps` steps."""
        for _ in range(self.config.steps):
            self._step(data)

    def _step(self, data: object) -> None:
        pass
