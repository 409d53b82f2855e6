"""The optional fixed egress IP (parameter `EnableFixedEgressIp`): WeCom may accept API calls only from
registered IPs (企业可信IP). When on, the functions run in two private subnets whose traffic leaves
through one NAT gateway with one Elastic IP, the address to register. DynamoDB and S3 are reached through
free gateway endpoints, so the table's traffic does not pay for the NAT.
"""

from __future__ import annotations

from typing import Any

from infra.cfn import Json, get_att, ref

CONDITION = "FixedEgressIp"
VPC_CIDR = "10.42.0.0/16"
PUBLIC_CIDR = "10.42.0.0/24"
PRIVATE_CIDRS = {"PrivateSubnetA": ("10.42.1.0/24", 0), "PrivateSubnetB": ("10.42.2.0/24", 1)}


def network() -> dict[str, Json]:
    resources: dict[str, Json] = {
        "Vpc": _resource(
            "AWS::EC2::VPC",
            {"CidrBlock": VPC_CIDR, "EnableDnsSupport": True, "EnableDnsHostnames": True},
        ),
        "InternetGateway": _resource("AWS::EC2::InternetGateway", {}),
        "InternetGatewayAttachment": _resource(
            "AWS::EC2::VPCGatewayAttachment",
            {"VpcId": ref("Vpc"), "InternetGatewayId": ref("InternetGateway")},
        ),
        "PublicSubnet": _resource("AWS::EC2::Subnet", _subnet(PUBLIC_CIDR, 0)),
        "PublicRouteTable": _resource("AWS::EC2::RouteTable", {"VpcId": ref("Vpc")}),
        "PublicDefaultRoute": _resource(
            "AWS::EC2::Route",
            {
                "RouteTableId": ref("PublicRouteTable"),
                "DestinationCidrBlock": "0.0.0.0/0",
                "GatewayId": ref("InternetGateway"),
            },
            depends_on="InternetGatewayAttachment",
        ),
        "PublicSubnetRoutes": _resource(
            "AWS::EC2::SubnetRouteTableAssociation",
            {"SubnetId": ref("PublicSubnet"), "RouteTableId": ref("PublicRouteTable")},
        ),
        "EgressIp": _resource("AWS::EC2::EIP", {"Domain": "vpc"}, depends_on="InternetGatewayAttachment"),
        "NatGateway": _resource(
            "AWS::EC2::NatGateway",
            {"AllocationId": get_att("EgressIp", "AllocationId"), "SubnetId": ref("PublicSubnet")},
        ),
        "PrivateRouteTable": _resource("AWS::EC2::RouteTable", {"VpcId": ref("Vpc")}),
        "PrivateDefaultRoute": _resource(
            "AWS::EC2::Route",
            {
                "RouteTableId": ref("PrivateRouteTable"),
                "DestinationCidrBlock": "0.0.0.0/0",
                "NatGatewayId": ref("NatGateway"),
            },
        ),
        "FunctionSecurityGroup": _resource(
            "AWS::EC2::SecurityGroup",
            {
                "GroupDescription": "qunguan functions: HTTPS out only, nothing in",
                "VpcId": ref("Vpc"),
                "SecurityGroupEgress": [
                    {
                        "Description": "HTTPS to AWS and the messenger APIs",
                        "IpProtocol": "tcp",
                        "FromPort": 443,
                        "ToPort": 443,
                        "CidrIp": "0.0.0.0/0",
                    }
                ],
            },
        ),
    }
    for name, (cidr, zone) in PRIVATE_CIDRS.items():
        resources[name] = _resource("AWS::EC2::Subnet", _subnet(cidr, zone))
        resources[f"{name}Routes"] = _resource(
            "AWS::EC2::SubnetRouteTableAssociation",
            {"SubnetId": ref(name), "RouteTableId": ref("PrivateRouteTable")},
        )
    for service in ("dynamodb", "s3"):
        resources[f"{service.capitalize()}Endpoint"] = _resource(
            "AWS::EC2::VPCEndpoint",
            {
                "VpcId": ref("Vpc"),
                "ServiceName": {"Fn::Sub": f"com.amazonaws.${{AWS::Region}}.{service}"},
                "VpcEndpointType": "Gateway",
                "RouteTableIds": [ref("PrivateRouteTable")],
            },
        )
    return resources


def vpc_config() -> Json:
    """The functions' `VpcConfig` when the fixed egress IP is on."""
    return {
        "SecurityGroupIds": [ref("FunctionSecurityGroup")],
        "SubnetIds": [ref(name) for name in PRIVATE_CIDRS],
    }


def _subnet(cidr: str, zone: int) -> Json:
    return {
        "VpcId": ref("Vpc"),
        "CidrBlock": cidr,
        "AvailabilityZone": {"Fn::Select": [zone, {"Fn::GetAZs": ""}]},
        "MapPublicIpOnLaunch": False,
    }


def _resource(kind: str, properties: Json, *, depends_on: str | None = None) -> Json:
    resource: dict[str, Any] = {"Type": kind, "Condition": CONDITION, "Properties": properties}
    if depends_on:
        resource["DependsOn"] = depends_on
    return resource
