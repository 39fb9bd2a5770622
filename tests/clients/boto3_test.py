#!/usr/bin/python3
"""boto3 against `gluefake serve`: every operation, every error, pagination, retries.

    GLUE_ENDPOINT=http://127.0.0.1:PORT /usr/bin/python3 tests/clients/boto3_test.py

Run by tests/test_clients.sh with Debian's python3-boto3.  Every test starts
from an empty fake (POST /_gluefake/reset) with a fixed clock, so that every
timestamp is known: the n-th create or policy put is stamped 1700000000 + n - 1.
"""
import datetime
import json
import os
import sys
import unittest
import urllib.error
import urllib.request

# The retry behaviour under test is boto3's default: drop what the AWS CLI
# suite sets, and keep a developer's ~/.aws out of the way.
for name in ("AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
    os.environ.pop(name, None)
os.environ.setdefault("AWS_CONFIG_FILE", os.devnull)
os.environ.setdefault("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

import boto3  # noqa: E402
import botocore  # noqa: E402
import botocore.endpoint  # noqa: E402
import botocore.exceptions  # noqa: E402
from botocore.config import Config  # noqa: E402

ENDPOINT = os.environ.get("GLUE_ENDPOINT", "").rstrip("/")
ACCOUNT = "123456789012"
NOW = 1700000000
KMS = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
CATALOG_ARN = "arn:aws:glue:us-east-1:123456789012:catalog"
POLICY = '{"Version":"2012-10-17","Statement":[]}'
POLICY2 = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},'
           '"Action":"glue:GetDatabase","Resource":"*"}]}')
ERRORS = ["AlreadyExistsException", "ConditionCheckFailureException", "EntityNotFoundException",
          "InternalServiceException", "InvalidInputException", "OperationTimeoutException",
          "ResourceNumberLimitExceededException"]


def at(seconds):
    """The datetime boto3 gives for an epoch-seconds timestamp (aware datetimes
    compare equal whatever their time zone)."""
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)


def control(method, path, body=None):
    """Calls the control plane; returns the answer's text, fails on a non-2xx."""
    data = body.encode() if isinstance(body, str) else body
    request = urllib.request.Request(f"{ENDPOINT}/_gluefake/{path}", data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.read().decode()
    except urllib.error.HTTPError as e:
        raise AssertionError(f"{method} /_gluefake/{path} answered {e.code}: {e.read().decode()}")


def calls():
    """The fake's call log, as a list of transcript entries."""
    return json.loads(control("GET", "calls"))["transcript"]


def new_client(**config):
    return boto3.session.Session().client(
        "glue", endpoint_url=ENDPOINT, region_name="us-east-1", aws_access_key_id="test",
        aws_secret_access_key="test", config=Config(**config))


# Default config (legacy retry mode, 5 attempts); one that never retries; one
# that leaves validation to the server.
glue = None
glue_once = None
glue_unchecked = None


def body(response):
    """The response without its ResponseMetadata."""
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


class GlueTest(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        control("POST", "reset")
        control("POST", "state", json.dumps({"clock": {"now": NOW, "step": 1}}))

    def assertError(self, code, call, *args, message=None, status=400, **kwargs):
        """The call (a bound client method) fails with `code`, caught as the
        calling client's client.exceptions.<code>."""
        client = call.__self__
        with self.assertRaises(getattr(client.exceptions, code)) as caught:
            call(*args, **kwargs)
        error = caught.exception.response["Error"]
        self.assertEqual(error["Code"], code)
        self.assertEqual(caught.exception.response["ResponseMetadata"]["HTTPStatusCode"], status)
        if message is not None:
            self.assertEqual(error["Message"], message)
        self.assertTrue(error["Message"], "an error carries a message")
        return caught.exception


class Operations(GlueTest):
    def test_security_configuration_lifecycle(self):
        """create/get/get-all/delete security configurations: exact results, fixed-clock timestamps"""
        encryption = {
            "S3Encryption": [{"S3EncryptionMode": "SSE-KMS", "KmsKeyArn": KMS},
                             {"S3EncryptionMode": "SSE-S3"}],
            "CloudWatchEncryption": {"CloudWatchEncryptionMode": "SSE-KMS", "KmsKeyArn": KMS},
            "JobBookmarksEncryption": {"JobBookmarksEncryptionMode": "CSE-KMS", "KmsKeyArn": KMS},
        }
        self.assertEqual(body(glue.create_security_configuration(
            Name="etl-kms", EncryptionConfiguration=encryption)),
            {"Name": "etl-kms", "CreatedTimestamp": at(NOW)})
        self.assertEqual(body(glue.create_security_configuration(
            Name="etl-s3", EncryptionConfiguration={"S3Encryption": [{"S3EncryptionMode": "SSE-S3"}]})),
            {"Name": "etl-s3", "CreatedTimestamp": at(NOW + 1)})
        kms = {"Name": "etl-kms", "CreatedTimeStamp": at(NOW), "EncryptionConfiguration": encryption}
        s3 = {"Name": "etl-s3", "CreatedTimeStamp": at(NOW + 1),
              "EncryptionConfiguration": {"S3Encryption": [{"S3EncryptionMode": "SSE-S3"}]}}
        self.assertEqual(body(glue.get_security_configuration(Name="etl-kms")),
                         {"SecurityConfiguration": kms})
        self.assertEqual(body(glue.get_security_configurations()),
                         {"SecurityConfigurations": [kms, s3]})
        self.assertEqual(body(glue.delete_security_configuration(Name="etl-kms")), {})
        self.assertEqual(body(glue.get_security_configurations()), {"SecurityConfigurations": [s3]})
        self.assertError("EntityNotFoundException", glue.get_security_configuration, Name="etl-kms")

    def test_encryption_configuration_round_trips_exactly(self):
        """members given come back, members not given stay absent, an empty S3Encryption stays empty"""
        cases = {
            "empty": {},
            "empty-list": {"S3Encryption": []},
            "cloudwatch-only": {"CloudWatchEncryption": {"CloudWatchEncryptionMode": "DISABLED"}},
            "bookmarks-only": {"JobBookmarksEncryption": {"JobBookmarksEncryptionMode": "DISABLED"}},
            "order": {"S3Encryption": [{"S3EncryptionMode": "SSE-S3"},
                                       {"S3EncryptionMode": "DISABLED"},
                                       {"S3EncryptionMode": "SSE-KMS", "KmsKeyArn": KMS}]},
        }
        for name, encryption in cases.items():
            glue.create_security_configuration(Name=name, EncryptionConfiguration=encryption)
        for name, encryption in cases.items():
            got = glue.get_security_configuration(Name=name)["SecurityConfiguration"]
            self.assertEqual(got["EncryptionConfiguration"], encryption, name)

    def test_data_catalog_encryption_settings(self):
        """put/get data catalog encryption settings: the default, CatalogId defaulting to the account"""
        default = {"EncryptionAtRest": {"CatalogEncryptionMode": "DISABLED"},
                   "ConnectionPasswordEncryption": {"ReturnConnectionPasswordEncrypted": False}}
        self.assertEqual(body(glue.get_data_catalog_encryption_settings()),
                         {"DataCatalogEncryptionSettings": default})
        settings = {"EncryptionAtRest": {"CatalogEncryptionMode": "SSE-KMS", "SseAwsKmsKeyId": "alias/glue"},
                    "ConnectionPasswordEncryption": {"ReturnConnectionPasswordEncrypted": True,
                                                     "AwsKmsKeyId": "alias/pw"}}
        self.assertEqual(body(glue.put_data_catalog_encryption_settings(
            DataCatalogEncryptionSettings=settings)), {})
        self.assertEqual(body(glue.get_data_catalog_encryption_settings(CatalogId=ACCOUNT)),
                         {"DataCatalogEncryptionSettings": settings})
        self.assertEqual(body(glue.get_data_catalog_encryption_settings()),
                         {"DataCatalogEncryptionSettings": settings})
        other = {"EncryptionAtRest": {"CatalogEncryptionMode": "DISABLED"},
                 "ConnectionPasswordEncryption": {"ReturnConnectionPasswordEncrypted": True}}
        glue.put_data_catalog_encryption_settings(CatalogId="210987654321",
                                                  DataCatalogEncryptionSettings=other)
        self.assertEqual(glue.get_data_catalog_encryption_settings(CatalogId="210987654321")
                         ["DataCatalogEncryptionSettings"], other)
        self.assertEqual(glue.get_data_catalog_encryption_settings()["DataCatalogEncryptionSettings"],
                         settings)

    def test_resource_policy(self):
        """put/get/delete resource policy: byte-exact document, deterministic hash, CreateTime kept"""
        first = body(glue.put_resource_policy(PolicyInJson=POLICY))
        self.assertEqual(list(first), ["PolicyHash"])
        hash1 = first["PolicyHash"]
        self.assertTrue(hash1)
        self.assertEqual(body(glue.get_resource_policy()),
                         {"PolicyInJson": POLICY, "PolicyHash": hash1,
                          "CreateTime": at(NOW), "UpdateTime": at(NOW)})
        # The catalog's ARN names the same policy.
        self.assertEqual(glue.get_resource_policy(ResourceArn=CATALOG_ARN)["PolicyHash"], hash1)
        hash2 = glue.put_resource_policy(PolicyInJson=POLICY2, PolicyHashCondition=hash1,
                                         PolicyExistsCondition="MUST_EXIST")["PolicyHash"]
        self.assertNotEqual(hash2, hash1)
        self.assertEqual(body(glue.get_resource_policy()),
                         {"PolicyInJson": POLICY2, "PolicyHash": hash2,
                          "CreateTime": at(NOW), "UpdateTime": at(NOW + 1)})
        # The same document gives the same hash.
        self.assertEqual(glue.put_resource_policy(PolicyInJson=POLICY, PolicyHashCondition=hash2)
                         ["PolicyHash"], hash1)
        self.assertEqual(body(glue.delete_resource_policy(PolicyHashCondition=hash1)), {})
        self.assertError("EntityNotFoundException", glue.get_resource_policy)
        self.assertError("EntityNotFoundException", glue.delete_resource_policy)
        # NOT_EXIST succeeds while there is none; ResourceArn and EnableHybrid are accepted.
        put = glue.put_resource_policy(PolicyInJson=POLICY, PolicyExistsCondition="NOT_EXIST",
                                       ResourceArn=CATALOG_ARN, EnableHybrid="FALSE")
        self.assertEqual(put["PolicyHash"], hash1)
        self.assertEqual(glue.get_resource_policy()["CreateTime"], at(NOW + 3))

    def test_get_resource_policies(self):
        """get-resource-policies: every policy in ARN order, without ARNs; the paginator pages it"""
        self.assertEqual(body(glue.get_resource_policies()), {"GetResourcePoliciesResponseList": []})
        arns = ["arn:aws:glue:us-east-1:123456789012:table/db/t%d" % i for i in (3, 1, 2)]
        for i, arn in enumerate(arns):
            glue.put_resource_policy(PolicyInJson='{"n": %d}' % i, ResourceArn=arn)
        glue.put_resource_policy(PolicyInJson=POLICY)  # the catalog's: ...:catalog sorts first
        listed = body(glue.get_resource_policies())["GetResourcePoliciesResponseList"]
        self.assertEqual([p["PolicyInJson"] for p in listed],
                         [POLICY, '{"n": 1}', '{"n": 2}', '{"n": 0}'])
        self.assertEqual(set(listed[0]), {"PolicyInJson", "PolicyHash", "CreateTime", "UpdateTime"})
        pages = list(glue.get_paginator("get_resource_policies").paginate(
            PaginationConfig={"PageSize": 3}))
        self.assertEqual([len(p["GetResourcePoliciesResponseList"]) for p in pages], [3, 1])
        self.assertIn("NextToken", pages[0])
        self.assertNotIn("NextToken", pages[1])
        self.assertError("InvalidInputException", glue.get_resource_policies, NextToken="forged")

    def test_request_id(self):
        """every response, success or error, carries ResponseMetadata.RequestId (x-amzn-RequestId)"""
        metadata = glue.get_security_configurations()["ResponseMetadata"]
        self.assertTrue(metadata["RequestId"])
        self.assertEqual(metadata["RequestId"], metadata["HTTPHeaders"]["x-amzn-requestid"])
        self.assertEqual(metadata["HTTPStatusCode"], 200)
        error = self.assertError("EntityNotFoundException", glue.get_security_configuration, Name="x")
        self.assertTrue(error.response["ResponseMetadata"]["RequestId"])
        self.assertNotEqual(error.response["ResponseMetadata"]["RequestId"], metadata["RequestId"])


class Errors(GlueTest):
    def test_entity_not_found(self):
        """EntityNotFoundException: get/delete of a missing configuration, get of a missing policy"""
        self.assertError("EntityNotFoundException", glue.get_security_configuration, Name="nope")
        self.assertError("EntityNotFoundException", glue.delete_security_configuration, Name="nope")
        self.assertError("EntityNotFoundException", glue.get_resource_policy)

    def test_already_exists(self):
        """AlreadyExistsException: a second create of a name; the first stays as it was"""
        glue.create_security_configuration(Name="dup", EncryptionConfiguration={})
        self.assertError("AlreadyExistsException", glue.create_security_configuration,
                         Name="dup", EncryptionConfiguration={"S3Encryption": [{"S3EncryptionMode": "SSE-S3"}]})
        self.assertEqual(glue.get_security_configuration(Name="dup")["SecurityConfiguration"]
                         ["EncryptionConfiguration"], {})

    def test_invalid_input(self):
        """InvalidInputException: a KmsKeyArn that is not arn:aws:kms:..., PolicyInJson that is not JSON"""
        self.assertError(
            "InvalidInputException", glue.create_security_configuration, Name="bad",
            EncryptionConfiguration={"S3Encryption": [{"S3EncryptionMode": "SSE-KMS", "KmsKeyArn": "alias/k"}]},
            message="1 validation error detected: Value at "
                    "'encryptionConfiguration.s3Encryption.1.member.kmsKeyArn' failed to satisfy "
                    "constraint: Member must satisfy regular expression pattern: ^$|arn:aws[a-z0-9-]*:kms:.*")
        self.assertError("InvalidInputException", glue.put_resource_policy, PolicyInJson="{not json")
        self.assertEqual(glue.get_security_configurations()["SecurityConfigurations"], [])

    def test_condition_check_failure(self):
        """ConditionCheckFailureException: stale hash, NOT_EXIST/MUST_EXIST, hash with no policy"""
        self.assertError("ConditionCheckFailureException", glue.put_resource_policy,
                         PolicyInJson=POLICY, PolicyExistsCondition="MUST_EXIST")
        self.assertError("ConditionCheckFailureException", glue.put_resource_policy,
                         PolicyInJson=POLICY, PolicyHashCondition="no-such-hash")
        current = glue.put_resource_policy(PolicyInJson=POLICY)["PolicyHash"]
        self.assertError("ConditionCheckFailureException", glue.put_resource_policy,
                         PolicyInJson=POLICY2, PolicyExistsCondition="NOT_EXIST")
        self.assertError("ConditionCheckFailureException", glue.put_resource_policy,
                         PolicyInJson=POLICY2, PolicyHashCondition="stale")
        self.assertError("ConditionCheckFailureException", glue.delete_resource_policy,
                         PolicyHashCondition="stale")
        got = glue.get_resource_policy()
        self.assertEqual((got["PolicyInJson"], got["PolicyHash"]), (POLICY, current))

    def test_resource_number_limit_exceeded(self):
        """ResourceNumberLimitExceededException: a create beyond the limit set through POST /_gluefake/state"""
        control("POST", "state", json.dumps({"clock": {"now": NOW, "step": 1},
                                             "limits": {"security_configurations": 2}}))
        glue.create_security_configuration(Name="one", EncryptionConfiguration={})
        glue.create_security_configuration(Name="two", EncryptionConfiguration={})
        self.assertError("ResourceNumberLimitExceededException", glue.create_security_configuration,
                         Name="three", EncryptionConfiguration={})
        glue.delete_security_configuration(Name="one")
        glue.create_security_configuration(Name="three", EncryptionConfiguration={})

    def test_internal_service(self):
        """InternalServiceException (HTTP 500) injected with a fault spec; nothing is created"""
        control("POST", "faults", "CreateSecurityConfiguration=1*InternalService")
        self.assertError("InternalServiceException", glue_once.create_security_configuration,
                         Name="x", EncryptionConfiguration={}, status=500,
                         message="InternalServiceException injected by gluefake "
                                 "(fault rule CreateSecurityConfiguration)")
        self.assertError("EntityNotFoundException", glue.get_security_configuration, Name="x")

    def test_operation_timeout(self):
        """OperationTimeoutException injected with a fault spec, with its message"""
        control("POST", "faults", "GetSecurityConfigurations=1*OperationTimeout(took too long)")
        self.assertError("OperationTimeoutException", glue_once.get_security_configurations,
                         message="took too long")
        self.assertEqual(glue_once.get_security_configurations()["SecurityConfigurations"], [])

    def test_every_error_kind_by_fault_spec(self):
        """each of the seven errors, injected, reaches boto3 as its code and its exception class"""
        for code in ERRORS:
            with self.subTest(code=code):
                control("POST", "faults", f"GetDataCatalogEncryptionSettings=1*{code}")
                self.assertError(code, glue_once.get_data_catalog_encryption_settings,
                                 status=500 if code == "InternalServiceException" else 400)
                # The rule is used up: the next call passes.
                glue_once.get_data_catalog_encryption_settings()
        # Every client.exceptions class is a ClientError subclass, and the seven exist.
        for code in ERRORS:
            self.assertTrue(issubclass(getattr(glue.exceptions, code), botocore.exceptions.ClientError))

    def test_applied_fault_then_retry_sees_already_exists(self):
        """applied(OperationTimeout): the create happens, the caller is told it timed out, its retry meets AlreadyExists"""
        control("POST", "faults", "CreateSecurityConfiguration=1*applied(OperationTimeout)")
        encryption = {"S3Encryption": [{"S3EncryptionMode": "SSE-S3"}]}
        self.assertError("OperationTimeoutException", glue_once.create_security_configuration,
                         Name="etl", EncryptionConfiguration=encryption)
        self.assertError("AlreadyExistsException", glue_once.create_security_configuration,
                         Name="etl", EncryptionConfiguration=encryption)
        self.assertEqual(body(glue.get_security_configuration(Name="etl")),
                         {"SecurityConfiguration": {"Name": "etl", "CreatedTimeStamp": at(NOW),
                                                    "EncryptionConfiguration": encryption}})


class Partitions(GlueTest):
    def test_regions_are_apart(self):
        """a client in eu-west-1 (its signature scoped there) sees its own region's data only"""
        ireland = boto3.session.Session().client(
            "glue", endpoint_url=ENDPOINT, region_name="eu-west-1", aws_access_key_id="test",
            aws_secret_access_key="test")
        glue.create_security_configuration(Name="virginia", EncryptionConfiguration={})
        ireland.create_security_configuration(Name="ireland", EncryptionConfiguration={})
        self.assertEqual([c["Name"] for c in
                          glue.get_security_configurations()["SecurityConfigurations"]],
                         ["virginia"])
        self.assertEqual([c["Name"] for c in
                          ireland.get_security_configurations()["SecurityConfigurations"]],
                         ["ireland"])
        # The default resource ARN is the region's.
        ireland.put_resource_policy(PolicyInJson=POLICY)
        self.assertEqual(ireland.get_resource_policy(
            ResourceArn="arn:aws:glue:eu-west-1:123456789012:catalog")["PolicyInJson"], POLICY)
        self.assertError("EntityNotFoundException", glue.get_resource_policy)
        self.assertEqual(json.loads(control("GET", "partitions")), [
            {"account_id": "123456789012", "region": "us-east-1", "security_configurations": 1},
            {"account_id": "123456789012", "region": "eu-west-1", "security_configurations": 1}])
        self.assertIn('"ireland"', control("GET", "state?region=eu-west-1"))


class ServerSideValidation(GlueTest):
    def test_server_side_validation(self):
        """with parameter_validation=False: 256-char and empty Name, MaxResults 0 and 1001 -> InvalidInput, AWS's message"""
        def constraint(path, rule):
            return (f"1 validation error detected: Value at '{path}' failed to satisfy constraint: "
                    f"Member must {rule}")
        u = glue_unchecked
        self.assertError("InvalidInputException", u.get_security_configuration, Name="n" * 256,
                         message=constraint("name", "have length less than or equal to 255"))
        self.assertError("InvalidInputException", u.create_security_configuration, Name="n" * 256,
                         EncryptionConfiguration={},
                         message=constraint("name", "have length less than or equal to 255"))
        self.assertError("InvalidInputException", u.get_security_configuration, Name="",
                         message=constraint("name", "have length greater than or equal to 1"))
        self.assertError("InvalidInputException", u.get_security_configurations, MaxResults=0,
                         message=constraint("maxResults", "have value greater than or equal to 1"))
        self.assertError("InvalidInputException", u.get_security_configurations, MaxResults=1001,
                         message=constraint("maxResults", "have value less than or equal to 1000"))
        # 255 bytes is fine.
        u.create_security_configuration(Name="n" * 255, EncryptionConfiguration={})
        # With botocore's own validation (the default), the empty name never leaves the client.
        with self.assertRaises(botocore.exceptions.ParamValidationError):
            glue.get_security_configuration(Name="")


class Pagination(GlueTest):
    def test_paginator(self):
        """the GetSecurityConfigurations paginator: 25 configurations, PageSize 10 -> pages of 10, 10, 5 in creation order"""
        names = [f"config-{i:02d}-{'zyxwvutsrqponmlkjihgfedcba'[i % 26]}" for i in range(25)]
        for name in names:
            glue.create_security_configuration(Name=name, EncryptionConfiguration={})
        pages = list(glue.get_paginator("get_security_configurations").paginate(
            PaginationConfig={"PageSize": 10}))
        self.assertEqual([len(p["SecurityConfigurations"]) for p in pages], [10, 10, 5])
        self.assertEqual(["NextToken" in p for p in pages], [True, True, False])
        listed = [c for p in pages for c in p["SecurityConfigurations"]]
        self.assertEqual([c["Name"] for c in listed], names)
        self.assertEqual([c["CreatedTimeStamp"] for c in listed], [at(NOW + i) for i in range(25)])
        requests = [c["request"] for c in calls() if c["operation"] == "GetSecurityConfigurations"]
        self.assertEqual(len(requests), 3)
        self.assertEqual([r.get("MaxResults") for r in requests], [10, 10, 10])
        self.assertNotIn("NextToken", requests[0])
        self.assertEqual([r["NextToken"] for r in requests[1:]],
                         [p["NextToken"] for p in pages[:2]])
        # build_full_result gives the same 25; a token the fake did not issue is InvalidInput.
        full = glue.get_paginator("get_security_configurations").paginate(
            PaginationConfig={"PageSize": 7}).build_full_result()
        self.assertEqual([c["Name"] for c in full["SecurityConfigurations"]], names)
        self.assertError("InvalidInputException", glue.get_security_configurations,
                         NextToken="not-a-token")


class Retries(GlueTest):
    def test_default_retry_absorbs_one_internal_service(self):
        """boto3's default retry absorbs one injected InternalService (500); the call log shows both calls"""
        control("POST", "state", json.dumps({
            "clock": {"now": NOW, "step": 1},
            "security_configurations": [{"Name": "r", "CreatedTimeStamp": NOW - 100,
                                         "EncryptionConfiguration": {}}]}))
        control("POST", "faults", "GetSecurityConfiguration=1*InternalService")
        response = glue.get_security_configuration(Name="r")
        self.assertEqual(body(response), {"SecurityConfiguration": {
            "Name": "r", "CreatedTimeStamp": at(NOW - 100), "EncryptionConfiguration": {}}})
        self.assertEqual(response["ResponseMetadata"]["RetryAttempts"], 1)
        log = calls()
        self.assertEqual([c["operation"] for c in log], ["GetSecurityConfiguration"] * 2)
        self.assertEqual(log[0]["error"]["__type"], "InternalServiceException")
        self.assertNotIn("error", log[1])
        self.assertEqual(log[1]["response"]["SecurityConfiguration"]["Name"], "r")

    def test_no_retry_client_sees_the_500(self):
        """with max_attempts=1 the same fault reaches the caller after exactly one call"""
        control("POST", "faults", "GetSecurityConfiguration=1*InternalService")
        self.assertError("InternalServiceException", glue_once.get_security_configuration,
                         Name="r", status=500)
        self.assertEqual(len(calls()), 1)


class RecordedSleeps:
    """botocore's endpoint sleeps between attempts through time.sleep: the
    tests record the delays instead of waiting them out."""

    def __init__(self):
        self.delays = []

    def __enter__(self):
        self.real = botocore.endpoint.time
        recorder = self

        class Clock:
            def __getattr__(self, name):
                return getattr(recorder.real, name)

            def sleep(self, seconds):
                recorder.delays.append(seconds)

        botocore.endpoint.time = Clock()
        return self

    def __exit__(self, *exc):
        botocore.endpoint.time = self.real


class RetryModes(GlueTest):
    """boto3's standard and adaptive retry modes against faults real clients
    meet: each retryable fault is retried up to max_attempts (the server's
    call log counts the attempts), the others never."""

    def attempts(self, mode, fault, max_attempts=3):
        """GetSecurityConfigurations under `fault`: the outcome, the calls
        the server saw, the delays botocore slept."""
        control("POST", "faults", f"GetSecurityConfigurations={fault}")
        client = new_client(retries={"total_max_attempts": max_attempts, "mode": mode})
        with RecordedSleeps() as sleeps:
            try:
                outcome = client.get_security_configurations()["ResponseMetadata"]["RetryAttempts"]
            except botocore.exceptions.ClientError as e:
                outcome = e.response["Error"]["Code"]
            except botocore.exceptions.BotoCoreError as e:
                outcome = type(e).__name__
        return outcome, len(calls()), sleeps.delays

    def test_retried_then_succeeds(self):
        """Throttling, ServiceUnavailable, http(502) and reset twice, then success: 3 calls, 2 backoffs"""
        for mode in ("standard", "adaptive"):
            for fault in ("Throttling", "ServiceUnavailable", "http(502)", "reset"):
                with self.subTest(mode=mode, fault=fault):
                    control("POST", "reset")
                    outcome, count, delays = self.attempts(mode, f"2*{fault}")
                    self.assertEqual(outcome, 2, "succeeds on the third attempt")
                    self.assertEqual(count, 3)
                    self.assertEqual(len(delays), 2)
                    # standard mode: a random delay below base * 2**attempt (base 1 s)
                    for attempt, delay in enumerate(delays):
                        self.assertTrue(0 <= delay <= 2 ** attempt, (attempt, delay))

    def test_gives_up_after_max_attempts(self):
        """three Throttlings with max_attempts=3: the caller gets ThrottlingException after 3 calls"""
        for mode in ("standard", "adaptive"):
            with self.subTest(mode=mode):
                control("POST", "reset")
                outcome, count, delays = self.attempts(mode, "3*Throttling")
                self.assertEqual(outcome, "ThrottlingException")
                self.assertEqual(count, 3)
                self.assertEqual(len(delays), 2)

    def test_never_retried(self):
        """InvalidInput, EntityNotFound, AccessDenied and the signature errors are never retried: 1 call"""
        for fault in ("InvalidInput", "EntityNotFound", "AccessDenied", "InvalidSignature",
                      "UnrecognizedClient", "ExpiredToken"):
            with self.subTest(fault=fault):
                control("POST", "reset")
                outcome, count, delays = self.attempts("standard", f"1*{fault}")
                self.assertEqual(outcome, f"{fault}Exception")
                self.assertEqual(count, 1)
                self.assertEqual(delays, [])

    def test_truncated_answer_goes_unnoticed(self):
        """truncate: botocore (urllib3 1.26 does not enforce Content-Length) takes half a body as an empty answer, without retrying"""
        control("POST", "state", json.dumps({
            "security_configurations": [{"Name": "r", "EncryptionConfiguration": {}}]}))
        outcome, count, delays = self.attempts("standard", "1*truncate")
        self.assertEqual((outcome, count, delays), (0, 1, []))
        client = new_client(retries={"total_max_attempts": 3, "mode": "standard"})
        control("POST", "faults", "GetSecurityConfigurations=1*truncate")
        self.assertEqual(body(client.get_security_configurations()), {})
        self.assertEqual(len(body(client.get_security_configurations())["SecurityConfigurations"]), 1)

    def test_applied_reset_retry_meets_already_exists(self):
        """applied(reset): the create took effect but no answer came; the retry meets AlreadyExists"""
        control("POST", "faults", "CreateSecurityConfiguration=1*applied(reset)")
        client = new_client(retries={"total_max_attempts": 3, "mode": "standard"})
        with RecordedSleeps():
            self.assertError("AlreadyExistsException", client.create_security_configuration,
                             Name="once", EncryptionConfiguration={})
        self.assertEqual(len(calls()), 2)


def main():
    global glue, glue_once, glue_unchecked
    if not ENDPOINT.startswith("http"):
        print("boto3_test.py: set GLUE_ENDPOINT=http://127.0.0.1:PORT (a running gluefake serve)",
              file=sys.stderr)
        return 2
    print(f"boto3 {boto3.__version__} (botocore {botocore.__version__}) against {ENDPOINT}")
    glue = new_client()
    glue_once = new_client(retries={"total_max_attempts": 1, "mode": "standard"})
    glue_unchecked = new_client(parameter_validation=False,
                                retries={"total_max_attempts": 1, "mode": "standard"})
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    result = unittest.TextTestRunner(verbosity=2, failfast=True, stream=sys.stdout).run(suite)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
