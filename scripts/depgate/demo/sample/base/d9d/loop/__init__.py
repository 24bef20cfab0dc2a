"""The training loop."""

from d9d.loop.trainer import Trainer, TrainerConfig

__all__ = ["Trainer", "TrainerConfig"]
