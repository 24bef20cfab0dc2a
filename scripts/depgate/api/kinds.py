"""The kinds of public-API change depgate reports (codes `A...`), and the `ApiChange` record.

`A1xx` are breaking changes (but A120, a deprecation that keeps the name importable), `A2xx` are
DEP-relevant additions (a new abstraction or a new distributed strategy), `A3xx` are advisory additions
and `A9xx` are analysis problems (a file that does not parse) and policy findings about a change (A920: a break
without deprecation; A930: a new or changed public object without a docstring).
Codes are stable: never renumber or reuse one.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from depgate.diagnostics import Location, Severity
from depgate.rules import Rule

_API = "api"


class Category(str, enum.Enum):
    """What a change means for the pull request's verdict."""

    BREAKING = "breaking"
    ABSTRACTION = "abstraction"
    STRATEGY = "strategy"
    ADDITION = "addition"
    #: A breaking change under an `api.experimental` path: reported, and it makes the verdict `review` at most.
    EXPERIMENTAL = "experimental"


def _rule(code: str, name: str, severity: Severity, summary: str, rationale: str, fix: str,
          bad: str = "", good: str = "", **behaviour: bool) -> Rule:
    return Rule(code, name, severity, summary, rationale, fix, _API, example_bad=bad, example_good=good, **behaviour)


_B, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO
_DEPRECATE = "Keep the old form working (an alias or a deprecated wrapper) for a release, or record the break in a DEP."

# -- A1xx: breaking ------------------------------------------------------------------------------------------
SYMBOL_REMOVED = _rule(
    "A101", "public-symbol-removed", _B,
    "A public class, function, attribute or method must not disappear.",
    "Code that imports or calls the name stops working with an ImportError or AttributeError.",
    _DEPRECATE, "__all__ = ['Trainer', 'Hook']", "__all__ = ['Trainer']  # Hook removed", at_base=True)
MODULE_REMOVED = _rule(
    "A102", "public-module-removed", _B,
    "A public module or package must not disappear.",
    "Every `import` of the module fails.", _DEPRECATE,
    '# d9d/offload/__init__.py deleted', '# d9d/offload/__init__.py kept, re-exporting from the new place',
    at_base=True)
SYMBOL_MOVED = _rule(
    "A103", "public-symbol-moved", _B,
    "A public name moved to another path must stay importable from its old path.",
    "Imports of the old path fail although the object still exists elsewhere.",
    "Re-export the name from its old module (and list it in that `__all__`) until a major release.",
    "# d9d/metrics/__init__.py no longer exports Metric", "from d9d.telemetry import Metric  # kept for compatibility")
KIND_CHANGED = _rule(
    "A104", "symbol-kind-changed", _B,
    "A public name must keep its kind (class, function, attribute, module).",
    "Turning a class into a function breaks subclassing and isinstance; the reverse changes call semantics.",
    _DEPRECATE,
    'class build_model: ...  # was `def build_model(...)`', 'def build_model(...): ...  # unchanged kind')
PARAMETER_REMOVED = _rule(
    "A105", "parameter-removed", _B,
    "A parameter of a public callable must not be removed.",
    "Calls that pass it fail with a TypeError.", "Keep the parameter and ignore it with a deprecation warning.",
    "def build(model, mesh): ...", "def build(model): ...  # mesh removed")
PARAMETER_RENAMED = _rule(
    "A106", "parameter-renamed", _B,
    "A parameter of a public callable must keep its name.",
    "Calls that pass it by keyword fail.", "Keep the old name, or make the parameter positional-only first.",
    'def shard(tensor, device_mesh): ...  # was `mesh`', 'def shard(tensor, mesh): ...')
PARAMETER_MOVED = _rule(
    "A107", "parameter-reordered", _B,
    "Positional parameters of a public callable must keep their order.",
    "Positional calls silently bind values to the wrong parameters.", "Append new parameters at the end.",
    'def shard(mesh, tensor): ...  # was (tensor, mesh)', 'def shard(tensor, mesh): ...')
PARAMETER_KIND_CHANGED = _rule(
    "A108", "parameter-kind-changed", _B,
    "A parameter must not become positional-only or keyword-only when it was not.",
    "Calls passing it the other way fail with a TypeError.", _DEPRECATE,
    'def shard(tensor, *, mesh): ...  # mesh was positional', 'def shard(tensor, mesh): ...')
PARAMETER_REQUIRED = _rule(
    "A109", "parameter-became-required", _B,
    "A parameter with a default must keep a default.",
    "Calls that relied on the default now fail.", "Restore a default (a sentinel if needed).",
    "def build(model, dtype): ...  # was dtype='bf16'", "def build(model, dtype='bf16'): ...")
REQUIRED_PARAMETER_ADDED = _rule(
    "A110", "required-parameter-added", _B,
    "A new parameter of a public callable must have a default.",
    "Every existing call lacks the argument and fails.", "Give the new parameter a default.",
    "def build(model): ...", "def build(model, mesh=None): ...")
DEFAULT_CHANGED = _rule(
    "A111", "parameter-default-changed", _B,
    "A parameter's default value must not change silently.",
    "Callers that omit the argument get different behaviour without any error.",
    "Keep the default, or document the behaviour change in a DEP.",
    'def build(model, *, compile=True): ...  # was False', 'def build(model, *, compile=False): ...')
BASE_REMOVED = _rule(
    "A112", "base-class-removed", _B,
    "A public class must keep its base classes (directly or through a new intermediate base).",
    "isinstance checks and inherited methods that users rely on disappear.", _DEPRECATE,
    'class DataParallel: ...  # was DataParallel(ParallelStrategy)', 'class DataParallel(ParallelStrategy): ...')
ABSTRACT_METHOD_ADDED = _rule(
    "A113", "abstract-method-added", _B,
    "A public ABC or Protocol must not gain a method its implementers have to provide.",
    "Every existing implementation outside the project stops instantiating (ABC) or conforming (Protocol).",
    "Give the method a default implementation, or record the break in a DEP.",
    "class ParallelStrategy(abc.ABC):\n    @abc.abstractmethod\n    def shard(self, mesh): ...",
    "class ParallelStrategy(abc.ABC):\n    def shard(self, mesh):\n        return None")
ATTRIBUTE_REMOVED = _rule(
    "A114", "attribute-removed", _B,
    "A public class attribute, pydantic field or dataclass field must not disappear.",
    "Code reading it fails, and configuration files setting a removed field no longer validate.", _DEPRECATE,
    "class TrainerConfig(BaseModel):\n    steps: int  # `lr` removed",
    "class TrainerConfig(BaseModel):\n    steps: int\n    lr: float = 1e-3", at_base=True)
FIELD_REQUIRED = _rule(
    "A115", "field-became-required", _B,
    "A pydantic or dataclass field with a default must keep a default.",
    "Existing configurations (or constructor calls) that omitted the field no longer validate.", "Restore a default.",
    'class TrainerConfig(BaseModel):\n    lr: float', 'class TrainerConfig(BaseModel):\n    lr: float = 1e-3')
REQUIRED_FIELD_ADDED = _rule(
    "A116", "required-field-added", _B,
    "A new field of a public pydantic model or dataclass must have a default.",
    "Every existing configuration (or constructor call) lacks the field and fails.", "Give the new field a default.",
    "class Cfg(BaseModel):\n    size: int", "class Cfg(BaseModel):\n    size: int = 1")
TYPE_ALIAS_NARROWED = _rule(
    "A117", "type-alias-narrowed", _B,
    "A public type alias (a union such as `Shard | None`, `Optional[X]`, or one annotated `TypeAlias`) must keep "
    "accepting every type it accepted.",
    "Code that builds values of a dropped member type (d9d's `ShardingSpecLeaf` dropped `Shard` and `None`) fails at "
    "run time or in type checking, although every name still imports.",
    "Keep the old members in the union for a release (handle them, or convert and warn), or record the break in a "
    "DEP.",
    "ShardingSpecLeaf = SpecReplicate | SpecShard  # was Shard | None",
    "ShardingSpecLeaf = SpecReplicate | SpecShard | Shard | None")
PUBLIC_NAME_DEPRECATED = _rule(
    "A120", "public-name-deprecated", _I,
    "A public name left `__all__` but the module's `__getattr__` still returns it with a deprecation warning.",
    "Imports keep working and warn; they break only when the `__getattr__` branch goes, which is a removal then.",
    "Nothing to fix now; remove the name in a later release and record that removal.",
    '__all__ = ["open_file"]\n\n\ndef __getattr__(name):\n    if name == "get_binary_stream":\n'
    '        warnings.warn("deprecated", DeprecationWarning, stacklevel=2)\n        return _get_binary_stream\n'
    '    raise AttributeError(name)')

# -- A2xx: DEP-relevant additions ----------------------------------------------------------------------------
NEW_ABSTRACTION = _rule(
    "A201", "new-abstraction", _W,
    "A new public ABC, Protocol or class with abstract methods is a new base abstraction and needs a DEP.",
    "Abstractions are the extension points users build on; they are hard to change once released.",
    "Link a DEP that describes the abstraction.",
    "class Offloader(abc.ABC):  # new, exported in __all__\n    @abc.abstractmethod\n    def offload(self, t): ...",
    "# the same class, with the DEP that describes it linked in the pull request")
NEW_STRATEGY_CLASS = _rule(
    "A202", "new-strategy", _W,
    "A new public subclass of a strategy base (`api.strategy-bases`) is a new distributed strategy.",
    "Distributed strategies change how training runs and need a design record. Being defined under a strategy "
    "path is not enough: a plain class there (a spec, a config) implements no strategy contract.",
    "Link a DEP that describes the strategy.",
    "class GPipeProgramBuilder(PipelineProgramBuilder): ...  # new, exported",
    "class GPipeConfig(BaseModel): ...  # new, but not a PipelineProgramBuilder: A302 only")
NEW_STRATEGY_MODULE = _rule(
    "A203", "new-strategy-module", _W,
    "A new module under a strategy path (`api.strategy-paths`) that defines a strategy implementation is a new "
    "distributed strategy.",
    "A strategy implementation (a subclass of a strategy base, a strategy function) changes how training runs even "
    "before a package exports it. A new module that only calls existing strategies, such as a model's "
    "parallelize plan, is not a new strategy; the rule is silent on it, and on implementations already reported "
    "as public (A202, A206).",
    "Link a DEP that describes the strategy.",
    "# new file d9d/pipelining/infra/schedule/program/gpipe.py, not yet exported\n"
    "class GPipeProgramBuilder(PipelineProgramBuilder): ...",
    "# new file d9d/module/parallelism/model/qwen3_dense.py\n"
    "def parallelize_qwen3_dense(ctx, model):\n    parallelize_hsdp(model.layers, mesh=ctx.mesh)  # existing strategy")
NEW_PUBLIC_SUBSYSTEM = _rule(
    "A204", "new-public-subsystem", _W,
    "A new public package that exports at least `api.major-new-package-classes` new classes is a new public "
    "subsystem and needs a DEP.",
    "A new base module (an event bus, an offload package, a metrics architecture) is an architecture decision users "
    "will build on; DEP-0001 names new base modules as needing a DEP. Leaf additions in `api.major-exclude` "
    "folders (a new model, block or kernel built on existing API) do not count, nor do packages that only export "
    "functions or that move existing classes.",
    "Link a DEP that describes the subsystem, or add the package's folder to `api.major-exclude` when new packages "
    "there are leaf additions.",
    "# new d9d/loop/event/__init__.py\nfrom .core import Event, EventBus\n\n__all__ = ['Event', 'EventBus']",
    "# new d9d/module/model/qwen3_dense/__init__.py (a model: excluded)\n"
    "from .model import Qwen3DenseModel\n\n__all__ = ['Qwen3DenseModel']")
NEW_EXTENSION_POINT = _rule(
    "A205", "new-extension-point", _W,
    "A new public hook method (a name matching `api.extension-hooks`) on an existing abstraction is a new "
    "extension point and needs a DEP.",
    "Subclasses of the abstraction are expected to override or call the hook, so its name, signature and call order "
    "become a contract. Only non-abstract methods are reported here: a new abstract method breaks implementers "
    "and is A113. Methods of concrete classes and hooks of brand-new classes are plain additions.",
    "Link a DEP that describes the hook, or rename a method that is not meant as a hook.",
    "class ModelProvider(abc.ABC):  # abstract at base\n"
    "    def register_events(self, context):  # new hook, no-op by default\n        pass",
    "class ModelProvider(abc.ABC):\n    def dump_hparams(self):  # new, not a hook name: A303 only\n        return {}")
NEW_STRATEGY_FUNCTION = _rule(
    "A206", "new-strategy-function", _W,
    "A new public function matching `api.strategy-functions` is a new distributed strategy.",
    "Some frameworks add strategies as functions (d9d's `parallelize_*` in `d9d.module.parallelism.api`); they "
    "change how training runs like a strategy class does. Functions elsewhere that call them (a model's "
    "parallelize plan) are not strategies.",
    "Link a DEP that describes the strategy.",
    "# d9d/module/parallelism/api/__init__.py\n__all__ = ['parallelize_fsdp', 'parallelize_hsdp']  # hsdp is new",
    "# d9d/module/parallelism/model/qwen3_dense.py\ndef parallelize_qwen3_dense(...): ...  # calls parallelize_hsdp")

# -- A3xx: advisory additions --------------------------------------------------------------------------------
MODULE_ADDED = _rule("A301", "public-module-added", _I, "A new public module was added.",
                     "Additions widen the surface the project must keep stable.", "Nothing to fix; review the name.",
    '# new package d9d/data/ whose __init__.py lists __all__')
CLASS_ADDED = _rule("A302", "public-class-added", _I, "A new public class was added.",
                    "Additions widen the surface the project must keep stable.", "Nothing to fix; review the name.",
    "__all__ = ['Loader']  # Loader is new")
FUNCTION_ADDED = _rule("A303", "public-function-added", _I, "A new public function or method was added.",
                       "Additions widen the surface the project must keep stable.", "Nothing to fix; review the name.",
    "__all__ = ['load']  # load is new")
ATTRIBUTE_ADDED = _rule("A304", "public-attribute-added", _I,
                        "A new public attribute, constant or field with a default was added.",
                        "Additions widen the surface the project must keep stable.", "Nothing to fix.",
    'class TrainerConfig(BaseModel):\n    seed: int = 0  # new')
PARAMETER_ADDED = _rule("A305", "parameter-added", _I, "A public callable gained an optional parameter.",
                        "Compatible for callers, but it widens the surface.", "Nothing to fix.",
    'def build(model, *, seed=0): ...  # seed is new')

# -- A9xx: analysis problems ---------------------------------------------------------------------------------
UNPARSABLE = _rule(
    "A901", "unparsable-file", _B,
    "A changed Python file that the public API depends on must be analysable, or depgate cannot vouch for it.",
    "depgate never runs the code. A file it cannot read statically (a syntax error, a symbolic link, an encoding "
    "that rewrites the text, a file too large or too deeply nested for the analysis) may hide any change to the "
    "names that depend on it, so it is never treated as empty or removed, and never lowers the verdict: it fails "
    "closed, and the change needs a DEP (or an override) until the file can be read.",
    "Fix the file (the message says what is wrong: fix the syntax, save it as UTF-8 without a rewriting coding line, "
    "replace the link by the file, split the generated code), or record why no DEP is needed with the override.",
    'def f(x:\n    ...', 'def f(x):\n    ...', fails_closed=True)
UNRESOLVED = _rule(
    "A902", "unresolved-public-name", _I,
    "Every name listed in `__all__` should be found statically.",
    "A name built at import time cannot be compared; depgate reports it instead of guessing. A name that was public "
    "at base and cannot be found at head is reported as removed (A101): depgate fails closed.",
    "Import or define the name plainly in the module that lists it.",
    "__all__ = ['Loader']  # Loader is created by setattr()", "from .loader import Loader\n\n__all__ = ['Loader']",
    forces_review=True)
DYNAMIC_ALL = _rule(
    "A903", "dynamic-all", _I,
    "`__all__` should be a literal list of strings.",
    "An `__all__` computed at import time cannot be read without running the code; the module's names "
    "are then taken by the underscore convention.",
    "Write `__all__` as a list of string literals.",
    "__all__ = [n for n in dir() if not n.startswith('_')]", "__all__ = ['Loader', 'load']")
DUPLICATE_PACKAGE = _rule(
    "A904", "duplicate-package", _B,
    "An analysed package must live in one place at head.",
    "A second folder with the same package name under another source root (a decoy `d9d/__init__.py` next to the "
    "real `src/d9d/`) decides what `import d9d` finds depending on the path it runs from. depgate analyses the "
    "folder the base revision uses and fails closed: it cannot vouch for the other one.",
    "Remove the second copy, or move the package in a change of its own (and configure `api.source-roots`).",
    "src/d9d/__init__.py\nd9d/__init__.py  # new, empty", "src/d9d/__init__.py", fails_closed=True)
UNPARSABLE_UNUSED = _rule(
    "A905", "unparsable-file-unused", _I,
    "A changed Python file that cannot be analysed is noted even when no public name depends on it.",
    "Nothing public imports the file, so it cannot change the public API; it is reported so the cause is known, "
    "and it does not decide the verdict.",
    "Fix the file when it is meant to parse.",
    "# d9d/tools/script.py, imported by no module\ndef f(:", "def f():")

REMOVED_WITHOUT_DEPRECATION = _rule(
    "A920", "removed-without-deprecation", _W,
    "A public object must be deprecated at the base revision before it is removed or broken "
    "(`api.deprecation-policy`).",
    "Users learn that a name will go from the warning a deprecation gives them; a removal or break without one "
    "reaches them as an ImportError or TypeError in the release that ships it. depgate recognises PEP 702 "
    "`@deprecated`, a `DeprecationWarning` or `FutureWarning` at the top of the body (of `__init__`/`__new__` for "
    "a class), `.. deprecated::` in the docstring and a module `__getattr__` shim; a `PendingDeprecationWarning` "
    "is hidden by default and does not count. The break still counts for the verdict either way. Objects under "
    "`api.experimental` paths carry no such promise and are not reported. Advisory by default (a warning); with "
    "the policy `required` the finding is an error and fails the check, whatever DEP is linked (an override "
    "lets it pass); `off` turns it off.",
    "Restore the object, deprecate it in a release first and remove it in a later one; or override.",
    "# base\ndef load(path): ...\n# head: load removed",
    '# base\n@deprecated("use read")\ndef load(path): ...\n# head: load removed, no finding',
    fails_check=True)

PUBLIC_OBJECT_UNDOCUMENTED = _rule(
    "A930", "public-object-undocumented", _I,
    "A public object the change adds or changes should have a docstring (DEP-0001's definition of done).",
    "DEP-0001 counts docstrings on the public API as part of a finished feature; an undocumented object reaches "
    "users with nothing but its name. The docstring is read as written, never by importing: an override of a "
    "documented base method, a property whose getter is documented, a method a configured outside base declares "
    "(`api.external-members`) and an attribute its class's (or module's) docstring names count as documented. "
    "Reported while `done.policy` is not `off`; it fails the check only under `done.policy: required` with "
    "`docstrings` in `done.require`.",
    "Write a Google-style docstring on the object (for an attribute, a string right below it or an entry in its "
    "class's `Attributes:` section).",
    "class Loader:  # new, exported\n    def load(self, path): ...",
    'class Loader:  # new, exported\n    """Read shards from disk."""\n\n    def load(self, path):\n'
    '        """Load one shard."""')

RULES: tuple[Rule, ...] = (
    SYMBOL_REMOVED, MODULE_REMOVED, SYMBOL_MOVED, KIND_CHANGED, PARAMETER_REMOVED, PARAMETER_RENAMED, PARAMETER_MOVED,
    PARAMETER_KIND_CHANGED, PARAMETER_REQUIRED, REQUIRED_PARAMETER_ADDED, DEFAULT_CHANGED, BASE_REMOVED,
    ABSTRACT_METHOD_ADDED, ATTRIBUTE_REMOVED, FIELD_REQUIRED, REQUIRED_FIELD_ADDED, TYPE_ALIAS_NARROWED,
    PUBLIC_NAME_DEPRECATED,
    NEW_ABSTRACTION, NEW_STRATEGY_CLASS, NEW_STRATEGY_MODULE, NEW_PUBLIC_SUBSYSTEM, NEW_EXTENSION_POINT,
    NEW_STRATEGY_FUNCTION,
    MODULE_ADDED, CLASS_ADDED, FUNCTION_ADDED, ATTRIBUTE_ADDED, PARAMETER_ADDED,
    UNPARSABLE, UNRESOLVED, DYNAMIC_ALL, DUPLICATE_PACKAGE, UNPARSABLE_UNUSED, REMOVED_WITHOUT_DEPRECATION,
    PUBLIC_OBJECT_UNDOCUMENTED,
)

_BY_CODE = {rule.code: rule for rule in RULES}

#: The category of every change code (A9xx are problems, not changes).
CATEGORIES: dict[str, Category] = {
    **{r.code: Category.BREAKING for r in RULES if r.code.startswith("A1")},
    # A deprecation keeps every import working: advisory, so it gives `review` at most.
    PUBLIC_NAME_DEPRECATED.code: Category.ADDITION,
    NEW_ABSTRACTION.code: Category.ABSTRACTION,
    NEW_STRATEGY_CLASS.code: Category.STRATEGY,
    NEW_STRATEGY_MODULE.code: Category.STRATEGY,
    # Major new API (a new base module, a new hook) is an abstraction users build on: it requires a DEP.
    NEW_PUBLIC_SUBSYSTEM.code: Category.ABSTRACTION,
    NEW_EXTENSION_POINT.code: Category.ABSTRACTION,
    NEW_STRATEGY_FUNCTION.code: Category.STRATEGY,
    **{r.code: Category.ADDITION for r in RULES if r.code.startswith("A3")},
}


@dataclass(frozen=True)
class ApiChange:
    """One change of the public API between two revisions.

    Attributes:
        code: Rule code, e.g. `A101`.
        kind: Rule name (kebab-case), e.g. `public-symbol-removed`.
        category: What the change means for the verdict.
        symbol: Public dotted path, e.g. `d9d.module.parallelism.DataParallel.forward`.
        path: Repository-relative file at head (at base for removals).
        line: Line at head (at base for removals), when known.
        message: One sentence naming the symbol.
        old: The value before, when there is one (a default, a path, a signature).
        new: The value after.
        also: The object's other public paths, when one finding stands for several (a re-exported class).
        anchor: Where the change shows at head, for findings whose `path`/`line` are at base (a removal): the line
            that still re-exports or defines the name at head, else the file alone (`line` None) when `path` still
            exists at head, else None (the file is gone). Annotations are placed on head files, where the base
            line would point at unrelated code.
    """

    code: str
    kind: str
    category: Category
    symbol: str
    path: str
    line: int | None
    message: str
    old: str | None = None
    new: str | None = None
    also: tuple[str, ...] = ()
    anchor: Location | None = None

    @property
    def breaking(self) -> bool:
        """Tell whether the change breaks users of the API."""
        return self.category is Category.BREAKING

    @property
    def forces_review(self) -> bool:
        """Tell whether the change makes the verdict at least `review` without requiring a DEP (an experimental
        break)."""
        return self.category is Category.EXPERIMENTAL

    @property
    def rule(self) -> Rule:
        """The rule this change reports."""
        return _BY_CODE[self.code]

    @property
    def sort_key(self) -> tuple[str, int, str, str, str, str, str, tuple[str, ...]]:
        """A total order: file, line, code, symbol, then the message and values (two changes of one kind on one
        callable, such as two moved parameters, must not come out in an order that depends on the run)."""
        return (self.path, self.line or 0, self.code, self.symbol, self.message, self.old or "", self.new or "",
                self.also)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON and templates (`also` only when the object has other public paths)."""
        data = {
            "code": self.code, "kind": self.kind, "category": self.category.value, "symbol": self.symbol,
            "path": self.path, "line": self.line, "breaking": self.breaking, "message": self.message,
            "old": self.old, "new": self.new,
        }
        if self.also:
            data["also"] = list(self.also)
        return data


def make_change(rule: Rule, symbol: str, path: str, line: int | None, message: str,
                old: str | None = None, new: str | None = None, anchor: Location | None = None) -> ApiChange:
    """Build an `ApiChange` of a rule, filling in its kind and category."""
    return ApiChange(rule.code, rule.name, CATEGORIES[rule.code], symbol, path, line, message, old, new,
                     anchor=anchor)
