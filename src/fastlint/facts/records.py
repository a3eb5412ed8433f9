"""Per-file facts: the small, picklable data that the project join and the rules read.

A *symbol* is a dotted name resolved through imports, with `()` marking a call result:
`requests.get`, `app.db.SessionLocal().execute`, `fastapi.FastAPI().include_router`.
A local variable is replaced by the value it was bound to; a parameter by an instance of
its annotation; a name that is bound to something unknown resolves to nothing (None).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

# The per-definition facts are NamedTuples rather than frozen dataclasses: there are millions
# of them in a large project, and a frozen slotted dataclass costs one object.__setattr__ per
# field to build and a generic Python __setstate__ (calling fields()) to unpickle (measured:
# the per-file stage ran 3x slower, and loading the cached facts 2x slower, with them).


class Span(NamedTuple):
    """A range in the file: 1-based rows, 0-based character columns."""

    row: int
    col: int
    end_row: int
    end_col: int


class Val(NamedTuple):
    """A statically known value of an expression.

    kind is one of:
      const   value = the Python constant (str, int, float, bool, None, bytes)
      ref     value = a symbol (a name or attribute resolved through imports)
      call    value = the callee's symbol (or None); args/kwargs/receiver describe the call
      list    value = tuple of Val (list, tuple or set display)
      fstr    value = tuple of Val (the parts of an f-string or `+` of strings)
      dict    value = tuple of (key Val, value Val)
      lambda  value = the Val of its body when that is a call (`lambda: AsyncOpenAI()`), else unknown
      unknown anything else
    """

    kind: str
    value: object = None
    span: Span | None = None
    args: tuple["Val", ...] = ()
    kwargs: tuple[tuple[str, "Val"], ...] = ()
    receiver: "Val | None" = None

    @property
    def symbol(self) -> str | None:
        """The symbol this value stands for: a ref's name, or a call's result."""
        if self.kind == "ref":
            return self.value  # type: ignore[return-value]
        if self.kind == "call" and self.value is not None:
            return f"{self.value}()"
        return None

    @property
    def target(self) -> "Val | None":
        """The object a method is called on: `app` in `app.include_router(...)`.

        Only a constructed object (`FastAPI().get`) is stored; a named receiver is derived
        from the callee's symbol, which keeps facts small.
        """
        if self.receiver is not None:
            return self.receiver
        if self.kind == "call" and isinstance(self.value, str) and "." in self.value:
            return Val("ref", self.value.rsplit(".", 1)[0])
        return None

    def kwarg(self, name: str) -> "Val | None":
        for key, value in self.kwargs:
            if key == name:
                return value
        return None

    def has_kwarg(self, name: str) -> bool:
        return any(key == name for key, _ in self.kwargs)


UNKNOWN = Val("unknown")
# Builds a record from the tuple of all its fields, in order, without NamedTuple's Python-level
# `__new__`: for the records the walk makes per node (`new_record(Val, ("const", value, span,
# (), (), None))`), where that `__new__` was a tenth of the walk's object building.
new_record = tuple.__new__
# Wiring called on a parameter without an annotation (`def configure_routes(app):
# app.include_router(...)`) is recorded with the callee `<param app>.include_router`, so the
# project can bind the parameter to what every call site passes.
PARAMETER_WIRING = frozenset({"include_router", "mount", "add_api_route", "add_api_websocket_route"})


def unannotated_parameter(name: str) -> Val:
    """What a parameter without an annotation stands for: unknown, naming the parameter."""
    return Val("unknown", f"<param {name}>")


def parameter_name(symbol: str) -> str | None:
    """`app` of `<param app>`, else None."""
    return symbol[7:-1] if symbol.startswith("<param ") and symbol.endswith(">") else None


class ImportFact(NamedTuple):
    """One imported name: `import a.b as c` → module 'a.b', name None, bound 'c'."""

    module: str
    name: str | None
    bound: str
    span: Span
    type_checking: bool
    in_function: bool
    # Leading segment of a relative import that could not be resolved (beyond top level).
    unresolved: bool = False

    @property
    def target(self) -> str:
        """The symbol the bound name refers to (`import a.b` binds `a` to the package `a`)."""
        if self.name is not None:
            return f"{self.module}.{self.name}"
        if "." in self.module and self.module.split(".", 1)[0] == self.bound:
            return self.bound
        return self.module


class ParamFact(NamedTuple):
    name: str
    annotation: str | None  # symbol of the annotation (Annotated[...] unwrapped to its type)
    depends: str | None  # symbol of the Depends()/Security() target, from default or Annotated
    kind: str  # "positional", "vararg", "kwonly", "kwarg"
    default: Val | None = None  # a constant default (`cached=True`), else None


class LogicSize(NamedTuple):
    """The logic in a function body (see `fastlint.route_logic`): markup and HTTP exits left out."""

    statements: int
    branches: int
    loops: int


class FunctionFact(NamedTuple):
    """A function or method definition."""

    qualname: str  # module.Class.method or module.outer.inner
    name: str
    class_qualname: str | None
    is_async: bool
    span: Span  # from the `def`/`async` keyword to the end of the body
    def_span: Span  # the `async def name` / `def name` header keywords
    decorators: tuple[Val, ...]
    params: tuple[ParamFact, ...]
    returns: str | None  # symbol of the return annotation
    awaits: bool  # await / async for / async with directly in its body
    yields: bool
    nested: bool  # defined inside another function
    statements: int  # statements counted recursively, docstring excluded
    branches: int  # if/elif/for/while/try/match, nested ones too
    docstring: str | None = None
    cached: bool = False  # under functools.cache / lru_cache
    loops: int = 0  # for/while statements, nested ones too
    # Without a return annotation: the symbol of what it returns (yields, for a generator),
    # when every `return` agrees (`return AllRepositories(session)` → `app.repos.AllRepositories()`).
    returned: str | None = None
    logic: LogicSize | None = None  # measured for decorated functions, the possible routes
    first_yield: int = 0  # row of the first `yield` (a lifespan's startup ends there)


class CallFact(NamedTuple):
    """A call whose callee resolved to a symbol."""

    call: Val  # kind "call": callee symbol, args, kwargs, receiver
    text: str  # the callee as written (`rq.get`), for messages
    span: Span
    func_end: tuple[int, int]  # end of the callee expression, for fixes
    function: int  # index into FileFacts.functions of the enclosing def, -1 at module/class level
    in_lambda: bool
    awaited: bool
    # True when an `await` inserted before the call would bind to the wrong thing
    # (the call is the object of an attribute, subscript or call).
    needs_parens: bool
    in_main_guard: bool
    # The statement the call is part of starts on this row (where `# noqa` goes).
    stmt_row: int
    # Where the call's result goes: `x = call()` → "x"; otherwise "".
    assigned_to: str = ""
    # Inside a generator expression (an inserted `await` would change what it is).
    in_generator: bool = False
    # In a class body inside the function, where `await` is a syntax error.
    in_class_body: bool = False
    # In the body of `if _client is None:` on a module global: runs once per process.
    once: bool = False
    # `with f() as x:`: the call's result is entered and exited as a context manager.
    context_manager: bool = False
    # `if <test on a parameter>:` tests around the call in its function (guards.Guard).
    guards: tuple = ()


class BindingFact(NamedTuple):
    """A module-level or class-level name bound to a value (`x = ...`, `x: T = ...`).

    `self.x = ...` in a method binds `Class.x`.
    """

    qualname: str
    value: Val
    annotation: str | None
    span: Span
    # `Dep = Annotated[T, Depends(f)]`: value is a ref to T and depends is f.
    depends: str | None = None


class ClassFact(NamedTuple):
    qualname: str
    name: str
    bases: tuple[str, ...]  # symbols of the bases
    keywords: tuple[tuple[str, Val], ...]
    span: Span
    decorators: tuple[Val, ...]
    nested: bool


@dataclass(frozen=True, slots=True)
class FileFacts:
    """Everything later stages need from one file; produced by one parse and one walk."""

    path: str
    module: str
    is_package: bool
    imports: tuple[ImportFact, ...] = ()
    functions: tuple[FunctionFact, ...] = ()
    classes: tuple[ClassFact, ...] = ()
    calls: tuple[CallFact, ...] = ()
    bindings: tuple[BindingFact, ...] = ()
    # Names of module-level definitions, in the order they are defined.
    defines: tuple[str, ...] = field(default=())
    # `# noqa` comments: row → codes (empty tuple = bare noqa).
    noqa: tuple[tuple[int, tuple[str, ...]], ...] = ()
    file_noqa: bool = False
    is_test: bool = False
    # Where imported names are used at run time (not in annotations): (bound name, index
    # into `functions` of the enclosing def, -1 outside functions).
    import_uses: tuple[tuple[str, int], ...] = ()
    # The module name the file would have if imported relative to the project root,
    # when that differs from its package-based name (`app.api.users` vs `api.users`).
    alt_module: str = ""


# The records a file's facts are made of (see cache.pack).
RECORD_TYPES = (Span, Val, ImportFact, ParamFact, LogicSize, FunctionFact, CallFact, BindingFact,
                ClassFact)
