"""Small builders for CloudFormation's intrinsic functions, so the resource modules read like the template."""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]

NO_VALUE: Json = {"Ref": "AWS::NoValue"}
STACK_NAME: Json = {"Ref": "AWS::StackName"}


def ref(name: str) -> Json:
    return {"Ref": name}


def arn(resource: str) -> Json:
    return {"Fn::GetAtt": [resource, "Arn"]}


def get_att(resource: str, attribute: str) -> Json:
    return {"Fn::GetAtt": [resource, attribute]}


def sub(text: str) -> Json:
    return {"Fn::Sub": text}


def if_(condition: str, when_true: Any, when_false: Any = NO_VALUE) -> Json:
    return {"Fn::If": [condition, when_true, when_false]}


def checkov_skips(reasons: dict[str, str]) -> Json:
    """Resource `Metadata` that tells checkov which checks do not apply here, and why."""
    return {
        "checkov": {"skip": [{"id": check, "comment": reason} for check, reason in sorted(reasons.items())]}
    }


def deny_insecure_transport(action: str, resources: list[Any]) -> Json:
    """The resource-policy statement that refuses any request not made over TLS."""
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": action,
        "Resource": resources,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
