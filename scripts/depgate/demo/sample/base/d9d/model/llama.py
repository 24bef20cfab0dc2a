"""A Llama-style decoder."""

from __future__ import annotations

from pydantic import BaseModel


class LlamaConfig(BaseModel):
    """Sizes of the model."""

    hidden_size: int = 4096
    layers: int = 32


class Llama:
    """A decoder-only transformer."""

    def __init__(self, config: LlamaConfig) -> None:
        self.config = config
