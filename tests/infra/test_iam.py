"""The IAM test: each function's policy grants exactly what its code and its triggers use.

Used = the AWS calls its code can reach (tests/infra/aws_calls.py reads the source), plus what Lambda
does with the function's role on the function's behalf (`RUNTIME`), plus what those calls need beyond
their own action (`IMPLIED`: the stack's encryption key, for one). Granted = the actions of its
`.chalice/policy-*.json`, which chalice puts on its role as written. The two sets must be equal:
nothing used is missing, nothing granted is idle.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra import app_config
from infra.build import TEMPLATE
from tests.infra.aws_calls import aws_calls, lambda_functions, reachable, used_actions

CHALICE_DIR = app_config.ROOT / ".chalice"
FUNCTIONS = sorted(lambda_functions())
# What Lambda itself does with a function's role.
RUNTIME: dict[str, set[str]] = {
    # every function: Lambda writes the function's log with its role
    "log": {"logs:CreateLogStream", "logs:PutLogEvents"},
    # `@app.on_sqs_message`: the event source mapping polls the queue and deletes what succeeded
    "on_sqs_message": {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"},
}
# What a call needs beyond its own action, by the prefix of the action. The table, the secret and the
# bucket are encrypted with the stack's key (infra/data.py), which each service uses on the caller's
# behalf with the caller's permissions.
IMPLIED: dict[str, set[str]] = {
    "dynamodb:": {"kms:Decrypt"},  # DynamoDB decrypts the table key for each caller
    "secretsmanager:GetSecretValue": {"kms:Decrypt"},
    "s3:GetObject": {"kms:Decrypt"},
    "s3:PutObject": {"kms:GenerateDataKey", "kms:Decrypt"},  # Decrypt: completing a multipart upload
    # DynamoDB writes the export to the bucket as the caller (multipart, with the bucket's key); the
    # scanner sees only the ExportTableToPointInTime call, not these S3 and KMS requests made for it.
    "dynamodb:ExportTableToPointInTime": {
        "s3:PutObject",
        "s3:AbortMultipartUpload",
        "s3:PutObjectAcl",
        "kms:GenerateDataKey",
        "kms:Decrypt",
    },
    # A restore writes the target table with the caller's read and write permissions on it (DynamoDB
    # developer guide, "Using IAM with backup and restore") and encrypts the new table with the stack's key
    # through grants the caller creates: none of these is a call in our code, so the scanner cannot see them.
    "dynamodb:RestoreTableFromBackup": {
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:Scan",
        "dynamodb:BatchWriteItem",
        "kms:Decrypt",
        "kms:Encrypt",
        "kms:DescribeKey",
        "kms:CreateGrant",
        "kms:GenerateDataKey",
    },
}
# Actions IAM authorises on no resource type, which a statement can grant only on "*": such a statement
# must hold nothing else.
ACCOUNT_WIDE_ACTIONS = {"dynamodb:ListBackups"}
PSEUDO_PARAMETERS = {"AWS::Partition", "AWS::Region", "AWS::AccountId", "AWS::URLSuffix"}
# Managed policies a role may carry: only the network-interface actions a function in a VPC needs.
ALLOWED_MANAGED_POLICIES = {"arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaENIManagementAccess"}


def config() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(app_config.CONFIG_FILE.read_text())
    return loaded


def policy(function: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (CHALICE_DIR / config()["lambda_functions"][function]["iam_policy_file"]).read_text()
    )
    return loaded


def statements(function: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = policy(function)["Statement"]
    return found


def granted(function: str) -> set[str]:
    actions: set[str] = set()
    for statement in statements(function):
        assert statement["Effect"] == "Allow"
        listed = statement["Action"]
        actions.update([listed] if isinstance(listed, str) else listed)
    return actions


def needed(function: str) -> set[str]:
    code = used_actions(function)
    runtime = set(RUNTIME["log"])
    if "on_sqs_message" in lambda_functions()[function].triggers:
        runtime |= RUNTIME["on_sqs_message"]
    implied = {
        need
        for prefix, needs in IMPLIED.items()
        for action in code
        if action.startswith(prefix)
        for need in needs
    }
    return code | runtime | implied


def test_app_py_declares_the_functions_infra_knows() -> None:
    assert sorted(f.name for f in app_config.functions(config())) == FUNCTIONS


def test_chalice_writes_no_policy_of_its_own() -> None:
    assert config()["autogen_policy"] is False
    for function in FUNCTIONS:
        assert (CHALICE_DIR / config()["lambda_functions"][function]["iam_policy_file"]).is_file()


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_action_the_function_uses_is_granted(function: str) -> None:
    missing = needed(function) - granted(function)
    where = sorted(f"{call.action} in {call.where}" for call in aws_calls(function))
    assert not missing, f"{function} needs {sorted(missing)}; its AWS calls: {where}"


@pytest.mark.parametrize("function", FUNCTIONS)
def test_nothing_is_granted_that_the_function_does_not_use(function: str) -> None:
    idle = granted(function) - needed(function)
    assert not idle, f"{function}'s policy grants {sorted(idle)}, which nothing in its code or trigger uses"


@pytest.mark.parametrize("function", FUNCTIONS)
def test_no_action_is_a_wildcard(function: str) -> None:
    assert not [action for action in granted(function) if "*" in action]


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_statement_is_on_the_stacks_own_resources(function: str) -> None:
    """Each resource names one of the template's resources, or one named after the stack or its table
    (`arn:...:table/${Table}-drill-*`): never another stack's, and never `*` except for the actions
    that IAM cannot scope (`ACCOUNT_WIDE_ACTIONS`), alone in their statement."""
    own = set(json.loads(TEMPLATE.read_text())["Resources"]) | {"AWS::StackName"}
    for statement in statements(function):
        resources = (
            statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        )
        if resources == ["*"]:
            listed = statement["Action"]
            actions = {listed} if isinstance(listed, str) else set(listed)
            assert actions <= ACCOUNT_WIDE_ACTIONS, f"{statement['Sid']}: {sorted(actions)} on *"
            continue
        for resource in resources:
            names = _names(resource) - PSEUDO_PARAMETERS
            assert names and names <= own, f"{statement['Sid']}: {resource}"


def test_the_merge_keeps_the_policies_and_adds_only_the_vpc_access() -> None:
    resources = json.loads(TEMPLATE.read_text())["Resources"]
    for function in app_config.functions(config()):
        role = resources[function.role]["Properties"]
        assert "Policies" not in role  # the hand-written file is the policy
        condition, when_on, when_off = role["ManagedPolicyArns"]["Fn::If"]
        assert condition == "FixedEgressIp" and when_off == {"Ref": "AWS::NoValue"}
        assert {arn["Fn::Sub"] for arn in when_on} <= ALLOWED_MANAGED_POLICIES


def test_the_scan_sees_the_calls_behind_the_store_and_the_queue() -> None:
    """A scan that found nothing would make the tests above vacuous: these calls are known to exist."""
    api = {call.where: call.action for call in aws_calls("api_handler")}
    assert api["chalicelib.store.dynamodb:DynamoStore.claim_event"] == "dynamodb:PutItem"  # via getattr
    assert api["chalicelib.queue:SqsDispatcher.dispatch"] == "sqs:SendMessage"


def test_the_scan_follows_handlers_registered_by_module_name() -> None:
    """Domains join the worker as strings in `registry.DOMAINS`; their handlers must count as reached."""
    assert "chalicelib.kernel.commands:show_help" in reachable("worker")


def _names(resource: Any) -> set[str]:
    """What a Ref, GetAtt or Sub refers to: template resources and pseudo parameters."""
    if isinstance(resource, dict) and "Ref" in resource:
        return {resource["Ref"]}
    if isinstance(resource, dict) and "Fn::GetAtt" in resource:
        return {resource["Fn::GetAtt"][0]}
    if isinstance(resource, dict) and isinstance(resource.get("Fn::Sub"), str):
        return {part.split("}")[0].split(".")[0] for part in resource["Fn::Sub"].split("${")[1:]}
    return set()
