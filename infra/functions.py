"""What the merge adds to the resources `chalice package` generates for the app (names from
`infra.app_config.Function`): the functions' names, environment and optional VPC, the worker's queue
subscription, the REST API's name, and the outputs an operator registers with each messenger.

The IAM policies are not here: each role's policy is the function's hand-written `.chalice/policy-*.json`,
which chalice embeds verbatim, CloudFormation references included (see docs/deploy.md).
"""

from __future__ import annotations

from chalicelib.routes import ROUTES
from infra.app_config import Function
from infra.cfn import NO_VALUE, STACK_NAME, Json, arn, checkov_skips, if_, ref, sub
from infra.monitoring import ACCESS_LOG_FORMAT, ACCESS_LOG_GROUP, API_GATEWAY_ACCOUNT
from infra.network import CONDITION, vpc_config

# chalice's name for the worker's SQS subscription: "<function>-sqs-event-source", CamelCased.
SQS_EVENT_SOURCES = {"worker": "WorkerSqsEventSource"}
# AWS's managed policy with exactly the ENI actions a function in a VPC needs (and nothing for logs).
ENI_POLICY = "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaENIManagementAccess"

FUNCTION_SKIPS = {
    "CKV_AWS_116": "a dead-letter queue is for asynchronous invocations; the API is synchronous and the "
    "worker's failures go to the event queue's own dead-letter queue",
    "CKV_AWS_115": "reserved concurrency takes from the account's pool and fails on new accounts; "
    "FIFO message groups bound the worker, the account's API Gateway throttle bounds ingress",
    "CKV_AWS_173": "the environment holds resource names only; the secrets are in Secrets Manager",
}

API_SKIPS = {
    "CKV_AWS_73": "X-Ray adds a cost per request; the access log and the handler's JSON lines share the "
    "request ids (requestId, the Lambda request id) that join a request's story",
    "CKV_AWS_120": "every request is a signed, one-off webhook POST: there is nothing to cache",
}


# The functions that send members links to archived files (`<QG_PUBLIC_URL>/files/<token>`, R6.4): the API's
# own stage URL. (The API handler cannot name its own API: that would be a circular reference.) A custom
# domain goes into the settings secret as QG_PUBLIC_URL, which wins over this.
LINKING_FUNCTIONS = frozenset({"worker"})
# The function that pulls WeCom's message archive, with the company's Finance SDK as a layer when the
# FinanceSdkLayerArn parameter names one (WECOM_FINANCE_SDK_PATH=/opt/lib/libWeWorkFinanceSdk_C.so).
ARCHIVE_FUNCTIONS = frozenset({"worker"})
SDK_LAYER_CONDITION = "HasFinanceSdkLayer"
API_BASE = "https://${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"


def environment() -> Json:
    """Where the code finds its AWS resources (DESIGN.md section 3)."""
    return {
        "QG_TABLE_NAME": ref("Table"),
        "QG_QUEUE_URL": ref("Queue"),
        "QG_DISPATCH": "sqs",
        "QG_ARCHIVE_BUCKET": ref("ArchiveBucket"),
        "QG_SECRETS_ID": ref("Secret"),
    }


def function_overrides(functions: list[Function], api_stage: str = "api") -> dict[str, Json]:
    resources: dict[str, Json] = {}
    for function in functions:
        variables = environment()
        if function.name in LINKING_FUNCTIONS:
            variables["QG_PUBLIC_URL"] = sub(f"{API_BASE}/{api_stage}")
        properties: Json = {
            "FunctionName": sub(function.physical_name),
            "Environment": {"Variables": variables},
            "VpcConfig": if_(CONDITION, vpc_config()),
        }
        if function.name in ARCHIVE_FUNCTIONS:
            properties["Layers"] = if_(SDK_LAYER_CONDITION, [ref("FinanceSdkLayerArn")])
        if function.name in SQS_EVENT_SOURCES:
            properties["Events"] = {
                SQS_EVENT_SOURCES[function.name]: {
                    # chalice writes {"Fn::Sub": "arn:...:<queue name>"} and dictionaries merge key by key,
                    # so the same key is what replaces it.
                    "Properties": {
                        "Queue": sub("${Queue.Arn}"),
                        "FunctionResponseTypes": ["ReportBatchItemFailures"],
                    }
                }
            }
        resources[function.resource] = {"Metadata": checkov_skips(FUNCTION_SKIPS), "Properties": properties}
        resources[function.role] = {
            "Properties": {"ManagedPolicyArns": if_(CONDITION, [sub(ENI_POLICY)], NO_VALUE)},
        }
    # The API is named after the stack (the latency alarm finds it by name), in both places a name can
    # come from: the Name property and the title of chalice's OpenAPI body.
    # Its access log: one JSON line per request (infra.monitoring.api_access_logs), once the account's
    # API Gateway logging role is set.
    resources["RestAPI"] = {
        "Metadata": checkov_skips(API_SKIPS),
        "DependsOn": [API_GATEWAY_ACCOUNT],
        "Properties": {
            "Name": STACK_NAME,
            "DefinitionBody": {"info": {"title": STACK_NAME}},
            "AccessLogSetting": {"DestinationArn": arn(ACCESS_LOG_GROUP), "Format": ACCESS_LOG_FORMAT},
        },
    }
    return resources


def outputs(api_stage: str) -> Json:
    base = API_BASE
    values: Json = {
        "TableName": {"Value": ref("Table")},
        "QueueUrl": {"Value": ref("Queue")},
        "DeadLetterQueueUrl": {"Value": ref("DeadLetterQueue")},
        "ArchiveBucketName": {"Value": ref("ArchiveBucket")},
        "SecretArn": {"Value": ref("Secret")},
        "AlarmTopicArn": {"Value": ref("AlarmTopic")},
        "EgressIp": {
            "Condition": CONDITION,
            "Description": "register it as WeCom's trusted IP (企业可信IP)",
            "Value": ref("EgressIp"),
        },
    }
    values["FilesBaseUrl"] = {
        "Description": "members' links to archived files, <this>/<token> (QG_PUBLIC_URL precedes /files)",
        "Value": sub(f"{base}/{api_stage}/files"),
    }
    for route in ROUTES.values():
        name = "".join(part.capitalize() for part in route.name.split(".")) + "Url"
        values[name] = {
            "Description": f"callback URL for {route.name}",
            "Value": sub(f"{base}/{api_stage}{route.path}"),
        }
    return values
