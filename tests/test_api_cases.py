"""One old/new pair per API change kind, run through `analyze()` on a real git repository.

Every case starts from the same small d9d-like package (`BASE`): `__all__` re-exports in every
`__init__`, an ABC strategy base in a parallelism package, a Protocol, pydantic configs and an internal
package. A case overrides some files for its base commit (`old`) and some for its head commit (`new`,
None deletes a file). Each case says in a comment whether it should fire.

All cases are committed into one repository (two commits each) built once for the module.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from depgate.api import ApiDiff, analyze
from depgate.config import ApiConfig
from depgate.git import Git
from gitrepo import GitRepo

BASE: dict[str, str] = {
    "pyproject.toml": "[project]\nname = 'd9d'\n",
    "d9d/__init__.py": '''
        """d9d."""
        from .core import build_model

        __all__ = ["build_model"]
    ''',
    "d9d/module/__init__.py": '''
        """Modules."""
        __all__ = []
    ''',
    "d9d/module/parallelism/__init__.py": '''
        """Distributed strategies."""
        from .base import ParallelStrategy
        from .ddp import DataParallel

        __all__ = ["DataParallel", "ParallelStrategy"]
    ''',
    "d9d/module/parallelism/base.py": '''
        import abc


        class ParallelStrategy(abc.ABC):
            """The main type of a strategy."""

            @abc.abstractmethod
            def apply(self, model): ...
    ''',
    "d9d/module/parallelism/ddp.py": '''
        from .base import ParallelStrategy


        class DataParallel(ParallelStrategy):
            def __init__(self, mesh, bucket_mb: int = 25):
                self.mesh = mesh

            def apply(self, model):
                return model

            def forward(self, x, *, sync: bool = True):
                return x
    ''',
    "d9d/core/__init__.py": '''
        """Core API."""
        from .build import DEFAULT_DTYPE, build_model
        from .hooks import Hook

        __all__ = ["DEFAULT_DTYPE", "Hook", "build_model"]
    ''',
    "d9d/core/build.py": '''
        DEFAULT_DTYPE = "bf16"


        def build_model(name, mesh, *, dtype: str = "bf16", compile: bool = False, warmup: int = 1_000):
            return _helper(name)


        def unlisted(name):
            return name


        def _helper(name):
            return name
    ''',
    "d9d/core/hooks.py": '''
        from typing import Protocol


        class Hook(Protocol):
            def on_step(self, step: int) -> None: ...
    ''',
    "d9d/core/config/__init__.py": '''
        from .trainer import DDPConfig, StrategyConfig, TrainerConfig

        __all__ = ["DDPConfig", "StrategyConfig", "TrainerConfig"]
    ''',
    "d9d/core/config/trainer.py": '''
        from pydantic import BaseModel, Field


        class StrategyConfig(BaseModel):
            name: str = "ddp"


        class DDPConfig(StrategyConfig):
            bucket_mb: int = 25


        class TrainerConfig(BaseModel):
            steps: int
            lr: float = 1e-3
            warmup: int = Field(10)
    ''',
    "d9d/internals/__init__.py": '''
        from .engine import Engine

        __all__ = ["Engine"]
    ''',
    "d9d/internals/engine.py": '''
        class Engine:
            def run(self, steps): ...
    ''',
}


@dataclass(frozen=True)
class Case:
    """One old/new pair and the `(code, symbol)` pairs it must produce, in sorted order."""

    id: str
    old: dict[str, str | None] = field(default_factory=dict)
    new: dict[str, str | None] = field(default_factory=dict)
    expected: tuple[tuple[str, str], ...] = ()


def _sub(path: str, before: str, after: str, *more: str) -> dict[str, str]:
    """Override one BASE file by replacing text in it (each `before` must be there); pairs may repeat."""
    text = textwrap.dedent(BASE[path])
    pairs = [(before, after), *zip(more[::2], more[1::2], strict=True)]
    for old, new in pairs:
        assert old in text, (path, old)
        text = text.replace(old, new)
    return {path: text}


_BUILD = "d9d/core/build.py"
_SIG = "def build_model(name, mesh, *, dtype: str = \"bf16\", compile: bool = False, warmup: int = 1_000):"
_DDP = "d9d/module/parallelism/ddp.py"
_CFG = "d9d/core/config/trainer.py"
_CORE = "d9d/core/__init__.py"
_PAR = "d9d/module/parallelism/__init__.py"

_SPEC = "d9d/opts/spec.py"
#: A public package with a plain dataclass (`__init__` synthesised) and one with a hand-written `__init__`.
_DC: dict[str, str | None] = {
    "d9d/opts/__init__.py": "from .spec import Plan, Spec\n\n__all__ = ['Plan', 'Spec']\n",
    _SPEC: textwrap.dedent('''
        import dataclasses
        from dataclasses import dataclass, field


        @dataclass
        class Spec:
            steps: int
            lr: float = 1e-3
            tags: list = field(default_factory=list)


        @dataclasses.dataclass(frozen=True)
        class Plan:
            stages: int

            def __init__(self, stages, mesh=None):
                object.__setattr__(self, "stages", stages)
    '''),
}


def _dc(before: str, after: str, *more: str) -> dict[str, str | None]:
    """Override the dataclass module of `_DC` by replacing text in it (as `_sub` does for BASE)."""
    text = _DC[_SPEC]
    assert text is not None
    for old, new in [(before, after), *zip(more[::2], more[1::2], strict=True)]:
        assert old in text, old
        text = text.replace(old, new)
    return {_SPEC: text}


def _tp(body: str) -> dict[str, str | None]:
    """A new module `d9d/core/tp.py` (body after importing ParallelStrategy), exported as `d9d.core.TensorParallel`."""
    return {"d9d/core/tp.py": "from d9d.module.parallelism import ParallelStrategy\n\n\n" + body,
            **_sub(_CORE, '__all__ = ["DEFAULT_DTYPE",', 'from .tp import TensorParallel\n\n'
                   '__all__ = ["TensorParallel", "DEFAULT_DTYPE",')}


CASES: list[Case] = [
    # -- removals --------------------------------------------------------------------------------------
    # Fires once: a public function dropped from the package and its module is one finding (also naming the
    # other path).
    Case("function-removed", new={**_sub(_CORE, '"Hook", "build_model"', '"Hook"',
                                         "from .build import DEFAULT_DTYPE, build_model",
                                         "from .build import DEFAULT_DTYPE"),
                                  **_sub(_BUILD, _SIG, "def _gone(name, mesh):"),
                                  "d9d/__init__.py": '__all__ = []\n'},
         expected=(("A101", "d9d.build_model"),)),
    # Fires: a public constant removed.
    Case("constant-removed", new={_CORE: textwrap.dedent(BASE[_CORE]).replace('"DEFAULT_DTYPE", ', "")
                                  .replace("DEFAULT_DTYPE, ", "")},
         expected=(("A101", "d9d.core.DEFAULT_DTYPE"),)),
    # Advisory only: the constant left `__all__`, but the package's `__getattr__` still returns it with a
    # DeprecationWarning (PEP 562), so every import keeps working.
    Case("deprecated-by-getattr", new={_CORE: textwrap.dedent(BASE[_CORE]).replace('"DEFAULT_DTYPE", ', "")
                                       .replace("DEFAULT_DTYPE, ", "") + textwrap.dedent('''

                                           def __getattr__(name):
                                               if name == "DEFAULT_DTYPE":
                                                   import warnings

                                                   warnings.warn("use dtype=", DeprecationWarning, stacklevel=2)
                                                   return "bf16"
                                               raise AttributeError(name)
                                       ''')},
         expected=(("A120", "d9d.core.DEFAULT_DTYPE"),)),
    # Fires: an override removed whose base method is abstract is a removal (DataParallel became abstract); a
    # base method that is concrete with the same signature would not fire (tests/test_api_false_alarms.py).
    Case("override-removed-abstract-base", new=_sub(_DDP, "    def apply(self, model):\n        return model\n\n", ""),
         expected=(("A101", "d9d.module.parallelism.DataParallel.apply"),)),
    # Does not fire: a private helper removed.
    Case("private-removed", new=_sub(_BUILD, "def _helper(name):\n    return name\n", "")),
    # Does not fire: a name that is not in `__all__` removed from its module.
    Case("unlisted-removed", new=_sub(_BUILD, "def unlisted(name):\n    return name\n", "")),
    # Does not fire: an internal package changes (d9d.internals.* is not public).
    Case("internal-removed", new={"d9d/internals/__init__.py": "__all__ = []\n"}),
    # Fires: a whole public package removed is one module removal (its names go with it).
    Case("module-removed", new={"d9d/core/config/__init__.py": None, _CFG: None},
         expected=(("A102", "d9d.core.config"),)),
    # -- moves -----------------------------------------------------------------------------------------
    # Fires once as a move: Hook now lives in d9d.events and d9d.core no longer exports it.
    Case("moved", new={"d9d/events/__init__.py": "from .hooks import Hook\n\n__all__ = ['Hook']\n",
                       "d9d/events/hooks.py": BASE["d9d/core/hooks.py"], "d9d/core/hooks.py": None,
                       _CORE: textwrap.dedent(BASE[_CORE]).replace('"Hook", ', "")
                       .replace("from .hooks import Hook\n", "")},
         expected=(("A301", "d9d.events"), ("A103", "d9d.core.Hook"))),
    # Fires once: a whole package moved (d9d.core.config -> d9d.config), its names with it.
    Case("module-moved", new={"d9d/core/config/__init__.py": None, _CFG: None,
                              "d9d/config/__init__.py": BASE["d9d/core/config/__init__.py"],
                              "d9d/config/trainer.py": BASE[_CFG]},
         expected=(("A103", "d9d.core.config"),)),
    # Does not break: moved, but the old path is kept as a re-export; the new path is a plain addition
    # (not a new abstraction: it is the same Protocol).
    Case("moved-kept", new={"d9d/events/__init__.py": "from .hooks import Hook\n\n__all__ = ['Hook']\n",
                            "d9d/events/hooks.py": BASE["d9d/core/hooks.py"], "d9d/core/hooks.py": None,
                            **_sub(_CORE, "from .hooks import Hook", "from d9d.events import Hook")},
         expected=(("A301", "d9d.events"), ("A302", "d9d.events.Hook"))),
    # -- parameters ------------------------------------------------------------------------------------
    # Fires: a positional parameter removed.
    Case("param-removed", new=_sub(_BUILD, _SIG, _SIG.replace("name, mesh,", "name,")),
         expected=(("A105", "d9d.build_model"),)),
    # Fires: renamed in place.
    Case("param-renamed", new=_sub(_BUILD, _SIG, _SIG.replace("mesh,", "device_mesh,")),
         expected=(("A106", "d9d.build_model"),)),
    # Fires twice: two positional parameters swapped.
    Case("param-reordered", new=_sub(_BUILD, _SIG, _SIG.replace("name, mesh,", "mesh, name,")),
         expected=(("A107", "d9d.build_model"), ("A107", "d9d.build_model"))),
    # Fires: a positional parameter became keyword-only.
    Case("param-kind", new=_sub(_BUILD, _SIG, _SIG.replace("name, mesh, *,", "name, *, mesh,")),
         expected=(("A108", "d9d.build_model"),)),
    # Does not fire: keyword-only -> positional-or-keyword accepts every existing call.
    Case("param-kind-compatible", new=_sub(_BUILD, _SIG, _SIG.replace('*, dtype: str = "bf16",',
                                                                       'dtype: str = "bf16", *,'))),
    # Advisory only: a keyword-only parameter removed is still accepted by the new `**options` (not A105).
    Case("kwonly-absorbed-by-kwargs", new=_sub(_BUILD, _SIG, _SIG.replace("compile: bool = False, warmup: int = 1_000",
                                                                           "warmup: int = 1_000, **options")),
         expected=(("A305", "d9d.build_model"),)),
    # Fires: a keyword-only parameter lost its default.
    Case("param-required", new=_sub(_BUILD, _SIG, _SIG.replace('dtype: str = "bf16"', "dtype: str")),
         expected=(("A109", "d9d.build_model"),)),
    # Fires: a new required keyword-only parameter.
    Case("required-param-added", new=_sub(_BUILD, _SIG, _SIG.replace("):", ", seed: int):")),
         expected=(("A110", "d9d.build_model"),)),
    # Advisory only: a new parameter with a default.
    Case("optional-param-added", new=_sub(_BUILD, _SIG, _SIG.replace("):", ", seed: int = 0):")),
         expected=(("A305", "d9d.build_model"),)),
    # Fires: a keyword-only default changed value.
    Case("default-changed", new=_sub(_BUILD, _SIG, _SIG.replace("compile: bool = False", "compile: bool = True")),
         expected=(("A111", "d9d.build_model"),)),
    # Does not fire: defaults written differently with the same value ('bf16' vs "bf16", 1_000 vs 1000).
    Case("default-reformatted", new=_sub(_BUILD, _SIG, _SIG.replace('"bf16"', "'bf16'").replace("1_000", "1000"))),
    # Fires: a function became a class.
    Case("kind-changed", new=_sub(_BUILD, _SIG + "\n    return _helper(name)",
                                  "class build_model:\n    def __init__(self, name, mesh): ..."),
         expected=(("A104", "d9d.build_model"),)),
    # Fires once, under the shortest public path, though the method is reachable two ways.
    Case("method-default-changed", new=_sub(_DDP, "sync: bool = True", "sync: bool = False"),
         expected=(("A111", "d9d.module.parallelism.DataParallel.forward"),)),
    # Fires: a public method removed.
    Case("method-removed", new=_sub(_DDP, "    def forward(self, x, *, sync: bool = True):\n        return x\n", ""),
         expected=(("A101", "d9d.module.parallelism.DataParallel.forward"),)),
    # Fires twice: the constructor gained a required parameter, inserted before `bucket_mb`, which moves.
    Case("init-required-param", new=_sub(_DDP, "def __init__(self, mesh,", "def __init__(self, mesh, group,"),
         expected=(("A107", "d9d.module.parallelism.DataParallel.__init__"),
                   ("A110", "d9d.module.parallelism.DataParallel.__init__"))),
    # Fires: an optional parameter inserted in the middle shifts the next one for positional callers.
    Case("optional-param-inserted", new=_sub(_DDP, "def __init__(self, mesh,", "def __init__(self, mesh, group=None,"),
         expected=(("A107", "d9d.module.parallelism.DataParallel.__init__"),
                   ("A305", "d9d.module.parallelism.DataParallel.__init__"))),
    # Does not fire: a private method changed.
    Case("private-method", new=_sub(_DDP, "    def forward(", "    def _sync(self, a): ...\n\n    def forward(")),
    # -- classes ---------------------------------------------------------------------------------------
    # Fires: DataParallel no longer derives from ParallelStrategy.
    Case("base-removed", new={_DDP: textwrap.dedent(BASE[_DDP]).replace("(ParallelStrategy)", "")
                              .replace("from .base import ParallelStrategy\n", "")},
         expected=(("A112", "d9d.module.parallelism.DataParallel"),)),
    # Does not fire: a new intermediate base that still derives from ParallelStrategy.
    Case("base-intermediate", new=_sub(_DDP, "class DataParallel(ParallelStrategy):",
                                       "class _Replicated(ParallelStrategy):\n    pass\n\n\n"
                                       "class DataParallel(_Replicated):")),
    # Fires: a new abstract method on a public ABC breaks every implementer.
    Case("abstract-method-added", new=_sub("d9d/module/parallelism/base.py", "def apply(self, model): ...",
                                           "def apply(self, model): ...\n\n    @abc.abstractmethod\n"
                                           "    def shard(self, mesh): ...\n"),
         expected=(("A113", "d9d.module.parallelism.ParallelStrategy.shard"),)),
    # Advisory only: a concrete method on the ABC (implementers inherit it).
    Case("concrete-method-on-abc", new=_sub("d9d/module/parallelism/base.py", "def apply(self, model): ...",
                                            "def apply(self, model): ...\n\n    def describe(self):\n"
                                            "        return 'x'\n"),
         expected=(("A303", "d9d.module.parallelism.ParallelStrategy.describe"),)),
    # Fires: a new method on a public Protocol (every structural implementer lacks it).
    Case("protocol-method-added", new=_sub("d9d/core/hooks.py", "def on_step(self, step: int) -> None: ...",
                                           "def on_step(self, step: int) -> None: ...\n"
                                           "    def on_epoch(self, epoch: int) -> None: ...\n"),
         expected=(("A113", "d9d.core.Hook.on_epoch"),)),
    # -- type aliases (d9d a37b4fa: `ShardingSpecLeaf` dropped `Shard` and `None`) ---------------------------
    # Fires: a public union alias dropped members (re-exported as d9d.core.DEFAULT_DTYPE for the case's sake).
    Case("type-alias-narrowed", new=_sub(_BUILD, 'DEFAULT_DTYPE = "bf16"', "DEFAULT_DTYPE = SpecReplicate | SpecShard"),
         old=_sub(_BUILD, 'DEFAULT_DTYPE = "bf16"', "DEFAULT_DTYPE = Shard | None"),
         expected=(("A117", "d9d.core.DEFAULT_DTYPE"),)),
    # Does not fire: widened (a member added) and respelled (`Optional[X]` is `X | None`, a module prefix is dropped).
    Case("type-alias-widened", old=_sub(_BUILD, 'DEFAULT_DTYPE = "bf16"', "DEFAULT_DTYPE = Optional[tensor.Shard]"),
         new=_sub(_BUILD, 'DEFAULT_DTYPE = "bf16"', "DEFAULT_DTYPE = Shard | SpecShard | None")),
    # Does not fire: a plain constant's value is not a contract on types.
    Case("constant-value-changed", new=_sub(_BUILD, 'DEFAULT_DTYPE = "bf16"', 'DEFAULT_DTYPE = "fp32"')),
    # -- pydantic --------------------------------------------------------------------------------------
    # Fires: a field removed.
    Case("field-removed", new=_sub(_CFG, "    lr: float = 1e-3\n", ""),
         expected=(("A114", "d9d.core.config.TrainerConfig.lr"),)),
    # Fires: a field lost its default.
    Case("field-required", new=_sub(_CFG, "lr: float = 1e-3", "lr: float"),
         expected=(("A115", "d9d.core.config.TrainerConfig.lr"),)),
    # Fires: Field(10) -> Field(...) makes it required.
    Case("field-ellipsis", new=_sub(_CFG, "Field(10)", "Field(...)"),
         expected=(("A115", "d9d.core.config.TrainerConfig.warmup"),)),
    # Fires: a new field without default.
    Case("required-field-added", new=_sub(_CFG, "    steps: int\n", "    steps: int\n    seed: int\n"),
         expected=(("A116", "d9d.core.config.TrainerConfig.seed"),)),
    # Advisory only: a new field with a default.
    Case("optional-field-added", new=_sub(_CFG, "    steps: int\n", "    steps: int\n    seed: int = 0\n"),
         expected=(("A304", "d9d.core.config.TrainerConfig.seed"),)),
    # Fires: pydantic through a project base class (DDPConfig -> StrategyConfig -> BaseModel).
    Case("field-removed-via-base", new=_sub(_CFG, "class DDPConfig(StrategyConfig):\n    bucket_mb: int = 25",
                                            "class DDPConfig(StrategyConfig):\n    pass"),
         expected=(("A114", "d9d.core.config.DDPConfig.bucket_mb"),)),
    # -- dataclasses -------------------------------------------------------------------------------------
    # Fires once, as the field change (no synthesised `__init__` is compared: griffe only visits the code).
    Case("dataclass-field-removed", old=_DC, new=_dc("    lr: float = 1e-3\n", ""),
         expected=(("A114", "d9d.opts.Spec.lr"),)),
    # Fires once: a new dataclass field without a default is required, as for pydantic (was only A304).
    Case("dataclass-required-field-added", old=_DC, new=_dc("    steps: int\n", "    steps: int\n    seed: int\n"),
         expected=(("A116", "d9d.opts.Spec.seed"),)),
    # Fires once: `field()` without a default is required too.
    Case("dataclass-required-field-call", old=_DC,
         new=_dc("    steps: int\n", "    steps: int\n    seed: int = field(repr=False)\n"),
         expected=(("A116", "d9d.opts.Spec.seed"),)),
    # Advisory only: a new dataclass field with a default factory.
    Case("dataclass-optional-field-added", old=_DC,
         new=_dc("    tags: list", "    extra: dict = field(default_factory=dict)\n    tags: list"),
         expected=(("A304", "d9d.opts.Spec.extra"),)),
    # Fires once: a dataclass field lost its default (was not reported at all).
    Case("dataclass-field-required", old=_DC, new=_dc("lr: float = 1e-3", "lr: float"),
         expected=(("A115", "d9d.opts.Spec.lr"),)),
    # Does not fire: as for pydantic fields, a field's default value is not compared (only its presence).
    Case("dataclass-default-changed", old=_DC, new=_dc("lr: float = 1e-3", "lr: float = 1e-2")),
    # Fires: a hand-written `__init__` of a dataclass is still compared as a function.
    Case("dataclass-handwritten-init", old=_DC, new=_dc("def __init__(self, stages, mesh=None):",
                                                         "def __init__(self, stages, mesh):"),
         expected=(("A109", "d9d.opts.Plan.__init__"),)),
    # Fires twice: a field removed from a dataclass with a hand-written `__init__` (whose parameters did not
    # change) is an attribute removal; a new required `__init__` parameter is reported on `__init__`.
    Case("dataclass-handwritten-init-fields", old=_DC,
         new=_dc("    stages: int\n", "", "def __init__(self, stages, mesh=None):",
                 "def __init__(self, stages, mesh=None, *, rank):"),
         expected=(("A114", "d9d.opts.Plan.stages"), ("A110", "d9d.opts.Plan.__init__"))),
    # -- abstractions and strategies --------------------------------------------------------------------
    # Fires: a new public ABC.
    Case("new-abc", new={"d9d/core/offload.py": "import abc\n\n\nclass Offloader(abc.ABC):\n"
                                                 "    @abc.abstractmethod\n    def offload(self, t): ...\n",
                         **_sub(_CORE, '__all__ = ["DEFAULT_DTYPE",', 'from .offload import Offloader\n\n'
                                '__all__ = ["Offloader", "DEFAULT_DTYPE",')},
         expected=(("A201", "d9d.core.Offloader"),)),
    # Fires: a new public Protocol.
    Case("new-protocol", new={"d9d/core/hooks.py": textwrap.dedent(BASE["d9d/core/hooks.py"])
                              + "\n\nclass Sink(Protocol):\n    def write(self, x) -> None: ...\n",
                              **_sub(_CORE, "import Hook", "import Hook, Sink", '"Hook", ', '"Hook", "Sink", ')},
         expected=(("A201", "d9d.core.Sink"),)),
    # Fires: a class with ABCMeta as metaclass.
    Case("new-abcmeta", new={"d9d/core/meta.py": "from abc import ABCMeta\n\n\nclass Scaler(metaclass=ABCMeta):\n"
                                                  "    pass\n",
                             **_sub(_CORE, '__all__ = ["DEFAULT_DTYPE",', 'from .meta import Scaler\n\n'
                                    '__all__ = ["Scaler", "DEFAULT_DTYPE",')},
         expected=(("A201", "d9d.core.Scaler"),)),
    # Fires once: the new class subclasses the strategy base; its new module is not reported again (A203 is only
    # for implementations no package exports).
    Case("new-strategy", new={"d9d/module/parallelism/fsdp.py": "from .base import ParallelStrategy\n\n\n"
                                                                "class FullyShardedDP(ParallelStrategy):\n"
                                                                "    def apply(self, model):\n        return model\n",
                              _PAR: textwrap.dedent(BASE[_PAR]).replace(
                                  "from .ddp import DataParallel", "from .ddp import DataParallel\n"
                                  "from .fsdp import FullyShardedDP").replace('"DataParallel",',
                                                                              '"DataParallel", "FullyShardedDP",')},
         expected=(("A202", "d9d.module.parallelism.FullyShardedDP"),)),
    # Fires: a new module under the strategy path defines a strategy subclass that no package exports yet.
    Case("new-strategy-module", new={"d9d/module/parallelism/fsdp.py": "from .base import ParallelStrategy\n\n\n"
                                                                       "class FullyShardedDP(ParallelStrategy):\n"
                                                                       "    def apply(self, model):\n"
                                                                       "        return model\n"},
         expected=(("A203", "d9d.module.parallelism.fsdp"),)),
    # Does not fire: a new module under the strategy path that only uses an existing strategy (a model's plan).
    Case("strategy-path-plan", new={"d9d/module/parallelism/plan.py": "from .ddp import DataParallel\n\n\n"
                                                                      "def parallelize_model(model, mesh):\n"
                                                                      "    return DataParallel(mesh).apply(model)\n"}),
    # Fires: a new `parallelize_*` function in the parallelism API package (its new package is only advisory).
    Case("new-strategy-function", new={"d9d/module/parallelism/api/__init__.py": "from .tp import parallelize_tp\n\n"
                                                                                 "__all__ = ['parallelize_tp']\n",
                                       "d9d/module/parallelism/api/tp.py": "def parallelize_tp(module, mesh):\n"
                                                                           "    return module\n"},
         expected=(("A206", "d9d.module.parallelism.api.parallelize_tp"), ("A301", "d9d.module.parallelism.api"))),
    # Fires: a new package exporting two new classes is a new public subsystem (it replaces A301).
    Case("new-public-subsystem", new={"d9d/events/__init__.py": "from .bus import Event, EventBus\n\n"
                                                                "__all__ = ['Event', 'EventBus']\n",
                                      "d9d/events/bus.py": "class Event:\n    pass\n\n\nclass EventBus:\n    pass\n"},
         expected=(("A204", "d9d.events"), ("A302", "d9d.events.Event"), ("A302", "d9d.events.EventBus"))),
    # Fires: the strategy ABC gains a non-abstract hook (`on_*`); the method is also a plain addition.
    Case("new-extension-point", new=_sub("d9d/module/parallelism/base.py", "    def apply(self, model): ...",
                                         "    def apply(self, model): ...\n\n    def on_attach(self, model):\n"
                                         "        return None"),
         expected=(("A205", "d9d.module.parallelism.ParallelStrategy.on_attach"),
                   ("A303", "d9d.module.parallelism.ParallelStrategy.on_attach"))),
    # Fires: a strategy subclass outside the strategy paths is found by its base class.
    Case("new-strategy-by-base", new={"d9d/core/tp.py": "from d9d.module.parallelism import ParallelStrategy\n\n\n"
                                                        "class TensorParallel(ParallelStrategy):\n"
                                                        "    def apply(self, model):\n        return model\n",
                                      **_sub(_CORE, '__all__ = ["DEFAULT_DTYPE",', 'from .tp import TensorParallel\n\n'
                                             '__all__ = ["TensorParallel", "DEFAULT_DTYPE",')},
         expected=(("A202", "d9d.core.TensorParallel"),)),
    # Fires as a new abstraction (not a strategy): a subclass of the project ABC that leaves `apply` abstract is
    # a new intermediate base.
    Case("inherited-abstract", new=_tp("class TensorParallel(ParallelStrategy):\n    def shard(self, mesh):\n"
                                       "        return mesh\n"),
         expected=(("A201", "d9d.core.TensorParallel"),)),
    # Does not fire as an abstraction: `apply` is implemented by a private intermediate base, so the class is
    # concrete (a new strategy by its base).
    Case("inherited-abstract-implemented", new=_tp("class _Base(ParallelStrategy):\n    def apply(self, model):\n"
                                                   "        return model\n\n\nclass TensorParallel(_Base):\n"
                                                   "    pass\n"),
         expected=(("A202", "d9d.core.TensorParallel"),)),
    # Does not fire as an abstraction: an abstract method re-declared abstract, then implemented, counts from the
    # nearest definition.
    Case("inherited-abstract-redeclared", new=_tp("import abc\n\n\nclass _Base(ParallelStrategy):\n"
                                                  "    @abc.abstractmethod\n    def apply(self, model): ...\n\n\n"
                                                  "class TensorParallel(_Base):\n    def apply(self, model):\n"
                                                  "        return model\n"),
         expected=(("A202", "d9d.core.TensorParallel"),)),
    # Does not fire as an abstraction: a base outside the analysed packages (torch) cannot be read, so the class
    # is judged as before (by its own members: a strategy by its base).
    Case("inherited-abstract-unresolved", new=_tp("from torch import nn\n\n\n"
                                                  "class TensorParallel(ParallelStrategy, nn.Module):\n    pass\n"),
         expected=(("A202", "d9d.core.TensorParallel"),)),
    # Does not fire: a private helper module under the strategy path.
    Case("private-strategy-module", new={"d9d/module/parallelism/_util.py": "def helper():\n    return 1\n"}),
    # -- additions -------------------------------------------------------------------------------------
    # Advisory: a new class, a new function and a new package.
    Case("additions", new={"d9d/data/__init__.py": "from .loader import Loader, load\n\n__all__ = ['Loader', 'load']\n",
                           "d9d/data/loader.py": "class Loader:\n    pass\n\n\ndef load(path):\n    return path\n"},
         expected=(("A301", "d9d.data"), ("A302", "d9d.data.Loader"), ("A303", "d9d.data.load"))),
    # Does not fire: new names that are private, unlisted or internal.
    Case("additions-hidden", new={_BUILD: textwrap.dedent(BASE[_BUILD]) + "\n\nclass _Impl:\n    pass\n\n\n"
                                  "def also_unlisted():\n    return 1\n",
                                  "d9d/internals/engine.py": "class Engine:\n    def run(self, steps): ...\n\n\n"
                                                             "class Planner:\n    pass\n"}),
    # Fires: a plain module listed in its package's `__all__` exposes its own names through it.
    Case("exported-module", old={"d9d/io/__init__.py": "from . import formats\n\n__all__ = ['formats']\n",
                                 "d9d/io/formats.py": "__all__ = ['read']\n\n\ndef read(path, mode='r'): ...\n"},
         new={"d9d/io/formats.py": "__all__ = ['read']\n\n\ndef read(path): ...\n"},
         expected=(("A105", "d9d.io.formats.read"),)),
    # Fires: the package re-exports through a plain `api.py` module that gathers names from `impl.py`.
    Case("reexport-through-module", old={"d9d/sched/__init__.py": "from .api import *\nfrom .api import __all__\n",
                                         "d9d/sched/api.py": "from .impl import Cosine\n\n__all__ = ['Cosine']\n",
                                         "d9d/sched/impl.py": "class Cosine:\n    def step(self, n): ...\n"},
         new={"d9d/sched/impl.py": "class Cosine:\n    def step(self): ...\n"},
         expected=(("A105", "d9d.sched.Cosine.step"),)),
    # -- __all__ forms -----------------------------------------------------------------------------------
    # Fires: `__all__ += sub.__all__` and star re-exports are followed.
    Case("all-extended", old={"d9d/metrics/__init__.py": "from .base import *\nfrom . import base\n\n"
                                                          "__all__ = ['Registry']\n__all__ += base.__all__\n\n\n"
                                                          "class Registry:\n    pass\n",
                              "d9d/metrics/base.py": "__all__ = ['Metric', 'Mean']\n\n\nclass Metric:\n    pass\n\n\n"
                                                     "class Mean(Metric):\n    pass\n"},
         new={"d9d/metrics/base.py": "__all__ = ['Metric']\n\n\nclass Metric:\n    pass\n"},
         expected=(("A101", "d9d.metrics.Mean"),)),
]


def _materialise(repo: GitRepo, files: dict[str, str | None]) -> None:
    for child in repo.path.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    repo.write({path: text for path, text in files.items() if text is not None})


@pytest.fixture(scope="module")
def results() -> Iterator[dict[str, ApiDiff]]:
    """Commit every case into one repository and analyse each base/head pair."""
    # NOTE: a private temporary folder, not tmp_path_factory: pytest sessions running at the same time on
    # this machine prune each other's old numbered base folders, which this long-lived repository outlives.
    with tempfile.TemporaryDirectory(prefix="depgate-api-cases-") as folder:
        yield _analyse_all(GitRepo.init(Path(folder) / "repo"))


def _analyse_all(repo: GitRepo) -> dict[str, ApiDiff]:
    pairs = {}
    for case in CASES:
        old = {**BASE, **case.old}
        _materialise(repo, old)
        base = repo.commit(f"base {case.id}")
        _materialise(repo, {**old, **case.new})
        head = repo.commit(f"head {case.id}")
        pairs[case.id] = (base, head)
    git = Git(repo.path)
    return {cid: analyze(git, b, h, git.changed_files(b, h), ApiConfig()) for cid, (b, h) in pairs.items()}


def _codes(diff: ApiDiff) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((c.code, c.symbol) for c in diff.changes))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case, results: dict[str, ApiDiff]) -> None:
    diff = results[case.id]
    assert diff.problems == ()
    assert _codes(diff) == tuple(sorted(case.expected))


def test_every_change_code_has_a_case() -> None:
    from depgate.api.kinds import RULES

    covered = {code for case in CASES for code, _ in case.expected}
    change_codes = {r.code for r in RULES if not r.code.startswith("A9")}
    assert change_codes - covered == set()


#: Every finding of every case, in full; regenerate with `DEPGATE_UPDATE_SNAPSHOTS=1 pytest tests/test_api_cases.py`
#: and review the diff (a rule firing somewhere new, a moved line or anchor, a reworded message all show).
SNAPSHOT = Path(__file__).parent / "fixtures" / "api_cases.snapshot.txt"


def _snapshot_text(results: dict[str, ApiDiff]) -> str:
    lines = []
    for case in CASES:
        lines.append(f"[{case.id}]")
        for c in sorted(results[case.id].changes, key=lambda c: (c.code, c.symbol, c.path, c.line or 0)):
            anchor = getattr(c, "anchor", None)
            shown = f" anchor={anchor}" if anchor is not None else ""
            lines.append(f"{c.code} {c.symbol} @ {c.path}:{c.line}{shown}: {c.message}")
    return "\n".join(lines) + "\n"


def test_snapshot_of_all_cases(results: dict[str, ApiDiff]) -> None:
    """Every finding of every case (code, symbol, place, head anchor, message) against the reviewed snapshot."""
    actual = _snapshot_text(results)
    if os.environ.get("DEPGATE_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(actual, encoding="utf-8")
    assert SNAPSHOT.is_file(), f"no snapshot at {SNAPSHOT}; create it with DEPGATE_UPDATE_SNAPSHOTS=1"
    assert actual == SNAPSHOT.read_text(encoding="utf-8")
