"""infra/template.json is what infra/build.py generates, and it says what the code and DESIGN.md rely on."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.routes import ROUTES
from chalicelib.store.table import TABLE_DEFINITION, TTL_ATTRIBUTE
from infra import app_config
from infra.build import TEMPLATE, build_template, render
from infra.data import MAX_RECEIVE_COUNT


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(TEMPLATE.read_text())
    return loaded


@pytest.fixture(scope="module")
def resources(template: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = template["Resources"]
    return found


def test_the_committed_template_is_what_build_generates() -> None:
    assert TEMPLATE.read_text() == render(build_template()), "run: python -m infra.build"


def test_the_table_is_the_one_chalicelib_defines(resources: dict[str, Any]) -> None:
    properties = resources["Table"]["Properties"]
    for name in ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "BillingMode"):
        assert properties[name] == TABLE_DEFINITION[name]
    assert [index["IndexName"] for index in properties["GlobalSecondaryIndexes"]] == ["GSI1", "GSI2"]


def test_the_table_expires_items_keeps_backups_and_survives_the_stack(resources: dict[str, Any]) -> None:
    table = resources["Table"]
    properties = table["Properties"]
    assert properties["TimeToLiveSpecification"] == {"AttributeName": TTL_ATTRIBUTE, "Enabled": True}
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert properties["SSESpecification"]["SSEType"] == "KMS"
    assert properties["DeletionProtectionEnabled"] is True
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"
    selection = resources["BackupSelection"]["Properties"]["BackupSelection"]
    assert selection["Resources"] == [{"Fn::GetAtt": ["Table", "Arn"]}]


def test_the_event_queue_is_fifo_with_a_dead_letter_queue(resources: dict[str, Any]) -> None:
    queue = resources["Queue"]["Properties"]
    assert queue["FifoQueue"] is True
    assert queue["ContentBasedDeduplication"] is False  # the code sends MessageDeduplicationId
    assert queue["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": ["DeadLetterQueue", "Arn"]},
        "maxReceiveCount": MAX_RECEIVE_COUNT,
    }
    assert resources["DeadLetterQueue"]["Properties"]["FifoQueue"] is True
    assert (
        queue["SqsManagedSseEnabled"]
        is resources["DeadLetterQueue"]["Properties"]["SqsManagedSseEnabled"]
        is True
    )


def test_a_message_stays_hidden_for_six_worker_timeouts(resources: dict[str, Any]) -> None:
    timeout = app_config.lambda_timeout(app_config.load_config(), "worker")
    assert resources["Queue"]["Properties"]["VisibilityTimeout"] >= 6 * timeout


def test_the_worker_reports_partial_batch_failures_from_the_stacks_queue(resources: dict[str, Any]) -> None:
    source = resources["Worker"]["Properties"]["Events"]["WorkerSqsEventSource"]["Properties"]
    assert source == {
        "Queue": {"Fn::Sub": "${Queue.Arn}"},
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
    }


@pytest.mark.parametrize("function", app_config.functions(app_config.load_config()), ids=lambda f: f.name)
def test_every_function_finds_the_stacks_resources(
    resources: dict[str, Any], function: app_config.Function
) -> None:
    variables = dict(resources[function.resource]["Properties"]["Environment"]["Variables"])
    # The worker sends members links to archived files: they go through the API's own stage URL.
    if function.name == "worker":
        assert variables.pop("QG_PUBLIC_URL") == {
            "Fn::Sub": "https://${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}/api"
        }
    assert variables == {
        "QG_TABLE_NAME": {"Ref": "Table"},
        "QG_QUEUE_URL": {"Ref": "Queue"},
        "QG_DISPATCH": "sqs",
        "QG_ARCHIVE_BUCKET": {"Ref": "ArchiveBucket"},
        "QG_SECRETS_ID": {"Ref": "Secret"},
    }
    assert resources[function.resource]["Properties"]["VpcConfig"]["Fn::If"][0] == "FixedEgressIp"
    assert function.log_group in resources


def test_the_secret_has_no_value_in_the_template(resources: dict[str, Any]) -> None:
    properties = resources["Secret"]["Properties"]
    assert "SecretString" not in properties
    assert properties["GenerateSecretString"]["SecretStringTemplate"] == "{}"


def test_the_bucket_is_private_encrypted_versioned_and_tls_only(resources: dict[str, Any]) -> None:
    properties = resources["ArchiveBucket"]["Properties"]
    assert all(properties["PublicAccessBlockConfiguration"].values())
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    rule = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert properties["LifecycleConfiguration"]["Rules"]
    files = [rule for rule in properties["LifecycleConfiguration"]["Rules"] if rule.get("Prefix") == "files/"]
    assert files and "ExpirationInDays" not in files[0]  # files expire per group, by the cleanup job
    (statement,) = resources["ArchiveBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_the_fixed_egress_ip_is_optional_and_off_by_default(template: dict[str, Any]) -> None:
    assert template["Parameters"]["EnableFixedEgressIp"]["Default"] == "false"
    network = [
        name
        for name, resource in template["Resources"].items()
        if resource.get("Condition") == "FixedEgressIp"
    ]
    assert {"Vpc", "NatGateway", "EgressIp"} <= set(network)
    assert template["Outputs"]["EgressIp"]["Condition"] == "FixedEgressIp"


def test_there_is_an_alarm_for_each_failure_an_operator_must_see(resources: dict[str, Any]) -> None:
    alarms = {
        name: r["Properties"] for name, r in resources.items() if r.get("Type") == "AWS::CloudWatch::Alarm"
    }
    metrics = {(a["Namespace"], a["MetricName"]) for a in alarms.values() if isinstance(a["Namespace"], str)}
    assert {
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible"),
        ("AWS/Lambda", "Errors"),
        ("AWS/Lambda", "Throttles"),
        ("AWS/ApiGateway", "Latency"),
    } <= metrics
    assert alarms["IngressLatencyAlarm"]["ExtendedStatistic"] == "p99"
    # The lines only an operator can act on (the WeCom archive's QG_ALERT), counted per stack.
    operator = alarms["OperatorAlertAlarm"]
    assert operator["MetricName"] == "OperatorAlerts"
    assert resources["OperatorAlertMetricFilter"]["Properties"]["FilterPattern"] == '"QG_ALERT"'
    assert all(a["AlarmActions"] == [{"Ref": "AlarmTopic"}] for a in alarms.values())
    assert "KmsMasterKeyId" in resources["AlarmTopic"]["Properties"]


def test_every_route_has_its_callback_url_in_the_outputs(template: dict[str, Any]) -> None:
    stage = app_config.api_gateway_stage(app_config.load_config())
    urls = [
        out["Value"]["Fn::Sub"]
        for out in template["Outputs"].values()
        if "callback" in out.get("Description", "")
    ]
    assert sorted(url.split(f".${{AWS::URLSuffix}}/{stage}")[1] for url in urls) == sorted(
        r.path for r in ROUTES.values()
    )


def test_every_checkov_skip_gives_a_reason(resources: dict[str, Any]) -> None:
    skips = [
        skip for r in resources.values() for skip in r.get("Metadata", {}).get("checkov", {}).get("skip", [])
    ]
    assert skips
    assert all(skip["id"].startswith("CKV") and len(skip["comment"]) > 20 for skip in skips)


def test_the_api_writes_an_access_log_to_an_encrypted_expiring_log_group(resources: dict[str, Any]) -> None:
    api = resources["RestAPI"]
    setting = api["Properties"]["AccessLogSetting"]
    assert setting["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    fields = json.loads(setting["Format"])
    assert {"requestId", "functionRequestId", "status", "resourcePath"} <= set(fields)
    assert "$context.path" not in setting["Format"]  # the path of /files/{token} holds the token
    group = resources["ApiAccessLogGroup"]["Properties"]
    assert group["RetentionInDays"] == {"Ref": "LogRetentionDays"} and "KmsKeyId" in group
    assert resources["ApiGatewayAccount"]["Properties"]["CloudWatchRoleArn"]
    assert "ApiGatewayAccount" in api["DependsOn"]
    skipped = [skip["id"] for skip in api["Metadata"]["checkov"]["skip"]]
    assert "CKV_AWS_76" not in skipped


def test_the_key_lets_cloudwatch_use_it_only_for_this_accounts_log_groups_and_alarms(
    resources: dict[str, Any],
) -> None:
    statements = {s["Sid"]: s for s in resources["DataKey"]["Properties"]["KeyPolicy"]["Statement"]}
    logs = statements["LogsEncryptTheStacksLogGroups"]["Condition"]["ArnLike"]
    groups = json.dumps(logs["kms:EncryptionContext:aws:logs:arn"])
    assert "${AWS::AccountId}:log-group:/aws/lambda/" in groups and "/aws/apigateway/" in groups
    alarms = statements["AlarmsPublishToTheEncryptedTopic"]["Condition"]
    assert alarms["StringEquals"]["aws:SourceAccount"] == {"Fn::Sub": "${AWS::AccountId}"}
    assert ":alarm:${AWS::StackName}-*" in alarms["ArnLike"]["aws:SourceArn"]["Fn::Sub"]
