"""The training loop."""

from d9d.loop.offload import KeepLargest, OffloadPolicy
from d9d.loop.trainer import Trainer, TrainerConfig

__all__ = ["KeepLargest", "OffloadPolicy", "Trainer", "TrainerConfig"]
