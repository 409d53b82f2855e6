"""A call graph of `app.py` and `chalicelib/`, read from the source alone. Where it cannot tell, it reaches
too much rather than too little.

How a call is followed:
- `f(...)`, `module.f(...)`, `Class(...)`: through the module's own names and its imports (lazy ones too).
- `x.m(...)`: by the type of `x`, read from annotations (the code is mypy-strict): parameters
  (`deps: Deps`), class fields and attributes (`store: Store`), properties, return annotations, `self`,
  and locals assigned from those. On a chalicelib class, `m` is its own or inherited method plus every
  override in a subclass (the object may be one); on a Protocol, every class's `m`; on a library type
  (`dict`, chalice's `Request`), nothing. When the type is unknown (`Any`, a loop variable, what a
  library call returned), every `def m` in the code.
- A function that is mentioned without being called (a handler in a dict, a callback) counts as called.
- A module named in a string (`importlib.import_module`, the registry of domains) counts as imported: its
  top-level code runs (the pseudo-function `MODULE_CODE`), so the handlers it lists are reached.

What it assumes, beyond mypy-strict code: `Any` holds data from outside (JSON, boto3 clients and replies),
never one of our objects; a nested function or lambda shares its enclosing function's names; `x.m`
without a call on an unknown `x` is data, not a callback. A type is a set of chalicelib classes
("module:Class") and markers (`LIBRARY`, `SOME_CONTENTS`), or None when it is unknown; a library container
is typed with what it holds (`dict[str, Endpoint]` is {LIBRARY, Endpoint}), so what comes out of it is too.
A function is named by a ref, "module:qualname": "chalicelib.queue:SqsDispatcher.dispatch".
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULE_CODE = "<module>"
LIBRARY = "<library>"  # a type from outside chalicelib: its methods are not followed
# `object` says nothing about a value. `Any` does not either, but in this code it is data from outside
# (JSON, boto3 clients and replies), never one of our objects: it is read as a library object.
UNKNOWN_NAMES = frozenset({"object"})
DYNAMIC_IMPORTS = frozenset({"import_module", "__import__"})
# In a library container's type: it holds things of unknown type (dict[str, V]). Its own methods are
# still the library's, but what comes out of it is unknown.
SOME_CONTENTS = "<contents>"
MARKERS = frozenset({LIBRARY, SOME_CONTENTS})
Type = frozenset[str] | None
# How a local name gets its type: ("value" | "annotation" | "element" | "caught", node); None: no way.
Source = tuple[str, ast.expr] | None
Function = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass
class ClassInfo:
    ref: str
    node: ast.ClassDef
    methods: dict[str, str] = field(default_factory=dict)  # name -> ref
    fields: dict[str, ast.expr] = field(default_factory=dict)  # annotated class-level names, properties
    assigned: dict[str, list[tuple[str, ast.expr]]] = field(default_factory=dict)  # self.x = v, in method ref
    constants: dict[str, ast.expr] = field(default_factory=dict)  # X = value in the class body (enum members)


@dataclass
class Module:
    name: str
    tree: ast.Module
    defs: dict[str, ast.AST] = field(default_factory=dict)  # qualname -> function (or MODULE_CODE)
    classes: dict[str, ClassInfo] = field(default_factory=dict)
    globals: dict[str, ast.expr] = field(default_factory=dict)  # NAME = value at module level
    global_types: dict[str, ast.expr] = field(default_factory=dict)  # NAME: annotation at module level
    imports: dict[str, str] = field(default_factory=dict)  # alias -> "module" or "module:name"


class Program:
    def __init__(self, files: Iterable[Path]) -> None:
        self.modules = {module.name: module for module in map(_parse, files)}
        self.classes = {
            info.ref: info for module in self.modules.values() for info in module.classes.values()
        }
        self.by_name: dict[str, list[str]] = {}
        for module in self.modules.values():
            for qualname in module.defs:
                self.by_name.setdefault(qualname.split(".")[-1], []).append(f"{module.name}:{qualname}")
        self._scopes: dict[str, dict[str, Type]] = {}
        self._mros: dict[str, list[ClassInfo]] = {}
        self._typing: set[tuple[str, str]] = set()  # attributes being typed, against recursion

    def function(self, ref: str) -> tuple[Module, ast.AST]:
        module_name, qualname = ref.split(":")
        module = self.modules[module_name]
        return module, module.defs[qualname]

    def reachable(self, entry_points: Iterable[str], pruned: Iterable[tuple[str, str]] = ()) -> set[str]:
        skip = set(pruned)
        seen: set[str] = set()
        todo = list(entry_points)
        while todo:
            ref = todo.pop()
            if ref not in seen:
                seen.add(ref)
                todo.extend(callee for callee in self.callees(ref) if (ref, callee) not in skip)
        return seen

    def callees(self, ref: str) -> Iterator[str]:
        module, node = self.function(ref)
        scope = self._scope(ref)
        called = {id(sub.func) for sub in ast.walk(node) if isinstance(sub, ast.Call)}
        pending: list[ast.AST] = [node]
        globals_seen: set[str] = set()
        while pending:
            for sub in ast.walk(pending.pop()):
                if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load) and sub.id not in scope:
                    yield from self._symbol(module, sub.id)
                    if sub.id in module.globals and sub.id not in globals_seen:  # e.g. a dict of handlers
                        globals_seen.add(sub.id)
                        pending.append(module.globals[sub.id])
                elif isinstance(sub, ast.Attribute) and isinstance(sub.ctx, ast.Load):
                    yield from self._member(module, sub, scope, called=id(sub) in called)
                elif isinstance(sub, ast.Constant | ast.JoinedStr):
                    yield from (f"{name}:{MODULE_CODE}" for name in self._modules_named(module, sub))

    # Names -------------------------------------------------------------------------------------------
    def _symbol(self, module: Module, name: str) -> Iterator[str]:
        """The functions a module-level name stands for: a def, a class's initialisers, an import."""
        if name in module.defs:
            yield f"{module.name}:{name}"
        elif name in module.classes:
            info = module.classes[name]
            yield from (info.methods[init] for init in ("__init__", "__post_init__") if init in info.methods)
        elif name in module.imports and ":" in module.imports[name]:
            source, symbol = module.imports[name].split(":")
            if source in self.modules and f"{source}.{symbol}" not in self.modules:
                yield from self._symbol(self.modules[source], symbol)

    def _module_alias(self, module: Module, node: ast.expr) -> Module | None:
        """The chalicelib module a name stands for (`from chalicelib.kernel import commands`: `commands`)."""
        if isinstance(node, ast.Name) and node.id in module.imports:
            return self.modules.get(module.imports[node.id].replace(":", "."))
        return None

    def _class_named(self, module: Module, name: str) -> ClassInfo | None:
        if name in module.classes:
            return module.classes[name]
        if name in module.imports and ":" in module.imports[name]:
            source, symbol = module.imports[name].split(":")
            if source in self.modules:
                return self._class_named(self.modules[source], symbol)
        return None

    def _modules_named(self, module: Module, node: ast.Constant | ast.JoinedStr) -> list[str]:
        """Modules a string names: "chalicelib.kernel.commands", f"chalicelib.adapters.{platform}.client",
        f"{__name__}.{name}" (`__name__` is the module's own name: a submodule of it)."""
        if isinstance(node, ast.Constant):
            return [node.value] if isinstance(node.value, str) and node.value in self.modules else []
        pattern = "".join(
            re.escape(str(part.value))
            if isinstance(part, ast.Constant)
            else re.escape(module.name)
            if _is_dunder_name(part)
            else r"[A-Za-z0-9_]+"
            for part in node.values
        )
        return [name for name in self.modules if re.fullmatch(pattern, name)]

    # Members -----------------------------------------------------------------------------------------
    def _member(
        self, module: Module, node: ast.Attribute, scope: dict[str, Type], *, called: bool = True
    ) -> Iterator[str]:
        """The functions `x.m` may be: a module's function, or the method `m` of what `x` may be. On an
        unknown `x`, only a call `x.m(...)` reaches every `def m`; a mere `x.m` is most likely data."""
        alias = self._module_alias(module, node.value)
        if alias is not None:
            yield from self._symbol(alias, node.attr)
            return
        if (
            isinstance(node.value, ast.Name)
            and node.value.id in module.imports
            and node.value.id not in scope
        ):
            return  # an attribute of a library module: json.dumps, boto3.client
        owner = self._type_of(module, node.value, scope)
        if owner is None:
            yield from self.by_name.get(node.attr, []) if called else ()
            return
        for class_ref in owner - MARKERS:
            yield from self._methods(self.classes[class_ref], node.attr)

    def _methods(self, info: ClassInfo, name: str) -> list[str]:
        if self._is_protocol(info):  # implementations need not inherit from it: every class's `name`
            declared = any(name in cls.methods for cls in self._mro(info))
            return (
                [other.methods[name] for other in self.classes.values() if name in other.methods]
                if declared
                else []
            )
        found = [cls.methods[name] for cls in self._mro(info) if name in cls.methods][:1]
        return found + [sub.methods[name] for sub in self._subclasses(info) if name in sub.methods]

    def _mro(self, info: ClassInfo) -> list[ClassInfo]:
        if info.ref not in self._mros:
            order = [info]
            for base in info.node.bases:
                found = self._class_named(self.modules[info.ref.split(":")[0]], _base_name(base))
                if found is not None:
                    order += [cls for cls in self._mro(found) if cls not in order]
            self._mros[info.ref] = order
        return self._mros[info.ref]

    def _subclasses(self, info: ClassInfo) -> list[ClassInfo]:
        return [other for other in self.classes.values() if other is not info and info in self._mro(other)]

    def _is_protocol(self, info: ClassInfo) -> bool:
        return any(_base_name(base) == "Protocol" for base in info.node.bases)

    # Types -------------------------------------------------------------------------------------------
    def _scope(self, ref: str) -> dict[str, Type]:
        """The types of a function's parameters and locals (a local bound twice may be either)."""
        if ref not in self._scopes:
            module, node = self.function(ref)
            scope = self._scopes[ref] = self._parameters(ref, node, module)
            for target, source in _bindings(node):
                kind = self._source_type(module, source, scope)
                if isinstance(target, ast.Name):
                    self._bind(scope, target.id, kind)
                else:  # a, b = ...: each name may be any part of a library value (a tuple holds them)
                    for name in _bound_names(target):
                        self._bind(scope, name, kind if kind is not None and LIBRARY in kind else None)
            self._narrow(module, node, scope)
        return self._scopes[ref]

    def _parameters(self, ref: str, node: ast.AST, module: Module) -> dict[str, Type]:
        scope: dict[str, Type] = {}
        if not isinstance(node, Function):
            return scope
        arguments = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
        for position, argument in enumerate(arguments):
            if argument.annotation is not None:
                scope[argument.arg] = self._annotation(module, argument.annotation)
            elif position == 0 and "." in ref.split(":")[1] and argument.arg in ("self", "cls"):
                scope[argument.arg] = frozenset({ref.rsplit(".", 1)[0]})
            else:
                scope[argument.arg] = None
        for extra in (node.args.vararg, node.args.kwarg):
            if extra is not None:
                scope[extra.arg] = None
        return scope

    def _narrow(self, module: Module, node: ast.AST, scope: dict[str, Type]) -> None:
        """`isinstance(x, Card)`: x may be a Card, whatever it was declared as."""
        for sub in ast.walk(node):
            if not (
                isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id == "isinstance"
            ):
                continue
            if len(sub.args) == 2 and isinstance(sub.args[0], ast.Name):
                known = scope.get(sub.args[0].id)
                classes = sub.args[1].elts if isinstance(sub.args[1], ast.Tuple) else [sub.args[1]]
                narrowed = _union([self._annotation(module, cls) for cls in classes])
                if known is not None and narrowed is not None:
                    scope[sub.args[0].id] = known | narrowed

    def _source_type(self, module: Module, source: Source, scope: dict[str, Type]) -> Type:
        if source is None:
            return None
        how, node = source
        if how == "annotation":
            return self._annotation(module, node)
        if how == "element":  # for x in xs: an element is among what the container holds
            return _contents(self._type_of(module, node, scope))
        if how == "caught":  # except (A, B) as error
            classes = node.elts if isinstance(node, ast.Tuple) else [node]
            return _union([self._annotation(module, cls) for cls in classes])
        return self._type_of(module, node, scope)

    def _contents(self, module: Module, node: ast.expr) -> Type:
        if isinstance(node, ast.List):  # Callable[[A, B], R]
            return _union([self._contents(module, element) for element in node.elts])
        return self._annotation(module, node)

    @staticmethod
    def _bind(scope: dict[str, Type], name: str, kind: Type) -> None:
        if name in scope:
            previous = scope[name]
            scope[name] = None if previous is None or kind is None else previous | kind
        else:
            scope[name] = kind

    def _type_of(self, module: Module, node: ast.expr, scope: dict[str, Type]) -> Type:
        if isinstance(node, ast.Name):
            return self._name_type(module, node, scope)
        if isinstance(node, ast.Attribute):
            if self._module_alias(module, node.value) is not None:
                return None
            return self._attribute_type(self._type_of(module, node.value, scope), node.attr)
        if isinstance(node, ast.Call):
            return self._call_type(module, node, scope)
        if isinstance(node, ast.Subscript | ast.Starred | ast.Await):  # an element is in its container's type
            return _contents(self._type_of(module, node.value, scope))
        if isinstance(
            node, ast.Constant | ast.JoinedStr | ast.Compare | ast.BinOp | ast.UnaryOp | ast.Lambda
        ):
            return frozenset({LIBRARY})  # plain data, or a function object
        parts = _parts(node)
        return None if parts is None else _union([self._type_of(module, part, scope) for part in parts])

    def _name_type(self, module: Module, node: ast.Name, scope: dict[str, Type]) -> Type:
        if node.id in scope:
            return scope[node.id]
        if node.id in module.global_types:
            return self._annotation(module, module.global_types[node.id])
        if node.id in module.classes or (
            node.id in module.imports and self._module_alias(module, node) is None
        ):
            return self._annotation(module, node)  # a class (Reply.json(...)), or a library's object
        if node.id in module.globals and (module.name, node.id) not in self._typing:
            self._typing.add((module.name, node.id))  # log = logging.getLogger(...)
            try:
                return self._type_of(module, module.globals[node.id], {})
            finally:
                self._typing.discard((module.name, node.id))
        return None

    def _call_type(self, module: Module, node: ast.Call, scope: dict[str, Type]) -> Type:
        """What a call returns: an instance of the class called, the return annotations of the functions
        called, or, from a library (builtins, json, dataclasses.replace), a library object or one of the
        arguments (an import by name gives code, so its result is unknown)."""
        func = node.func
        alias = self._module_alias(module, func.value) if isinstance(func, ast.Attribute) else None
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        info = self._class_named(alias or module, name) if alias or isinstance(func, ast.Name) else None
        if info is not None and not (isinstance(func, ast.Name) and name in scope):
            return frozenset({info.ref})
        if isinstance(func, ast.Name) and name not in scope:
            callees = list(self._symbol(module, name))
            library = not callees
        elif isinstance(func, ast.Attribute):
            owner = None if alias else self._type_of(module, func.value, scope)
            if alias is None and owner is None:
                return None
            callees = list(self._symbol(alias, name)) if alias else list(self._member(module, func, scope))
            library = owner is not None and LIBRARY in owner
        else:
            return None
        returns = [self._returns(callee) for callee in callees]
        if library:
            if name in DYNAMIC_IMPORTS:
                return None
            owner_part = _contents(owner) if isinstance(func, ast.Attribute) and not alias else frozenset()
            arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
            parts = [
                frozenset({LIBRARY}),
                owner_part,
                *returns,
                *(self._type_of(module, a, scope) for a in arguments),
            ]
            return _union(parts)
        return _union(returns) if callees else None

    def _returns(self, ref: str) -> Type:
        module, node = self.function(ref)
        if isinstance(node, Function) and node.returns is not None:
            return self._annotation(module, node.returns)
        return None

    def _attribute_type(self, owner: Type, name: str) -> Type:
        if owner is None:
            return None
        kinds: set[str] = set()
        for class_ref in owner:
            if class_ref in MARKERS:
                kinds.add(LIBRARY)  # an attribute of a library object is one too (request.context)
                continue
            kind = self._field_type(self.classes[class_ref], name)
            if kind is None:
                return None
            kinds |= kind
        return frozenset(kinds)

    def _field_type(self, info: ClassInfo, name: str) -> Type:
        for cls in self._mro(info):
            module = self.modules[cls.ref.split(":")[0]]
            if name in cls.fields:
                return self._annotation(module, cls.fields[name])
            if name in cls.constants:  # an enum's member is an instance of its class; else the value's type
                if any(
                    _base_name(base).endswith("Enum") for other in self._mro(cls) for base in other.node.bases
                ):
                    return frozenset({cls.ref})
                return self._type_of(module, cls.constants[name], {})
            if name in cls.assigned and (cls.ref, name) not in self._typing:
                self._typing.add((cls.ref, name))
                try:
                    kinds = [
                        self._type_of(module, value, self._scope(method))
                        for method, value in cls.assigned[name]
                    ]
                finally:
                    self._typing.discard((cls.ref, name))
                return _union(kinds)
        return None

    def _annotation(self, module: Module, node: ast.expr) -> Type:
        """The type an annotation names; None for `object`, type variables and what is not understood."""
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):  # a quoted annotation
                return self._annotation(module, ast.parse(node.value, mode="eval").body)
            return frozenset() if node.value is None else None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return _union([self._annotation(module, node.left), self._annotation(module, node.right)])
        if isinstance(node, ast.Subscript):
            return self._generic(module, node)
        if isinstance(node, ast.Attribute):
            alias = self._module_alias(module, node.value)
            info = self._class_named(alias, node.attr) if alias else None
            return frozenset({info.ref}) if info else frozenset({LIBRARY})
        if isinstance(node, ast.Name):
            return self._named_annotation(module, node.id)
        return None

    def _generic(self, module: Module, node: ast.Subscript) -> Type:
        parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if _base_name(node.value) in ("Optional", "Union"):
            return _union([self._annotation(module, part) for part in parts])
        outer = self._annotation(module, node.value)
        if outer != frozenset({LIBRARY}):
            return outer  # TtlCache[GroupRecord] is a TtlCache
        # A library container, and what it may hold (dict[str, Endpoint]: its .get() gives an Endpoint).
        inner = [self._contents(module, part) for part in parts]
        return _union([outer, *(frozenset({SOME_CONTENTS}) if kind is None else kind for kind in inner)])

    def _named_annotation(self, module: Module, name: str) -> Type:
        if name in UNKNOWN_NAMES:
            return None
        if name == "Any":
            return frozenset({LIBRARY})
        info = self._class_named(module, name)
        if info is not None:
            return frozenset({info.ref})
        alias = self._type_alias(module, name)
        if alias is not None:  # JsonObject = dict[str, Any]
            return self._annotation(*alias)
        if name in module.imports or hasattr(builtins, name):
            return frozenset({LIBRARY})
        return None  # a type variable

    def _type_alias(self, module: Module, name: str) -> tuple[Module, ast.expr] | None:
        if name in module.globals and isinstance(module.globals[name], ast.Subscript | ast.BinOp | ast.Name):
            return module, module.globals[name]
        if name in module.imports and ":" in module.imports[name]:
            source, symbol = module.imports[name].split(":")
            if source in self.modules:
                return self._type_alias(self.modules[source], symbol)
        return None


def _parse(path: Path) -> Module:
    relative = path.relative_to(ROOT).with_suffix("")
    parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
    module = Module(".".join(parts), ast.parse(path.read_text(), str(path)))
    definitions = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    # A module's top-level code, without its `if __name__ == "__main__":` block: importing it never runs
    # that (only `python -m`, which no Lambda function does).
    module.defs[MODULE_CODE] = ast.Module(
        body=[
            node
            for node in module.tree.body
            if not isinstance(node, definitions) and not _is_main_block(node)
        ],
        type_ignores=[],
    )
    for node in module.tree.body:
        if isinstance(node, Function):
            module.defs[node.name] = node
        elif isinstance(node, ast.ClassDef):
            module.classes[node.name] = _parse_class(module, node)
        elif isinstance(node, ast.Assign):
            module.globals.update(
                (target.id, node.value) for target in node.targets if isinstance(target, ast.Name)
            )
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            module.global_types[node.target.id] = node.annotation
            if node.value is not None:
                module.globals[node.target.id] = node.value
    for statement in ast.walk(module.tree):  # imports anywhere: lazy ones inside functions too
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                bound = alias.asname or alias.name.split(".")[0]
                module.imports[bound] = alias.name if alias.asname else bound
        elif isinstance(statement, ast.ImportFrom) and statement.module and statement.level == 0:
            for alias in statement.names:
                module.imports[alias.asname or alias.name] = f"{statement.module}:{alias.name}"
    return module


def _parse_class(module: Module, node: ast.ClassDef) -> ClassInfo:
    info = ClassInfo(f"{module.name}:{node.name}", node)
    for item in node.body:
        if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            info.fields[item.target.id] = item.annotation
        elif isinstance(item, ast.Assign):
            info.constants.update(
                (target.id, item.value) for target in item.targets if isinstance(target, ast.Name)
            )
        elif isinstance(item, Function):
            ref = f"{module.name}:{node.name}.{item.name}"
            module.defs[f"{node.name}.{item.name}"] = item
            info.methods[item.name] = ref
            if (
                any(_base_name(d).endswith("property") for d in item.decorator_list)
                and item.returns is not None
            ):
                info.fields[item.name] = item.returns
            for sub in ast.walk(item):  # self.x = value, self.x: T = value
                target = sub.targets[0] if isinstance(sub, ast.Assign) and len(sub.targets) == 1 else None
                target = sub.target if isinstance(sub, ast.AnnAssign) else target
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == "self"
                ):
                    if isinstance(sub, ast.AnnAssign):
                        info.fields.setdefault(target.attr, sub.annotation)
                    elif isinstance(sub, ast.Assign):
                        info.assigned.setdefault(target.attr, []).append((ref, sub.value))
    return info


def _is_dunder_name(node: ast.expr) -> bool:
    """`{__name__}` in an f-string."""
    return (
        isinstance(node, ast.FormattedValue)
        and isinstance(node.value, ast.Name)
        and node.value.id == "__name__"
        and node.format_spec is None
    )


def _is_main_block(node: ast.stmt) -> bool:
    """`if __name__ == "__main__":` (either way round)."""
    if not (isinstance(node, ast.If) and isinstance(node.test, ast.Compare)):
        return False
    test = node.test
    if len(test.ops) != 1 or not isinstance(test.ops[0], ast.Eq):
        return False
    sides = {
        "name"
        if isinstance(side, ast.Name) and side.id == "__name__"
        else "main"
        if isinstance(side, ast.Constant) and side.value == "__main__"
        else "other"
        for side in (test.left, test.comparators[0])
    }
    return sides == {"name", "main"}


def _contents(kind: Type) -> Type:
    """What comes out of a value of this type (an element, what a library method returns)."""
    return None if kind is None or SOME_CONTENTS in kind else kind


def _union(kinds: list[Type]) -> Type:
    """The union of types; unknown if any of them is."""
    known = [kind for kind in kinds if kind is not None]
    return frozenset().union(*known) if len(known) == len(kinds) else None


def _base_name(node: ast.expr) -> str:
    if isinstance(node, ast.Subscript):
        return _base_name(node.value)
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _parts(node: ast.expr) -> list[ast.expr] | None:
    """The expressions a composite value is made of; a literal container is a library object too."""
    container = ast.Constant(value=...)
    if isinstance(node, ast.BoolOp):
        return node.values
    if isinstance(node, ast.IfExp):
        return [node.body, node.orelse]
    if isinstance(node, ast.List | ast.Set | ast.Tuple):
        return [container, *node.elts]
    if isinstance(node, ast.Dict):
        return [container, *(key for key in node.keys if key is not None), *node.values]
    if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp):
        return [container, node.elt]
    if isinstance(node, ast.DictComp):
        return [container, node.key, node.value]
    return None


def _bindings(function: ast.AST) -> list[tuple[ast.expr, Source]]:
    """Each name binding in a function, as (target, where its type comes from), in the order they happen:
    an assignment binds once its value is computed, so a comprehension inside the value binds first."""
    found: list[tuple[tuple[int, int], ast.expr, Source]] = []
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            found += [
                (_end(node), target, ("value", node.value)) for target in node.targets if _binds(target)
            ]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            found.append((_end(node), node.target, ("annotation", node.annotation)))
        elif isinstance(node, ast.NamedExpr):
            found.append((_end(node), node.target, ("value", node.value)))
        elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
            found.append((_start(node.target), node.target, ("element", node.iter)))
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            found.append((_start(node.optional_vars), node.optional_vars, None))
        elif isinstance(node, Function) and node is not function:  # a nested def's parameters
            for argument in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]:
                annotation = ("annotation", argument.annotation) if argument.annotation is not None else None
                found.append((_start(node), ast.Name(id=argument.arg), annotation))
        elif isinstance(node, ast.ExceptHandler) and node.name:
            caught = ("caught", node.type) if node.type is not None else None
            found.append((_start(node), ast.Name(id=node.name), caught))
    return [(target, source) for _, target, source in sorted(found, key=lambda binding: binding[0])]


def _binds(target: ast.expr) -> bool:
    return not isinstance(target, ast.Attribute | ast.Subscript)


def _start(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)


def _end(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "end_lineno", 0) or 0, getattr(node, "end_col_offset", 0) or 0


def _bound_names(target: ast.expr) -> Iterator[str]:
    """The names a target binds: `x`, `a, b`, `*rest`; not `self.x` or `d[k]`, which bind no name."""
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, ast.Tuple | ast.List):
        for element in target.elts:
            yield from _bound_names(element)
    elif isinstance(target, ast.Starred):
        yield from _bound_names(target.value)
