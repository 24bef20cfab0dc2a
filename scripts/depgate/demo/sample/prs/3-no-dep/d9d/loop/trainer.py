"""The trainer and its configuration."""

from __future__ import annotations

from pydantic import BaseModel


class TrainerConfig(BaseModel):
    """How long and how fast to train."""

    steps: int = 1000
    learning_rate: float = 3e-4
    grad_clip: float | None = None


class Trainer:
    """Runs the training loop of a model."""

    def __init__(self, model: object, config: TrainerConfig) -> None:
        self.model = model
        self.config = config

    def fit(self, data: object) -> None:
        """Train the model on `data` for `config.steps` steps."""
        for _ in range(self.config.steps):
            self._step(data)
            if self.config.grad_clip is not None:
                self._clip(self.config.grad_clip)

    def fit_legacy(self, data: object, epochs: int = 1) -> None:
        """Train by epochs (kept for old scripts)."""
        for _ in range(epochs):
            self.fit(data)

    def _step(self, data: object) -> None:
        pass

    def _clip(self, max_norm: float) -> None:
        pass
