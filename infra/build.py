"""Writes infra/template.json, the template `chalice package --merge-template` merges into chalice's own.

    python -m infra.build            # write it
    python -m infra.build --check    # exit 1 if the committed file is not what this generates

The table comes from `chalicelib.store.table`, the callback URLs from `chalicelib.routes`, the functions
and timeouts from `.chalice/config.json`: the template is generated from them, never edited by hand.
The merge is a deep merge of dictionaries (lists replace), so the entries for chalice's own resources
(`APIHandler`, `Worker`, their roles, `RestAPI`) add properties to what chalice generates.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from infra import app_config, data, functions, monitoring, network
from infra.cfn import Json

TEMPLATE = Path(__file__).resolve().parent / "template.json"
WORKER = "worker"


def build_template(config: dict[str, Any] | None = None) -> Json:
    config = config if config is not None else app_config.load_config()
    app_functions = app_config.functions(config)
    api_stage = app_config.api_gateway_stage(config)
    resources: dict[str, Any] = {
        **data.key(),
        **data.table(),
        **data.queues(app_config.lambda_timeout(config, WORKER)),
        **data.bucket(),
        **data.secret(),
        **data.backups(),
        **monitoring.log_groups(app_functions),
        **monitoring.api_access_logs(),
        **monitoring.topic(),
        **monitoring.alarms(app_functions, api_stage),
        **monitoring.operator_alerts(app_functions),
        **network.network(),
        **functions.function_overrides(app_functions, api_stage),
    }
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "qunguan: group governance for WeCom, DingTalk and Slack (written by infra/build.py)",
        "Parameters": {
            "EnableFixedEgressIp": {
                "Type": "String",
                "AllowedValues": ["true", "false"],
                "Default": "false",
                "Description": "run the functions in a VPC whose traffic leaves through one Elastic IP "
                "(for WeCom's trusted IPs); costs a NAT gateway",
            },
            "AlarmEmail": {
                "Type": "String",
                "Default": "",
                "Description": "an address to subscribe to the alarm topic (confirm the e-mail); empty: none",
            },
            "FinanceSdkLayerArn": {
                "Type": "String",
                "Default": "",
                "Description": "a Lambda layer holding the company's WeCom Finance SDK "
                "(lib/libWeWorkFinanceSdk_C.so) for the message archive; empty: none",
            },
            "LogRetentionDays": {
                "Type": "Number",
                "Default": 90,
                "AllowedValues": [14, 30, 60, 90, 180, 365, 731],
                "Description": "how long the functions' logs and the API's access log are kept",
            },
        },
        "Conditions": {
            network.CONDITION: {"Fn::Equals": [{"Ref": "EnableFixedEgressIp"}, "true"]},
            "HasAlarmEmail": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]},
            functions.SDK_LAYER_CONDITION: {"Fn::Not": [{"Fn::Equals": [{"Ref": "FinanceSdkLayerArn"}, ""]}]},
        },
        "Resources": resources,
        "Outputs": functions.outputs(api_stage),
    }


def render(template: Json) -> str:
    return json.dumps(template, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="fail if template.json is out of date")
    args = parser.parse_args(argv)
    text = render(build_template())
    if args.check:
        if not TEMPLATE.exists() or TEMPLATE.read_text() != text:
            print(f"{TEMPLATE} is out of date: run python -m infra.build", file=sys.stderr)
            return 1
        return 0
    TEMPLATE.write_text(text)
    print(f"wrote {TEMPLATE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
