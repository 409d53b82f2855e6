"""What infra needs to know about the chalice app, read from `.chalice/config.json` with chalice's own
lookup rules (a function's stanza, then its stage, then the top level): the Lambda functions chalice
builds, their timeouts, and the API Gateway stage."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalice.config import Config
from chalice.constants import DEFAULT_LAMBDA_TIMEOUT
from chalice.utils import to_cfn_resource_name

ROOT = Path(__file__).resolve().parents[1]
CONFIG_FILE = ROOT / ".chalice" / "config.json"
API_HANDLER = "api_handler"
PACKAGED_STAGE = "prod"


@dataclass(frozen=True)
class Function:
    """One Lambda function of the app and the names chalice gives its resources in the template."""

    name: str

    @property
    def resource(self) -> str:
        return "APIHandler" if self.name == API_HANDLER else to_cfn_resource_name(self.name)

    @property
    def role(self) -> str:
        return to_cfn_resource_name(f"{self.name}_role")

    @property
    def log_group(self) -> str:
        """The log group infra creates for it (encrypted, with a retention), named after the function."""
        return to_cfn_resource_name(f"{self.name}_logs")

    @property
    def physical_name(self) -> str:
        """`${AWS::StackName}-<name>`: fixed, so that the log group and the IAM policy can name it."""
        return f"${{AWS::StackName}}-{self.name}"


def load_config() -> dict[str, Any]:
    config: dict[str, Any] = json.loads(CONFIG_FILE.read_text())
    return config


def functions(config: dict[str, Any]) -> list[Function]:
    """The API handler, then every function with a stanza under `lambda_functions` (each has a policy)."""
    stanzas: dict[str, Any] = config.get("lambda_functions", {})
    return [Function(API_HANDLER), *(Function(name) for name in stanzas if name != API_HANDLER)]


def stages(config: dict[str, Any]) -> list[str]:
    return sorted(config.get("stages", {}))


def lambda_timeout(config: dict[str, Any], function: str) -> int:
    """The function's longest timeout over all stages (the queue's visibility timeout must cover each)."""
    return max(
        int(
            Config(
                chalice_stage=stage,
                function_name=function,
                config_from_disk=config,
                default_params={"lambda_timeout": DEFAULT_LAMBDA_TIMEOUT},
            ).lambda_timeout
        )
        for stage in stages(config)
    )


def api_gateway_stage(config: dict[str, Any]) -> str:
    defaults = {"api_gateway_stage": "api"}
    return str(
        Config(
            chalice_stage=PACKAGED_STAGE, config_from_disk=config, default_params=defaults
        ).api_gateway_stage
    )
