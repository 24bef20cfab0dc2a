"""d9d-sample: a tiny distributed-training framework shaped like d9d."""

__all__: list[str] = []
