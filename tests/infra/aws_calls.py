"""Which AWS actions each Lambda function's code can perform, found by reading the source (no AWS, no mocks).

1. The Lambda functions come from `app.py`: every `@app.route` handler runs in chalice's one
   `api_handler` function; each `@app.on_sqs_message`, `@app.schedule`, ... handler is a function of its own.
2. From each function's handlers, `tests/infra/callgraph.py` finds every function of `chalicelib/` the
   code can reach. `PRUNED` removes the edges that exist in the source but never run in Lambda.
3. A module that calls AWS builds its own boto3 client and names the service there
   (`boto3.client("sqs")`), as `store/dynamodb.py`, `queue.py` and `settings.py` do. In such a module, a
   reached function makes an AWS call when it calls a method named after an operation of that service
   (`.send_message(`), or names the operation in a call's arguments (`store/dynamodb.py` dispatches
   through `getattr`: `self._call("PutItem", ...)`). The operations come from botocore's own service
   models, so no list of method names can fall behind the code.
4. An operation becomes the IAM action `service:Operation`, except where IAM names it otherwise
   (`IAM_NAMES`; a transaction needs the action of each kind of item it writes). boto3's own additions
   to its clients (`upload_file`) are in `BOTO3_METHODS`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache

from tests.infra.callgraph import ROOT, Module, Program

API_HANDLER = "api_handler"
# Decorators that make a Lambda function of their own (chalice names it after the function, or `name=`).
OWN_FUNCTION_DECORATORS = frozenset(
    {"on_sqs_message", "schedule", "on_s3_event", "on_sns_message", "on_cw_event", "lambda_function"}
)
PRUNED: dict[tuple[str, str], str] = {
    ("chalicelib.bootstrap:build_dispatcher", "chalicelib.worker.pipeline:process"): (
        "QG_DISPATCH=inline runs the worker inside the API process for the local stack and tests only; "
        "the template sets QG_DISPATCH=sqs for every function"
    ),
    ("chalicelib.bootstrap:Deps.dispatch", "chalicelib.worker.pipeline:process"): (
        "with no dispatcher at all (unit tests) the events run one after the other in the calling process; "
        "every deployed function has its dispatcher (build_deps)"
    ),
}
# API operations whose IAM action is not `service:Operation`.
IAM_NAMES: dict[str, tuple[str, ...]] = {
    "dynamodb:TransactGetItems": ("dynamodb:GetItem",),
    "sqs:SendMessageBatch": ("sqs:SendMessage",),
    "sqs:DeleteMessageBatch": ("sqs:DeleteMessage",),
    "sqs:ChangeMessageVisibilityBatch": ("sqs:ChangeMessageVisibility",),
    "s3:ListObjectsV2": ("s3:ListBucket",),
    "s3:ListObjects": ("s3:ListBucket",),
    "s3:HeadObject": ("s3:GetObject",),
    "s3:HeadBucket": ("s3:ListBucket",),
    "s3:ListObjectVersions": ("s3:ListBucketVersions",),
}
# Calls that need another action when they name an object's version (`VersionId=...`): deleting one
# version of a versioned object is `s3:DeleteObjectVersion`, not `s3:DeleteObject`.
VERSIONED_ACTIONS: dict[str, str] = {"s3:DeleteObject": "s3:DeleteObjectVersion"}
# Methods boto3 adds to its clients, which are not API operations (s3transfer's managed transfers).
BOTO3_METHODS: dict[str, dict[str, tuple[str, ...]]] = {
    "s3": {
        "upload_file": ("s3:PutObject",),
        # a multipart upload that fails is aborted by s3transfer (AbortMultipartUpload)
        "upload_fileobj": ("s3:PutObject", "s3:AbortMultipartUpload"),
        "download_file": ("s3:GetObject",),
        "download_fileobj": ("s3:GetObject",),
        "copy": ("s3:GetObject", "s3:PutObject"),
    },
}
# TransactWriteItems is authorised item by item, by the kind of each entry.
TRANSACT_ITEM_ACTIONS = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
}


@dataclass
class LambdaFunction:
    entry_points: list[str] = field(default_factory=list)  # "app:worker"
    triggers: set[str] = field(default_factory=set)  # its decorators: "route", "on_sqs_message", ...


@dataclass(frozen=True)
class AwsCall:
    action: str  # the IAM action, e.g. "dynamodb:PutItem"
    where: str  # the function that makes it, e.g. "chalicelib.store.dynamodb:DynamoStore.claim_event"


def lambda_functions() -> dict[str, LambdaFunction]:
    """Each Lambda function chalice builds from `app.py`, with its entry points and triggers."""
    functions: dict[str, LambdaFunction] = {}
    for node in ast.parse((ROOT / "app.py").read_text()).body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)):
                continue
            kind = decorator.func.attr
            if kind == "route":
                name = API_HANDLER
            elif kind in OWN_FUNCTION_DECORATORS:
                names = [k.value for k in decorator.keywords if k.arg == "name"]
                name = str(names[0].value) if names and isinstance(names[0], ast.Constant) else node.name
            else:
                continue
            function = functions.setdefault(name, LambdaFunction())
            function.entry_points.append(f"app:{node.name}")
            function.triggers.add(kind)
    return functions


@cache
def program() -> Program:
    return Program([ROOT / "app.py", *sorted((ROOT / "chalicelib").rglob("*.py"))])


def reachable(function: str) -> set[str]:
    return program().reachable(lambda_functions()[function].entry_points, PRUNED)


def aws_calls(function: str) -> set[AwsCall]:
    """Every AWS call the Lambda function's code can make, with the function it is made in."""
    calls: set[AwsCall] = set()
    for ref in reachable(function):
        module, node = program().function(ref)
        calls.update(AwsCall(action, ref) for action in _actions_in(module, node))
    return calls


def used_actions(function: str) -> set[str]:
    return {call.action for call in aws_calls(function)}


def _actions_in(module: Module, function: ast.AST) -> Iterator[str]:
    """The IAM actions of the operations the function calls: `.put_item(...)`, or an operation named
    in a call's arguments (`self._call("PutItem", ...)`, `getattr(client, "put_item")`)."""
    services = frozenset(_client_services(module))
    operations = _operations(services)
    extras = {
        name: actions for service in services for name, actions in BOTO3_METHODS.get(service, {}).items()
    }
    if not operations:
        return
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        names = [node.func.attr] if isinstance(node.func, ast.Attribute) else []
        names += [
            arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
        ]
        for name in names:
            action = operations.get(name)
            if name in extras:
                yield from extras[name]
            elif action == "dynamodb:TransactWriteItems":
                yield from _transact_write_actions(function)
            elif action in VERSIONED_ACTIONS and any(k.arg == "VersionId" for k in node.keywords):
                yield VERSIONED_ACTIONS[action]
            elif action is not None:
                yield from IAM_NAMES.get(action, (action,))


def _client_services(module: Module) -> Iterable[str]:
    """The services a module builds boto3 clients for: `boto3.client("sqs")`, `session.client("dynamodb")`."""
    if not any(target.split(":")[0].split(".")[0] == "boto3" for target in module.imports.values()):
        return
    for node in ast.walk(module.tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("client", "resource")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.args[0].value


def _transact_write_actions(function: ast.AST) -> set[str]:
    """A transaction needs the action of each kind of item it writes (`{"Put": ...}`, `{"Update": ...}`)."""
    kinds = {
        key.value
        for node in ast.walk(function)
        if isinstance(node, ast.Dict)
        for key in node.keys
        if isinstance(key, ast.Constant) and key.value in TRANSACT_ITEM_ACTIONS
    }
    return {TRANSACT_ITEM_ACTIONS[kind] for kind in kinds or TRANSACT_ITEM_ACTIONS}


@cache
def _operations(services: frozenset[str]) -> dict[str, str]:
    """Both spellings of every operation of the services ("put_item" and "PutItem") -> "dynamodb:PutItem"."""
    import botocore.session  # type: ignore[import-untyped, unused-ignore]
    from botocore import xform_name  # type: ignore[import-untyped, unused-ignore]

    session = botocore.session.get_session()
    operations: dict[str, str] = {}
    for service in sorted(services):
        for operation in session.get_service_model(service).operation_names:
            action = f"{service}:{operation}"  # for the services used here the IAM prefix is the name
            operations[operation] = action
            operations[xform_name(operation)] = action
    return operations
