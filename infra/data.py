"""Where qunguan keeps things: the stack's KMS key, the table, the queues, the archive bucket, the secret,
and the backups. Everything that holds data is encrypted with the stack's key and kept (`Retain`) when the
stack or the resource is deleted or replaced.
"""

from __future__ import annotations

from chalicelib.store.table import TABLE_DEFINITION, TTL_ATTRIBUTE
from infra.cfn import Json, arn, checkov_skips, deny_insecure_transport, ref, sub

KEEP = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
SQS_SSE_SKIP = {
    "CKV_AWS_27": "encrypted at rest with SQS-managed keys (SqsManagedSseEnabled), which this check does not "
    "recognise; a KMS key would add KMS calls and kms grants to every sender and receiver"
}
MAX_RECEIVE_COUNT = 5  # deliveries of one message before it moves to the dead-letter queue
VISIBILITY_PER_TIMEOUT = 6  # AWS's advice for a queue feeding a Lambda function: 6 x its timeout
DAY = 86400
# The log groups the stack's key encrypts: each function's, and the REST API's access log.
STACK_LOG_GROUPS = ("/aws/lambda/${AWS::StackName}-*", "/aws/apigateway/${AWS::StackName}-*")


def key() -> dict[str, Json]:
    """One customer-managed key for the stack. The account administers it through IAM (the usual default
    statement); CloudWatch Logs may use it for the stack's log groups (the functions' and the API's access
    log), and CloudWatch alarms for the encrypted alarm topic. Each service statement is held to this
    account's own resources: the log groups by the encryption context CloudWatch Logs sends (its ARN names
    the account; docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html), the alarms by
    `aws:SourceAccount` and `aws:SourceArn` (sns-key-management.html#compatibility-with-aws-services), so
    that neither service can use the key on behalf of another account (the confused deputy). Everything
    else reaches the key through IAM policies that name it."""
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AccountAdministersTheKeyThroughIam",
                "Effect": "Allow",
                "Principal": {"AWS": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "LogsEncryptTheStacksLogGroups",
                "Effect": "Allow",
                "Principal": {"Service": sub("logs.${AWS::Region}.amazonaws.com")},
                "Action": [
                    "kms:Encrypt*",
                    "kms:Decrypt*",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:Describe*",
                ],
                "Resource": "*",
                "Condition": {
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": [
                            sub(
                                f"arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:{group}"
                            )
                            for group in STACK_LOG_GROUPS
                        ]
                    }
                },
            },
            {
                "Sid": "AlarmsPublishToTheEncryptedTopic",
                "Effect": "Allow",
                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": sub("${AWS::AccountId}")},
                    "ArnLike": {
                        "aws:SourceArn": sub(
                            "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}"
                            ":alarm:${AWS::StackName}-*"
                        )
                    },
                },
            },
        ],
    }
    return {
        "DataKey": {
            "Type": "AWS::KMS::Key",
            **KEEP,  # without it the table, its backups, the bucket and the secret cannot be read
            "Properties": {
                "Description": sub("qunguan ${AWS::StackName}: table, secret, bucket, backups, logs, alarms"),
                "EnableKeyRotation": True,
                "PendingWindowInDays": 30,
                "KeyPolicy": policy,
            },
        },
        "DataKeyAlias": {
            "Type": "AWS::KMS::Alias",
            "Properties": {"AliasName": sub("alias/${AWS::StackName}-data"), "TargetKeyId": ref("DataKey")},
        },
    }


def table() -> dict[str, Json]:
    """The one table, built from `chalicelib.store.table` (the same definition the local stack uses)."""
    return {
        "Table": {
            "Type": "AWS::DynamoDB::Table",
            **KEEP,
            "Properties": {
                **TABLE_DEFINITION,
                "TimeToLiveSpecification": {"AttributeName": TTL_ATTRIBUTE, "Enabled": True},
                "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
                "SSESpecification": {"SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": arn("DataKey")},
                "DeletionProtectionEnabled": True,
            },
        }
    }


def queues(worker_timeout: int) -> dict[str, Json]:
    """The FIFO event queue (one message group per chat, so a chat's events are handled in order) and its
    dead-letter queue. Deduplication is by the `MessageDeduplicationId` the code sends, not by content."""
    return {
        "Queue": {
            "Type": "AWS::SQS::Queue",
            "Metadata": checkov_skips(SQS_SSE_SKIP),
            "Properties": {
                "QueueName": sub("${AWS::StackName}-events.fifo"),
                "FifoQueue": True,
                "ContentBasedDeduplication": False,
                "DeduplicationScope": "messageGroup",
                "FifoThroughputLimit": "perMessageGroupId",
                "VisibilityTimeout": VISIBILITY_PER_TIMEOUT * worker_timeout,
                "MessageRetentionPeriod": 4 * DAY,
                "SqsManagedSseEnabled": True,
                "RedrivePolicy": {
                    "deadLetterTargetArn": arn("DeadLetterQueue"),
                    "maxReceiveCount": MAX_RECEIVE_COUNT,
                },
            },
        },
        "DeadLetterQueue": {
            "Type": "AWS::SQS::Queue",
            "Metadata": checkov_skips(SQS_SSE_SKIP),
            "Properties": {
                "QueueName": sub("${AWS::StackName}-events-dlq.fifo"),
                "FifoQueue": True,
                "MessageRetentionPeriod": 14 * DAY,  # the longest SQS keeps a message: time to replay
                "SqsManagedSseEnabled": True,
            },
        },
        "QueuePolicy": {
            "Type": "AWS::SQS::QueuePolicy",
            "Properties": {
                "Queues": [ref("Queue"), ref("DeadLetterQueue")],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [deny_insecure_transport("sqs:*", [arn("Queue"), arn("DeadLetterQueue")])],
                },
            },
        },
    }


def bucket() -> dict[str, Json]:
    """Exports, archives, reports and the groups' files (`files/`, R6.5-R6.8), by prefix. Private (public
    access blocked, no ACLs), encrypted with the stack's key, versioned, TLS-only; each prefix has its own
    retention, and replaced versions go after 30 days."""
    rules = [
        {"Id": "ExportsExpire", "Prefix": "exports/", "Status": "Enabled", "ExpirationInDays": 30},
        # A person's own export (`/qg mydata`, chalicelib.persons.export): its links live an hour.
        {"Id": "PersonalExportsExpire", "Prefix": "mydata/", "Status": "Enabled", "ExpirationInDays": 1},
        {"Id": "ReportsExpire", "Prefix": "reports/", "Status": "Enabled", "ExpirationInDays": 400},
        {
            "Id": "ArchivesToGlacier",
            "Prefix": "archives/",
            "Status": "Enabled",
            "Transitions": [{"StorageClass": "GLACIER_IR", "TransitionInDays": 90}],
        },
        {
            # R6.5-R6.7: the group archives. Each file is deleted with every version by the cleanup job when
            # its group's `retention.files` ends; here they only move to a cheaper class once rarely read,
            # and a delete marker left alone is removed.
            "Id": "FilesToInfrequentAccess",
            "Prefix": "files/",
            "Status": "Enabled",
            "Transitions": [{"StorageClass": "STANDARD_IA", "TransitionInDays": 30}],
            "ExpiredObjectDeleteMarker": True,
        },
        {
            "Id": "OldVersionsAndUploads",
            "Status": "Enabled",
            "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
        },
    ]
    return {
        "ArchiveBucket": {
            "Type": "AWS::S3::Bucket",
            **KEEP,
            "Metadata": checkov_skips(
                {
                    "CKV_AWS_18": "server access logs need a second bucket for one app's exports; "
                    "CloudTrail data events are the account's audit trail for object access"
                }
            ),
            "Properties": {
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [
                        {
                            "ServerSideEncryptionByDefault": {
                                "SSEAlgorithm": "aws:kms",
                                "KMSMasterKeyID": arn("DataKey"),
                            },
                            "BucketKeyEnabled": True,
                        }
                    ]
                },
                "VersioningConfiguration": {"Status": "Enabled"},
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True,
                    "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True,
                    "RestrictPublicBuckets": True,
                },
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                "LifecycleConfiguration": {"Rules": rules},
            },
        },
        "ArchiveBucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": ref("ArchiveBucket"),
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        deny_insecure_transport("s3:*", [arn("ArchiveBucket"), sub("${ArchiveBucket.Arn}/*")])
                    ],
                },
            },
        },
    }


def secret() -> dict[str, Json]:
    """The settings secret (DESIGN.md section 3). The template never holds a value: CloudFormation
    generates a placeholder once, and the operator puts the real JSON with `put-secret-value`."""
    return {
        "Secret": {
            "Type": "AWS::SecretsManager::Secret",
            **KEEP,
            "Properties": {
                "Name": sub("${AWS::StackName}/settings"),
                "Description": "qunguan settings: a JSON object keyed by the names of DESIGN.md section 3",
                "KmsKeyId": arn("DataKey"),
                "GenerateSecretString": {
                    "SecretStringTemplate": "{}",
                    "GenerateStringKey": "placeholder",
                    "ExcludePunctuation": True,
                    "PasswordLength": 16,
                },
            },
        }
    }


def backups() -> dict[str, Json]:
    """AWS Backup of the table, beside its point-in-time recovery: daily copies kept 35 days and monthly
    copies kept a year, in a vault encrypted with the stack's key."""
    return {
        "BackupVault": {
            "Type": "AWS::Backup::BackupVault",
            **KEEP,
            "Properties": {
                "BackupVaultName": sub("${AWS::StackName}-vault"),
                "EncryptionKeyArn": arn("DataKey"),
            },
        },
        "BackupPlan": {
            "Type": "AWS::Backup::BackupPlan",
            "Properties": {
                "BackupPlan": {
                    "BackupPlanName": sub("${AWS::StackName}-table"),
                    "BackupPlanRule": [
                        {
                            "RuleName": "Daily",
                            "TargetBackupVault": ref("BackupVault"),
                            "ScheduleExpression": "cron(0 19 * * ? *)",  # 03:00 in China, the quiet hours
                            "Lifecycle": {"DeleteAfterDays": 35},
                        },
                        {
                            "RuleName": "Monthly",
                            "TargetBackupVault": ref("BackupVault"),
                            "ScheduleExpression": "cron(0 19 1 * ? *)",
                            "Lifecycle": {"DeleteAfterDays": 365},
                        },
                    ],
                }
            },
        },
        "BackupRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "backup.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                },
                "ManagedPolicyArns": [
                    sub(
                        "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"
                    ),
                    sub(
                        "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores"
                    ),
                ],
            },
        },
        "BackupSelection": {
            "Type": "AWS::Backup::BackupSelection",
            "Properties": {
                "BackupPlanId": ref("BackupPlan"),
                "BackupSelection": {
                    "SelectionName": "Table",
                    "IamRoleArn": arn("BackupRole"),
                    "Resources": [arn("Table")],
                },
            },
        },
    }
