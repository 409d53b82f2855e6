"""What tells an operator something is wrong: each function's log group, and alarms on the dead-letter
queue, on function errors and throttles, and on ingress latency, all sent to one encrypted SNS topic
(with an optional e-mail subscription)."""

from __future__ import annotations

import json

from infra.app_config import Function
from infra.cfn import Json, arn, get_att, ref, sub

FIVE_MINUTES = 300
# DingTalk wants its event reply within 1.5 s (PROTOCOLS.md section 0): alarm well before that.
INGRESS_P99_MS = 1000


def log_groups(functions: list[Function]) -> dict[str, Json]:
    """Created here rather than by Lambda on first use, so that they are encrypted and expire."""
    return {
        function.log_group: {
            "Type": "AWS::Logs::LogGroup",
            "Properties": {
                "LogGroupName": sub(f"/aws/lambda/{function.physical_name}"),
                "RetentionInDays": ref("LogRetentionDays"),
                "KmsKeyId": arn("DataKey"),
            },
        }
        for function in functions
    }


# One JSON object per request, in the API's access log. `resourcePath` is the route's template
# (`/files/{token}`), never the path a request used, so no file-link token is written; `functionRequestId`
# is the Lambda invocation's id, which the function's own log lines carry as `function_request_id`, and
# `requestId` is what they carry as `request_id` (chalicelib.logs).
ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "extendedRequestId": "$context.extendedRequestId",
        "requestTime": "$context.requestTime",
        "ip": "$context.identity.sourceIp",
        "httpMethod": "$context.httpMethod",
        "resourcePath": "$context.resourcePath",
        "protocol": "$context.protocol",
        "status": "$context.status",
        "responseLength": "$context.responseLength",
        "responseLatency": "$context.responseLatency",
        "integrationLatency": "$context.integrationLatency",
        "integrationStatus": "$context.integration.status",
        "functionRequestId": "$context.integration.requestId",
        "integrationError": "$context.integration.error",
    },
    separators=(",", ":"),
)
ACCESS_LOG_GROUP = "ApiAccessLogGroup"
API_GATEWAY_ACCOUNT = "ApiGatewayAccount"
PUSH_TO_LOGS_POLICY = (
    "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
)


def api_access_logs() -> dict[str, Json]:
    """The REST API's access log: its own log group (encrypted, expiring), and the role API Gateway needs
    to write to CloudWatch Logs at all. That role is a setting of the account and region
    (`AWS::ApiGateway::Account`), not of one API: the stack sets it to a role of its own, kept when the
    stack is deleted so that other APIs' logs do not stop; an account that has such a role already works
    the same with this one (both carry only AWS's AmazonAPIGatewayPushToCloudWatchLogs)."""
    return {
        ACCESS_LOG_GROUP: {
            "Type": "AWS::Logs::LogGroup",
            "Properties": {
                "LogGroupName": sub("/aws/apigateway/${AWS::StackName}-access"),
                "RetentionInDays": ref("LogRetentionDays"),
                "KmsKeyId": arn("DataKey"),
            },
        },
        "ApiGatewayLogsRole": {
            "Type": "AWS::IAM::Role",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "apigateway.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                            "Condition": {"StringEquals": {"aws:SourceAccount": sub("${AWS::AccountId}")}},
                        }
                    ],
                },
                "ManagedPolicyArns": [sub(PUSH_TO_LOGS_POLICY)],
            },
        },
        API_GATEWAY_ACCOUNT: {
            "Type": "AWS::ApiGateway::Account",
            "Properties": {"CloudWatchRoleArn": arn("ApiGatewayLogsRole")},
        },
    }


def topic() -> dict[str, Json]:
    return {
        "AlarmTopic": {
            "Type": "AWS::SNS::Topic",
            "Properties": {
                "DisplayName": sub("qunguan ${AWS::StackName} alarms"),
                "KmsMasterKeyId": ref("DataKey"),
            },
        },
        "AlarmEmailSubscription": {
            "Type": "AWS::SNS::Subscription",
            "Condition": "HasAlarmEmail",
            "Properties": {"TopicArn": ref("AlarmTopic"), "Protocol": "email", "Endpoint": ref("AlarmEmail")},
        },
    }


def alarms(functions: list[Function], api_stage: str) -> dict[str, Json]:
    resources = {
        "DeadLetterQueueAlarm": _alarm(
            "An event failed 5 times and waits in the dead-letter queue: read the worker's log, replay it",
            namespace="AWS/SQS",
            metric="ApproximateNumberOfMessagesVisible",
            dimensions={"QueueName": get_att("DeadLetterQueue", "QueueName")},
            statistic="Maximum",
        ),
        "IngressLatencyAlarm": _alarm(
            f"p99 ingress latency above {INGRESS_P99_MS} ms: DingTalk drops events not answered in 1.5 s",
            namespace="AWS/ApiGateway",
            metric="Latency",
            dimensions={"ApiName": ref("AWS::StackName"), "Stage": api_stage},
            extended_statistic="p99",
            threshold=INGRESS_P99_MS,
            periods=3,
        ),
    }
    for function in functions:
        for metric in ("Errors", "Throttles"):
            resources[f"{function.resource}{metric}Alarm"] = _alarm(
                f"{function.name}: {metric.lower()} in the last five minutes",
                namespace="AWS/Lambda",
                metric=metric,
                dimensions={"FunctionName": ref(function.resource)},
                statistic="Sum",
            )
    return resources


# A line the code logs when only an operator can fix something (chalicelib/adapters/wecom/archive:
# an IP not on WeCom's trusted list, an expired archive licence, a key version not configured).
OPERATOR_ALERT = "QG_ALERT"


def operator_alerts(functions: list[Function]) -> dict[str, Json]:
    """A metric of the `QG_ALERT` lines in the worker's log, and an alarm on it: raised once a day per
    kind by the code, so each alarm is news."""
    worker = next(function for function in functions if function.name == "worker")
    namespace = sub("qunguan/${AWS::StackName}")
    return {
        "OperatorAlertMetricFilter": {
            "Type": "AWS::Logs::MetricFilter",
            "Properties": {
                "LogGroupName": ref(worker.log_group),
                "FilterPattern": f'"{OPERATOR_ALERT}"',
                "MetricTransformations": [
                    {
                        "MetricNamespace": namespace,
                        "MetricName": "OperatorAlerts",
                        "MetricValue": "1",
                        "DefaultValue": 0,
                    }
                ],
            },
        },
        "OperatorAlertAlarm": _alarm(
            f"the worker logged {OPERATOR_ALERT}: something only an operator can fix (the line says what)",
            namespace=namespace,
            metric="OperatorAlerts",
            dimensions={},
            statistic="Sum",
        ),
    }


def _alarm(
    description: str,
    *,
    namespace: str | Json,
    metric: str,
    dimensions: dict[str, object],
    statistic: str | None = None,
    extended_statistic: str | None = None,
    threshold: int = 0,
    periods: int = 1,
) -> Json:
    properties: Json = {
        "AlarmDescription": description,
        "Namespace": namespace,
        "MetricName": metric,
        "Dimensions": [{"Name": name, "Value": value} for name, value in dimensions.items()],
        "Period": FIVE_MINUTES,
        "EvaluationPeriods": periods,
        "Threshold": threshold,
        "ComparisonOperator": "GreaterThanThreshold",
        "TreatMissingData": "notBreaching",
        "AlarmActions": [ref("AlarmTopic")],
        "OKActions": [ref("AlarmTopic")],
    }
    if statistic:
        properties["Statistic"] = statistic
    if extended_statistic:
        properties["ExtendedStatistic"] = extended_statistic
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": properties}
