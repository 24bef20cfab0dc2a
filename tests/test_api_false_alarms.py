"""False alarms of the API differ (issue #8), each next to the real break it must still report.

Every test builds a real git repository with a base and a head commit and runs `analyze()` on them.
A false-alarm test asserts the exact set of `(code, symbol)` pairs (often none); its companion makes
the same kind of edit in a way that really breaks callers and asserts that the break is reported.
"""

from __future__ import annotations

import pytest

from depgate.api import ApiDiff, analyze
from depgate.config import ApiConfig
from depgate.git import Git
from gitrepo import GitRepo

INIT = "from .core import Option, Parameter\n\n__all__ = ['Option', 'Parameter']\n"


def _analyze(repo: GitRepo, old: dict[str, str | None], new: dict[str, str | None]) -> ApiDiff:
    base = repo.commit("base", old)
    head = repo.commit("head", new)
    git = Git(repo.path)
    diff = analyze(git, base, head, git.changed_files(base, head), ApiConfig())
    assert diff.problems == ()
    return diff


def _codes(diff: ApiDiff) -> set[tuple[str, str]]:
    return {(c.code, c.symbol) for c in diff.changes}


# -- 1. an override removed while the base class keeps the method -------------------------------------------

PARAMETER = "class Parameter:\n    def get_default(self, ctx, call=True):\n        return None\n\n\n"
OPTION = ("class Option(Parameter):\n    def get_default(self, ctx, call=True):\n        return 1\n\n"
          "    def show(self): ...\n")
OPTION_WITHOUT = "class Option(Parameter):\n    def show(self): ...\n"


def test_override_removed_but_inherited_is_not_removal(git_repo: GitRepo) -> None:
    # Does not fire: Option.get_default is still there, inherited from Parameter with the same signature.
    diff = _analyze(git_repo, {"pkg/__init__.py": INIT, "pkg/core.py": PARAMETER + OPTION},
                    {"pkg/core.py": PARAMETER + OPTION_WITHOUT})
    assert _codes(diff) == set()


def test_override_removed_and_base_lacks_it_is_removal(git_repo: GitRepo) -> None:
    # Fires: nothing provides Option.get_default any more.
    lacking = "class Parameter:\n    def name(self): ...\n\n\n"
    diff = _analyze(git_repo, {"pkg/__init__.py": INIT, "pkg/core.py": lacking + OPTION},
                    {"pkg/core.py": lacking + OPTION_WITHOUT})
    assert _codes(diff) == {("A101", "pkg.Option.get_default")}


def test_override_removed_and_inherited_signature_differs_is_reported(git_repo: GitRepo) -> None:
    # Fires: the inherited method lacks the override's `call` parameter.
    narrower = PARAMETER.replace("ctx, call=True", "ctx")
    diff = _analyze(git_repo, {"pkg/__init__.py": INIT, "pkg/core.py": narrower + OPTION},
                    {"pkg/core.py": narrower + OPTION_WITHOUT})
    assert _codes(diff) == {("A105", "pkg.Option.get_default")}


def test_override_removed_with_unresolved_ancestor_is_removal(git_repo: GitRepo) -> None:
    # Fires (fails closed): a base outside the project may define the name first, with another signature.
    mixed = "from torch import nn\n\n\n" + PARAMETER
    bases = ("(Parameter)", "(nn.Module, Parameter)")
    diff = _analyze(git_repo, {"pkg/__init__.py": INIT, "pkg/core.py": mixed + OPTION.replace(*bases)},
                    {"pkg/core.py": mixed + OPTION_WITHOUT.replace(*bases)})
    assert _codes(diff) == {("A101", "pkg.Option.get_default")}


def test_override_removed_and_base_has_it_abstract_is_removal(git_repo: GitRepo) -> None:
    # Fires: the inherited method is abstract, so Option cannot be instantiated any more.
    abstract = ("import abc\n\n\nclass Parameter(abc.ABC):\n    @abc.abstractmethod\n"
                "    def get_default(self, ctx, call=True): ...\n\n\n")
    diff = _analyze(git_repo, {"pkg/__init__.py": INIT, "pkg/core.py": abstract + OPTION},
                    {"pkg/core.py": abstract + OPTION_WITHOUT})
    assert _codes(diff) == {("A101", "pkg.Option.get_default")}


def test_attribute_removed_but_inherited_is_not_removal(git_repo: GitRepo) -> None:
    # Does not fire: the class attribute is still readable through the base class.
    base = "class Parameter:\n    kind = 'param'\n\n\n"
    diff = _analyze(git_repo, {"pkg/__init__.py": INIT,
                               "pkg/core.py": base + "class Option(Parameter):\n    kind = 'option'\n"},
                    {"pkg/core.py": base + "class Option(Parameter):\n    pass\n"})
    assert _codes(diff) == set()


# -- 2. a Protocol re-declaring a member of its base ----------------------------------------------------------

PROTOCOLS = '''
    from typing import Protocol


    class Reader(Protocol):
        def read(self) -> bytes: ...


    class Stream(Reader, Protocol):
        def close(self) -> None: ...
'''
STREAM_INIT = "from .io import Reader, Stream\n\n__all__ = ['Reader', 'Stream']\n"


def test_protocol_redeclaring_inherited_member_is_not_new_abstract_member(git_repo: GitRepo) -> None:
    # Does not fire: every implementation of Stream already had to provide `read` (through Reader).
    redeclared = PROTOCOLS + "\n        def read(self) -> bytes: ...\n"
    diff = _analyze(git_repo, {"pkg/__init__.py": STREAM_INIT, "pkg/io.py": PROTOCOLS}, {"pkg/io.py": redeclared})
    assert _codes(diff) == set()


def test_protocol_gaining_a_member_is_new_abstract_member(git_repo: GitRepo) -> None:
    # Fires: `seek` is new to every implementation of Stream.
    gained = PROTOCOLS + "\n        def seek(self, offset: int) -> None: ...\n"
    diff = _analyze(git_repo, {"pkg/__init__.py": STREAM_INIT, "pkg/io.py": PROTOCOLS}, {"pkg/io.py": gained})
    assert _codes(diff) == {("A113", "pkg.Stream.seek")}


def test_abstract_redeclaring_a_concrete_inherited_method_is_new_abstract_member(git_repo: GitRepo) -> None:
    # Fires: implementations used to inherit `close` from Base and must now write it.
    old = ("import abc\n\n\nclass Base(abc.ABC):\n    def close(self):\n        return None\n\n"
           "    @abc.abstractmethod\n    def run(self): ...\n\n\nclass Stream(Base):\n    pass\n")
    new = old.replace("class Stream(Base):\n    pass\n",
                      "class Stream(Base):\n    @abc.abstractmethod\n    def close(self): ...\n")
    diff = _analyze(git_repo, {"pkg/__init__.py": "from .io import Base, Stream\n\n__all__ = ['Base', 'Stream']\n",
                               "pkg/io.py": old}, {"pkg/io.py": new})
    assert _codes(diff) == {("A113", "pkg.Stream.close")}


# -- 3. a base class that only moved module --------------------------------------------------------------------

BASES = {
    "pkg/__init__.py": "from .base import Base\nfrom .impl import Impl\n\n__all__ = ['Base', 'Impl']\n",
    "pkg/base.py": "class Base:\n    def run(self): ...\n",
    "pkg/impl.py": "from .base import Base\n\n\nclass Impl(Base):\n    pass\n",
}


def test_base_class_moved_module_is_not_base_removed(git_repo: GitRepo) -> None:
    # Does not fire: `base.py` renamed to `bases.py`; `pkg.Base` is the same class at both revisions.
    diff = _analyze(git_repo, BASES, {
        "pkg/base.py": None, "pkg/bases.py": BASES["pkg/base.py"],
        "pkg/__init__.py": BASES["pkg/__init__.py"].replace(".base ", ".bases "),
        "pkg/impl.py": BASES["pkg/impl.py"].replace(".base ", ".bases "),
    })
    assert _codes(diff) == set()


def test_base_class_moved_behind_old_module_is_not_base_removed(git_repo: GitRepo) -> None:
    # Does not fire: the old module re-exports the class from its new home, so the old path resolves to it.
    diff = _analyze(git_repo, BASES, {
        "pkg/base.py": "from .bases import Base\n", "pkg/bases.py": BASES["pkg/base.py"],
        "pkg/impl.py": BASES["pkg/impl.py"].replace(".base ", ".bases "),
    })
    assert _codes(diff) == set()


def test_base_class_really_removed_is_base_removed(git_repo: GitRepo) -> None:
    # Fires: Impl no longer derives from Base at all.
    diff = _analyze(git_repo, BASES, {"pkg/impl.py": "class Impl:\n    pass\n"})
    assert _codes(diff) == {("A112", "pkg.Impl")}


def test_base_class_swapped_for_a_lookalike_is_base_removed(git_repo: GitRepo) -> None:
    # Fires: a new class of the same name in another module is not the public `pkg.Base`.
    diff = _analyze(git_repo, BASES, {"pkg/other.py": BASES["pkg/base.py"],
                                      "pkg/impl.py": BASES["pkg/impl.py"].replace(".base ", ".other ")})
    assert _codes(diff) == {("A112", "pkg.Impl")}


# -- 4. an attribute that became a cached property --------------------------------------------------------------

MODEL = "import functools\n\n\nclass Model:\n    def __init__(self):\n        self.size = 1\n"
MODEL_INIT = "from .model import Model\n\n__all__ = ['Model']\n"


def test_attribute_became_cached_property_is_not_kind_change(git_repo: GitRepo) -> None:
    # Does not fire: reading and assigning `model.size` work the same on a functools.cached_property.
    new = MODEL.replace("self.size = 1", "pass") + (
        "\n    @functools.cached_property\n    def size(self):\n        return 1\n")
    diff = _analyze(git_repo, {"pkg/__init__.py": MODEL_INIT, "pkg/model.py": MODEL}, {"pkg/model.py": new})
    assert _codes(diff) == set()


def test_attribute_became_read_only_property_is_kind_change(git_repo: GitRepo) -> None:
    # Fires: `model.size = 2` now raises AttributeError.
    new = MODEL.replace("self.size = 1", "pass") + "\n    @property\n    def size(self):\n        return 1\n"
    diff = _analyze(git_repo, {"pkg/__init__.py": MODEL_INIT, "pkg/model.py": MODEL}, {"pkg/model.py": new})
    assert _codes(diff) == {("A104", "pkg.Model.size")}


def test_class_attribute_became_cached_property_is_kind_change(git_repo: GitRepo) -> None:
    # Fires: `Model.size`, read on the class, now gives the descriptor instead of the value.
    old = "import functools\n\n\nclass Model:\n    size = 1\n"
    new = "import functools\n\n\nclass Model:\n    @functools.cached_property\n    def size(self):\n        return 1\n"
    diff = _analyze(git_repo, {"pkg/__init__.py": MODEL_INIT, "pkg/model.py": old}, {"pkg/model.py": new})
    assert _codes(diff) == {("A104", "pkg.Model.size")}


# -- 5. a keyword-only parameter removed while `**kwargs` still takes it ---------------------------------------

FUNC_INIT = "from .api import f\n\n__all__ = ['f']\n"


def test_keyword_only_parameter_absorbed_by_var_keyword_is_not_removal(git_repo: GitRepo) -> None:
    # Does not fire: `f(1, b=2)` still binds `b`, now inside `**kw`.
    diff = _analyze(git_repo, {"pkg/__init__.py": FUNC_INIT, "pkg/api.py": "def f(a, *, b=1, **kw): ...\n"},
                    {"pkg/api.py": "def f(a, **kw): ...\n"})
    assert _codes(diff) == set()


def test_positional_parameter_removed_beside_var_keyword_is_removal(git_repo: GitRepo) -> None:
    # Fires: `f(1, 2)` passed `b` by position; `**kw` does not take positional arguments.
    diff = _analyze(git_repo, {"pkg/__init__.py": FUNC_INIT, "pkg/api.py": "def f(a, b=1, **kw): ...\n"},
                    {"pkg/api.py": "def f(a, **kw): ...\n"})
    assert _codes(diff) == {("A105", "pkg.f")}


def test_keyword_only_parameter_removed_without_var_keyword_is_removal(git_repo: GitRepo) -> None:
    # Fires: nothing takes `b=` any more.
    diff = _analyze(git_repo, {"pkg/__init__.py": FUNC_INIT, "pkg/api.py": "def f(a, *, b=1): ...\n"},
                    {"pkg/api.py": "def f(a): ...\n"})
    assert _codes(diff) == {("A105", "pkg.f")}


# -- 6. one object public at several paths is one finding -----------------------------------------------------

ATTENTION = {
    "pkg/__init__.py": "__all__ = []\n",
    "pkg/attention/__init__.py": "from .dsa import Sparse, Window\n\n__all__ = ['Sparse', 'Window']\n",
    "pkg/attention/dsa/__init__.py": "from .impl import Sparse, Window\n\n__all__ = ['Sparse', 'Window']\n",
    "pkg/attention/dsa/impl.py": "class Sparse:\n    pass\n\n\nclass Window:\n    pass\n",
}


def test_reexported_class_removed_is_one_finding_with_its_other_paths(git_repo: GitRepo) -> None:
    # Fires once: Sparse was public at two paths; both are gone.
    diff = _analyze(git_repo, ATTENTION, {
        "pkg/attention/__init__.py": "from .dsa import Window\n\n__all__ = ['Window']\n",
        "pkg/attention/dsa/__init__.py": "from .impl import Window\n\n__all__ = ['Window']\n",
        "pkg/attention/dsa/impl.py": "class Window:\n    pass\n",
    })
    assert [(c.code, c.symbol, c.also) for c in diff.changes] == [
        ("A101", "pkg.attention.Sparse", ("pkg.attention.dsa.Sparse",))]
    assert "(also public as pkg.attention.dsa.Sparse)" in diff.changes[0].message
    assert diff.changes[0].as_dict()["also"] == ["pkg.attention.dsa.Sparse"]


def test_also_follows_the_documented_change_schema(git_repo: GitRepo) -> None:
    import json
    from pathlib import Path

    import jsonschema

    from depgate.report.model import change_dict

    text = (Path(__file__).parent.parent / "docs" / "report.md").read_text(encoding="utf-8")
    schema = json.loads(text[text.index("\n## JSON Schema\n"):].split("```json\n", 1)[1].split("\n```", 1)[0])
    change_schema = {"$defs": schema["$defs"], **schema["$defs"]["change"], "additionalProperties": False}
    diff = _analyze(git_repo, ATTENTION, {"pkg/attention/dsa/impl.py": "class Window:\n    pass\n"})
    [change] = diff.changes
    assert change.also == ("pkg.attention.dsa.Sparse",)
    jsonschema.validate(change_dict(change), change_schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**change_dict(change), "also": "pkg.attention.dsa.Sparse"}, change_schema)


def test_one_of_two_public_paths_removed_is_removal_of_that_path(git_repo: GitRepo) -> None:
    # Fires: `pkg.attention.Sparse` is gone although `pkg.attention.dsa.Sparse` stays.
    diff = _analyze(git_repo, ATTENTION, {
        "pkg/attention/__init__.py": "from .dsa import Window\n\n__all__ = ['Window']\n"})
    assert [(c.code, c.symbol, c.also) for c in diff.changes] == [("A101", "pkg.attention.Sparse", ())]
    assert "also" not in diff.changes[0].as_dict()
    assert "also public" not in diff.changes[0].message


def test_reexported_class_added_is_one_finding_with_its_other_paths(git_repo: GitRepo) -> None:
    # Advisory once: Dense is new at two paths.
    diff = _analyze(git_repo, ATTENTION, {
        "pkg/attention/__init__.py": "from .dsa import Dense, Sparse, Window\n\n"
                                     "__all__ = ['Dense', 'Sparse', 'Window']\n",
        "pkg/attention/dsa/__init__.py": "from .impl import Dense, Sparse, Window\n\n"
                                         "__all__ = ['Dense', 'Sparse', 'Window']\n",
        "pkg/attention/dsa/impl.py": ATTENTION["pkg/attention/dsa/impl.py"] + "\n\nclass Dense:\n    pass\n",
    })
    assert [(c.code, c.symbol, c.also) for c in diff.changes] == [
        ("A302", "pkg.attention.Dense", ("pkg.attention.dsa.Dense",))]


def test_reexported_class_changed_kind_is_one_finding_with_its_other_paths(git_repo: GitRepo) -> None:
    # Fires once: Window became a function, seen at two paths.
    diff = _analyze(git_repo, ATTENTION, {
        "pkg/attention/dsa/impl.py": "class Sparse:\n    pass\n\n\ndef Window():\n    pass\n"})
    assert [(c.code, c.symbol, c.also) for c in diff.changes] == [
        ("A104", "pkg.attention.Window", ("pkg.attention.dsa.Window",))]


# -- 7. a moved class whose members changed too ----------------------------------------------------------------

OLD_HOME = {
    "pkg/__init__.py": "__all__ = []\n",
    "pkg/old/__init__.py": "from .impl import Trainer\n\n__all__ = ['Trainer']\n",
    "pkg/old/impl.py": "class Trainer:\n    def fit(self, data, epochs=1): ...\n",
}
NEW_HOME = {"pkg/old/__init__.py": "__all__ = []\n", "pkg/old/impl.py": None,
            "pkg/new/__init__.py": "from .impl import Trainer\n\n__all__ = ['Trainer']\n"}


def test_moved_class_unchanged_is_only_a_move(git_repo: GitRepo) -> None:
    # Fires once, as the move: the class itself did not change.
    diff = _analyze(git_repo, OLD_HOME, {**NEW_HOME, "pkg/new/impl.py": OLD_HOME["pkg/old/impl.py"]})
    assert _codes(diff) == {("A103", "pkg.old.Trainer"), ("A301", "pkg.new")}


def test_moved_class_whose_method_lost_a_parameter_reports_both(git_repo: GitRepo) -> None:
    # Fires twice: the move, and `epochs` removed from the method of the moved class.
    narrower = "class Trainer:\n    def fit(self, data): ...\n"
    diff = _analyze(git_repo, OLD_HOME, {**NEW_HOME, "pkg/new/impl.py": narrower})
    assert _codes(diff) == {("A103", "pkg.old.Trainer"), ("A301", "pkg.new"), ("A105", "pkg.new.Trainer.fit")}


def test_class_moved_behind_same_public_path_whose_method_lost_a_parameter(git_repo: GitRepo) -> None:
    # Fires: `pkg.Trainer` is defined in another file now, and its method lost `epochs`.
    old = {"pkg/__init__.py": "from .a import Trainer\n\n__all__ = ['Trainer']\n",
           "pkg/a.py": "class Trainer:\n    def fit(self, data, epochs=1): ...\n"}
    diff = _analyze(git_repo, old, {"pkg/__init__.py": old["pkg/__init__.py"].replace(".a ", ".b "), "pkg/a.py": None,
                                    "pkg/b.py": "class Trainer:\n    def fit(self, data): ...\n"})
    assert _codes(diff) == {("A105", "pkg.Trainer.fit")}


# -- 8. a name kept importable by a deprecating module `__getattr__` ------------------------------------------

STREAMS = {
    "pkg/__init__.py": "from .streams import get_binary_stream, open_file\n\n"
                       "__all__ = ['get_binary_stream', 'open_file']\n",
    "pkg/streams.py": "def get_binary_stream(name): ...\n\n\ndef open_file(path): ...\n",
}
GETATTR = '''
    import warnings

    from .streams import open_file

    __all__ = ["open_file"]


    def __getattr__(name):
        if name == {name!r}:
            {warn}
            from .streams import get_binary_stream

            return get_binary_stream
        raise AttributeError(name)
'''
WARN = 'warnings.warn("get_binary_stream is deprecated", DeprecationWarning, stacklevel=2)'


def test_name_kept_by_deprecating_getattr_is_a_deprecation(git_repo: GitRepo) -> None:
    # Advisory: the name still imports, with a DeprecationWarning.
    diff = _analyze(git_repo, STREAMS, {"pkg/__init__.py": GETATTR.format(name="get_binary_stream", warn=WARN)})
    assert _codes(diff) == {("A120", "pkg.get_binary_stream")}
    assert not diff.changes[0].breaking


def test_name_not_mentioned_by_getattr_is_removal(git_repo: GitRepo) -> None:
    # Fires (fails closed): `__getattr__` handles another name; depgate cannot tell what it returns.
    diff = _analyze(git_repo, STREAMS, {"pkg/__init__.py": GETATTR.format(name="get_text_stream", warn=WARN)})
    assert _codes(diff) == {("A101", "pkg.get_binary_stream")}
    assert "`pkg` defines `__getattr__`, which depgate cannot evaluate; the name is treated as removed" in (
        diff.changes[0].message)


def test_name_returned_by_getattr_without_warning_is_removal(git_repo: GitRepo) -> None:
    # Fires (fails closed): no deprecation warning, so depgate does not claim the name is deprecated.
    diff = _analyze(git_repo, STREAMS, {"pkg/__init__.py": GETATTR.format(name="get_binary_stream", warn="pass")})
    assert _codes(diff) == {("A101", "pkg.get_binary_stream")}


@pytest.mark.parametrize("category", ["FutureWarning", "warnings.DeprecationWarning"])
def test_getattr_warning_forms(git_repo: GitRepo, category: str) -> None:
    # Advisory: other spellings of a deprecation warning count too.
    warn = WARN.replace("DeprecationWarning", category)
    diff = _analyze(git_repo, STREAMS, {"pkg/__init__.py": GETATTR.format(name="get_binary_stream", warn=warn)})
    assert _codes(diff) == {("A120", "pkg.get_binary_stream")}


# -- a Protocol that inlines an outside base's members (d9d 2598a46) ------------------------------------------------

_PROTO_OLD = {
    "pkg/__init__.py": "from .proto import OptimizerProtocol\n\n__all__ = ['OptimizerProtocol']\n",
    "pkg/proto.py": "from typing import Protocol\n\nfrom torch.distributed.checkpoint.stateful import Stateful\n\n\n"
                    "class OptimizerProtocol(Stateful, Protocol):\n    def step(self): ...\n",
}
_INLINED = ("from typing import Any, Protocol\n\n\nclass OptimizerProtocol(Protocol):\n    def step(self): ...\n\n"
            "    def state_dict(self) -> dict[str, Any]: ...\n\n"
            "    def load_state_dict(self, state_dict: dict[str, Any]) -> None: ...\n")


def test_protocol_inlining_an_outside_protocol_is_not_a_break(git_repo: GitRepo) -> None:
    # Fires nothing: torch's Stateful declares exactly these two members (`api.external-members`).
    assert _codes(_analyze(git_repo, _PROTO_OLD, {"pkg/proto.py": _INLINED})) == set()


def test_protocol_dropping_an_outside_protocol_without_its_members_is_a_break(git_repo: GitRepo) -> None:
    # Fires: the base went and its members did not come with it.
    proto = "from typing import Protocol\n\n\nclass OptimizerProtocol(Protocol):\n    def step(self): ...\n"
    new = {"pkg/proto.py": proto}
    assert _codes(_analyze(git_repo, _PROTO_OLD, new)) == {("A112", "pkg.OptimizerProtocol")}


def test_protocol_gaining_a_member_no_outside_base_declares_is_a_break(git_repo: GitRepo) -> None:
    # Fires: `zero_grad` is new, whatever Stateful declares.
    new = {"pkg/proto.py": _INLINED + "\n    def zero_grad(self): ...\n"}
    assert _codes(_analyze(git_repo, _PROTO_OLD, new)) == {("A113", "pkg.OptimizerProtocol.zero_grad")}
