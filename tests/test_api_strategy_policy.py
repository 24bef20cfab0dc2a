"""What counts as a new distributed strategy, and when new public API is major (A202-A206), on real git repositories.

The base is a small d9d-like package: strategy functions (`parallelize_*`) exported by
`d9d.module.parallelism.api`, a pipeline program builder ABC with one schedule, a model package, and the
training loop's ABCs (`ModelProvider`, `BaseTask`) plus a concrete `Trainer`. Each test commits a base and
a head shaped like a real d9d change; comments say which items should fire.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from depgate.api import ApiDiff, analyze
from depgate.config import ApiConfig
from depgate.git import Git
from gitrepo import GitRepo

_PAR_API = "d9d/module/parallelism/api/__init__.py"
_PROGRAM = "d9d/pipelining/program/__init__.py"
_CONTROL = "d9d/loop/control/__init__.py"
_PROVIDER = "d9d/loop/control/provider.py"

BASE: dict[str, str] = {
    "pyproject.toml": "[project]\nname = 'd9d'\n",
    "d9d/__init__.py": "__all__ = []\n",
    "d9d/module/__init__.py": "__all__ = []\n",
    "d9d/module/parallelism/__init__.py": "",
    _PAR_API: '''
        """Horizontal parallelism strategies."""
        from .fully_sharded import parallelize_fsdp
        from .hybrid_sharded import parallelize_hsdp

        __all__ = ["parallelize_fsdp", "parallelize_hsdp"]
    ''',
    "d9d/module/parallelism/api/fully_sharded.py": "def parallelize_fsdp(module, mesh):\n    return module\n",
    "d9d/module/parallelism/api/hybrid_sharded.py": "def parallelize_hsdp(module, mesh):\n    return module\n",
    "d9d/module/parallelism/model/__init__.py": "",
    "d9d/module/parallelism/model/qwen3_moe.py": '''
        from d9d.module.parallelism.api import parallelize_hsdp


        def parallelize_qwen3_moe(model, mesh):
            parallelize_hsdp(model, mesh=mesh)
    ''',
    "d9d/module/model/__init__.py": "",
    "d9d/module/model/qwen3_moe/__init__.py": '''
        from .model import Qwen3MoEModel, Qwen3MoEParameters

        __all__ = ["Qwen3MoEModel", "Qwen3MoEParameters"]
    ''',
    "d9d/module/model/qwen3_moe/model.py": "class Qwen3MoEParameters:\n    pass\n\n\nclass Qwen3MoEModel:\n    pass\n",
    "d9d/pipelining/__init__.py": "__all__ = []\n",
    _PROGRAM: '''
        from .base import PipelineProgramBuilder
        from .bfs import LoopedBFSPipelineProgramBuilder

        __all__ = ["LoopedBFSPipelineProgramBuilder", "PipelineProgramBuilder"]
    ''',
    "d9d/pipelining/program/base.py": '''
        import abc


        class PipelineProgramBuilder(abc.ABC):
            @abc.abstractmethod
            def compose(self, num_microbatches, pp_size): ...
    ''',
    "d9d/pipelining/program/bfs.py": '''
        from .base import PipelineProgramBuilder


        class LoopedBFSPipelineProgramBuilder(PipelineProgramBuilder):
            def compose(self, num_microbatches, pp_size):
                return {}
    ''',
    "d9d/loop/__init__.py": "__all__ = []\n",
    _CONTROL: '''
        from .provider import BaseTask, ModelProvider, Stateful, Trainer

        __all__ = ["BaseTask", "ModelProvider", "Stateful", "Trainer"]
    ''',
    _PROVIDER: '''
        import abc
        from typing import Protocol


        class ModelProvider(abc.ABC):
            @abc.abstractmethod
            def initialize_model_stage(self, context): ...

            def dump_hparams(self):
                return {}


        class BaseTask(abc.ABC):
            @abc.abstractmethod
            def compute_loss(self, context): ...

            def on_step_end(self, context):
                pass


        class Stateful(Protocol):
            def state_dict(self) -> dict: ...


        class Trainer:
            def train(self):
                return None
    ''',
    "d9d/metric/__init__.py": '''
        from .impl import Mean, Sum

        __all__ = ["Mean", "Sum"]
    ''',
    "d9d/metric/impl.py": "class Mean:\n    pass\n\n\nclass Sum:\n    pass\n",
}


def _replace(path: str, old: str, new: str) -> dict[str, str]:
    import textwrap

    text = textwrap.dedent(BASE[path])
    assert old in text, (path, old)
    return {path: text.replace(old, new)}


def _analyse(tmp_path: Path, new: dict[str, str | None], config: ApiConfig | None = None,
             old: dict[str, str | None] | None = None) -> ApiDiff:
    repo = GitRepo.init(tmp_path / "repo")
    start = {**BASE, **(old or {})}
    base = repo.commit("chore: base", start)  # type: ignore[arg-type]
    head = repo.commit("feat: head", new)
    git = Git(repo.path)
    return analyze(git, base, head, git.changed_files(base, head), config or ApiConfig())


def _major(diff: ApiDiff) -> list[tuple[str, str]]:
    """The DEP-relevant findings (A1xx and A2xx), sorted."""
    return sorted((c.code, c.symbol) for c in diff.changes if c.code[:2] in ("A1", "A2"))


def _codes(diff: ApiDiff) -> list[tuple[str, str]]:
    return sorted((c.code, c.symbol) for c in diff.changes)


# -- issue #8, part 1: what a new strategy is ------------------------------------------------------------------

#: d9d c32746d in small: a new model package and a parallelize plan that calls the existing `parallelize_hsdp`.
QWEN3_DENSE: dict[str, str | None] = {
    "d9d/module/model/qwen3_dense/__init__.py": '''
        from .model import Qwen3DenseForCausalLM, Qwen3DenseModel, Qwen3DenseParameters

        __all__ = ["Qwen3DenseForCausalLM", "Qwen3DenseModel", "Qwen3DenseParameters"]
    ''',
    "d9d/module/model/qwen3_dense/model.py": "class Qwen3DenseParameters:\n    pass\n\n\n"
                                             "class Qwen3DenseModel:\n    pass\n\n\n"
                                             "class Qwen3DenseForCausalLM:\n    pass\n",
    "d9d/module/parallelism/model/qwen3_dense.py": '''
        from d9d.module.parallelism.api import parallelize_hsdp


        def parallelize_qwen3_dense_model(model, mesh):
            for layer in model.layers:
                parallelize_hsdp(layer, mesh=mesh)
    ''',
}


def test_model_with_a_parallelize_plan_is_no_strategy(tmp_path: Path) -> None:
    # Does not fire: the plan module is under a strategy path but only calls an existing strategy, and the
    # model package is a leaf addition (api.major-exclude).
    diff = _analyse(tmp_path, QWEN3_DENSE)
    assert _major(diff) == []
    assert ("A301", "d9d.module.model.qwen3_dense") in _codes(diff)


def test_real_strategies_next_to_a_model_fire(tmp_path: Path) -> None:
    new = {
        **QWEN3_DENSE,
        # Fires A206: a new `parallelize_*` function exported by the parallelism API package.
        "d9d/module/parallelism/api/context_parallel.py": "def parallelize_cp(module, mesh):\n    return module\n",
        **_replace(_PAR_API, '__all__ = ["parallelize_fsdp",',
                   'from .context_parallel import parallelize_cp\n\n__all__ = ["parallelize_cp", "parallelize_fsdp",'),
        # Fires A202: a new exported subclass of the program builder base (a new schedule program).
        "d9d/pipelining/program/gpipe.py": "from .base import PipelineProgramBuilder\n\n\n"
                                           "class GPipeProgramBuilder(PipelineProgramBuilder):\n"
                                           "    def compose(self, num_microbatches, pp_size):\n        return {}\n",
        # Fires A203: a new module under a strategy path with a program builder no package exports yet.
        "d9d/core/sharding/__init__.py": "__all__ = []\n",
        "d9d/core/__init__.py": "__all__ = []\n",
        "d9d/core/sharding/ring.py": "from d9d.pipelining.program import PipelineProgramBuilder\n\n\n"
                                     "class RingProgramBuilder(PipelineProgramBuilder):\n"
                                     "    def compose(self, num_microbatches, pp_size):\n        return {}\n",
        # Does not fire A202: a plain class under a strategy path implements no strategy contract.
        "d9d/core/sharding/spec.py": "class SpecShard:\n    dim: int = 0\n",
    }
    program = _replace(_PROGRAM, '__all__ = ["LoopedBFSPipelineProgramBuilder",',
                       'from .gpipe import GPipeProgramBuilder\n\n__all__ = ["GPipeProgramBuilder", '
                       '"LoopedBFSPipelineProgramBuilder",')
    diff = _analyse(tmp_path, {**new, **program})
    assert _major(diff) == [
        ("A202", "d9d.pipelining.program.GPipeProgramBuilder"),
        ("A203", "d9d.core.sharding.ring"),
        ("A206", "d9d.module.parallelism.api.parallelize_cp"),
    ]
    ring = next(c for c in diff.changes if c.code == "A203")
    assert "RingProgramBuilder (subclasses d9d.pipelining.program.base.PipelineProgramBuilder)" in ring.message


def test_exported_strategy_module_is_reported_once(tmp_path: Path) -> None:
    # Fires A206 only: the new module's strategy function is exported, so A203 does not repeat it.
    new = {
        "d9d/module/parallelism/api/context_parallel.py": "def parallelize_cp(module, mesh):\n    return module\n",
        **_replace(_PAR_API, '__all__ = ["parallelize_fsdp",',
                   'from .context_parallel import parallelize_cp\n\n__all__ = ["parallelize_cp", "parallelize_fsdp",'),
    }
    assert _major(_analyse(tmp_path, new)) == [("A206", "d9d.module.parallelism.api.parallelize_cp")]


def test_strategy_function_near_misses(tmp_path: Path) -> None:
    new = {
        # Does not fire: a new helper in the strategy package whose name is no strategy function.
        "d9d/module/parallelism/api/util.py": "def mesh_dims(mesh):\n    return mesh\n",
        # Does not fire: an existing strategy re-exported at a second public path.
        **_replace(_PAR_API, '__all__ = ["parallelize_fsdp",',
                   'from .util import mesh_dims\nfrom .hybrid_sharded import parallelize_hsdp as parallelize_hybrid\n\n'
                   '__all__ = ["mesh_dims", "parallelize_hybrid", "parallelize_fsdp",'),
    }
    diff = _analyse(tmp_path, new)
    assert _major(diff) == []
    assert ("A303", "d9d.module.parallelism.api.mesh_dims") in _codes(diff)


def test_strategy_functions_are_configurable(tmp_path: Path) -> None:
    # Fires only with a glob that names the plan: the configuration decides what a strategy function is.
    config = ApiConfig(strategy_functions=["*.module.parallelism.model.*.parallelize_*"])
    diff = _analyse(tmp_path, QWEN3_DENSE, config)
    assert _major(diff) == [("A203", "d9d.module.parallelism.model.qwen3_dense")]


# -- issue #8, part 2: major new API ----------------------------------------------------------------------------

#: d9d 13bcc3d in small: a new event package, and a registration hook on two existing ABCs.
EVENT_BUS: dict[str, str | None] = {
    "d9d/loop/event/__init__.py": '''
        from .core import Event, EventBus, TContext
        from .reflection import subscribe

        __all__ = ["Event", "EventBus", "TContext", "subscribe"]
    ''',
    "d9d/loop/event/core.py": '''
        from typing import TypeVar

        TContext = TypeVar("TContext")


        class Event:
            id: str = ""


        class EventBus:
            def subscribe(self, event, handler):
                return None
    ''',
    "d9d/loop/event/reflection.py": "def subscribe(event):\n    return event\n",
    **_replace(_PROVIDER, "    def dump_hparams(self):",
               "    def register_events(self, context):\n        pass\n\n    def dump_hparams(self):"),
}


def test_event_bus_is_major(tmp_path: Path) -> None:
    diff = _analyse(tmp_path, EVENT_BUS)
    assert _major(diff) == [
        ("A204", "d9d.loop.event"),  # fires: a new package exporting two new classes
        ("A205", "d9d.loop.control.ModelProvider.register_events"),  # fires: a new hook on an existing ABC
    ]
    # The hook is still listed as an addition; the package replaces its plain A301.
    assert ("A303", "d9d.loop.control.ModelProvider.register_events") in _codes(diff)
    assert ("A301", "d9d.loop.event") not in _codes(diff)


@pytest.mark.parametrize(("name", "files", "config"), [
    # Does not fire: a new model package (api.major-exclude), however many classes it exports.
    ("model-package", {k: v for k, v in QWEN3_DENSE.items() if "/model/qwen3_dense/" in k}, None),
    # Does not fire: a new package that only exports functions.
    ("functions-only", {"d9d/loop/util/__init__.py": "from .fns import a, b\n\n__all__ = ['a', 'b']\n",
                        "d9d/loop/util/fns.py": "def a():\n    pass\n\n\ndef b():\n    pass\n"}, None),
    # Does not fire: one new class is below the default threshold of two.
    ("one-class", {"d9d/loop/clock/__init__.py": "from .clock import Clock\n\n__all__ = ['Clock']\n",
                   "d9d/loop/clock/clock.py": "class Clock:\n    pass\n"}, None),
    # Does not fire: the event package with the rule turned off.
    ("rule-off", {k: v for k, v in EVENT_BUS.items() if "/event/" in k}, ApiConfig(major_new_package_classes=0)),
    # Does not fire: the event package where the project says new loop packages are leaf additions.
    ("excluded", {k: v for k, v in EVENT_BUS.items() if "/event/" in k}, ApiConfig(major_exclude=["d9d.loop.*"])),
])
def test_new_package_near_misses(tmp_path: Path, name: str, files: dict[str, str | None],
                                 config: ApiConfig | None) -> None:
    diff = _analyse(tmp_path, files, config)
    assert _major(diff) == [], name
    assert any(c.code == "A301" for c in diff.changes), name


def test_moved_package_is_no_subsystem(tmp_path: Path) -> None:
    # Does not fire A204: `d9d.telemetry` is `d9d.metric` under a new name; its classes moved with it (the
    # removed package is A102, which stands for the moves of its names).
    files = {"d9d/metric/__init__.py": None, "d9d/metric/impl.py": None,
             "d9d/telemetry/__init__.py": "from .impl import Mean, Sum\n\n__all__ = ['Mean', 'Sum']\n",
             "d9d/telemetry/impl.py": BASE["d9d/metric/impl.py"]}
    assert _major(_analyse(tmp_path, files)) == [("A102", "d9d.metric")]


def test_threshold_is_configurable(tmp_path: Path) -> None:
    # Fires with a threshold of one: a single new class is enough when the project says so.
    files = {"d9d/loop/clock/__init__.py": "from .clock import Clock\n\n__all__ = ['Clock']\n",
             "d9d/loop/clock/clock.py": "class Clock:\n    pass\n"}
    diff = _analyse(tmp_path, files, ApiConfig(major_new_package_classes=1))
    assert _major(diff) == [("A204", "d9d.loop.clock")]


def _provider(old: str, new: str) -> dict[str, str | None]:
    return _replace(_PROVIDER, old, new)  # type: ignore[return-value]


@pytest.mark.parametrize(("name", "files", "expected"), [
    # Fires: a hook name on an existing ABC that already had hooks.
    ("second-hook", _provider("        pass\n\n\nclass Stateful",
                              "        pass\n\n    def on_epoch_end(self, context):\n        pass\n\n\n"
                              "class Stateful"),
     [("A205", "d9d.loop.control.BaseTask.on_epoch_end")]),
    # Does not fire: a new method with a hook name on a concrete class.
    ("concrete-class", _provider("    def train(self):", "    def register_callbacks(self, bus):\n        pass\n\n"
                                 "    def train(self):"), []),
    # Does not fire: a new non-hook method on an existing ABC.
    ("non-hook-method", _provider("    def dump_hparams(self):", "    def describe(self):\n        return ''\n\n"
                                  "    def dump_hparams(self):"), []),
    # Fires A113, not A205: a new abstract hook breaks every implementer.
    ("abstract-hook", _provider("    def dump_hparams(self):", "    @abc.abstractmethod\n"
                                "    def register_events(self, context): ...\n\n    def dump_hparams(self):"),
     [("A113", "d9d.loop.control.ModelProvider.register_events")]),
    # Fires A113, not A205: any new member of a Protocol is required of its implementers.
    ("protocol-hook", _provider("    def state_dict(self) -> dict: ...",
                                "    def state_dict(self) -> dict: ...\n\n    def on_load(self) -> None: ..."),
     [("A113", "d9d.loop.control.Stateful.on_load")]),
    # Does not fire: a private hook-like name.
    ("private-hook", _provider("    def dump_hparams(self):", "    def _register_events(self, context):\n"
                               "        pass\n\n    def dump_hparams(self):"), []),
])
def test_extension_points(tmp_path: Path, name: str, files: dict[str, str | None],
                          expected: list[tuple[str, str]]) -> None:
    assert _major(_analyse(tmp_path, files)) == expected, name


def test_overriding_an_existing_hook_is_no_extension_point(tmp_path: Path) -> None:
    # Does not fire: an abstract subclass that overrides the base's existing `on_step_end`.
    old = {"d9d/loop/control/lm.py": "from .provider import BaseTask\n\n\nclass LMTask(BaseTask):\n    pass\n",
           **_replace(_CONTROL, '__all__ = ["BaseTask",', 'from .lm import LMTask\n\n__all__ = ["LMTask", "BaseTask",')}
    new = {"d9d/loop/control/lm.py": "from .provider import BaseTask\n\n\nclass LMTask(BaseTask):\n"
                                     "    def on_step_end(self, context):\n        return None\n"}
    assert _major(_analyse(tmp_path, new, old=old)) == []


def test_extension_hooks_are_configurable(tmp_path: Path) -> None:
    files = _provider("    def dump_hparams(self):", "    def describe(self):\n        return ''\n\n"
                      "    def dump_hparams(self):")
    diff = _analyse(tmp_path, files, ApiConfig(extension_hooks=["describe"]))
    assert _major(diff) == [("A205", "d9d.loop.control.ModelProvider.describe")]
    assert _major(_analyse(tmp_path / "off", EVENT_BUS, ApiConfig(extension_hooks=[]))) == [("A204", "d9d.loop.event")]


# -- the verdict ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("files", "verdict"), [(EVENT_BUS, "required"), (QWEN3_DENSE, "review")])
def test_verdict(run_cli, tmp_path: Path, files: dict[str, str | None], verdict: str) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    base = repo.commit("chore: base", BASE)  # type: ignore[arg-type]
    head = repo.commit("feat: change", files)
    result = run_cli("check", "--repo", str(repo.path), "--base", base, "--head", head, "--format", "json")
    assert result.code in (0, 1), result
    assert json.loads(result.out)["verdict"] == verdict
