// glue_test.mjs - the AWS SDK for JavaScript v3 (@aws-sdk/client-glue) against
// `gluefake serve`: all nine commands with their results, and every error kind
// by err.name and by its exception class.
//
//   GLUE_ENDPOINT=http://127.0.0.1:PORT node glue_test.mjs
//
// Run by tests/test_clients.sh (which installs node_modules).  Every test
// starts from an empty fake with a fixed clock: the n-th create or policy put
// is stamped 1700000000 + n - 1.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';

import {
  AlreadyExistsException,
  ConditionCheckFailureException,
  CreateSecurityConfigurationCommand,
  DeleteResourcePolicyCommand,
  DeleteSecurityConfigurationCommand,
  EntityNotFoundException,
  GetDataCatalogEncryptionSettingsCommand,
  GetResourcePoliciesCommand,
  GetResourcePolicyCommand,
  GetSecurityConfigurationCommand,
  GetSecurityConfigurationsCommand,
  GlueClient,
  GlueServiceException,
  InternalServiceException,
  InvalidInputException,
  OperationTimeoutException,
  paginateGetResourcePolicies,
  paginateGetSecurityConfigurations,
  PutDataCatalogEncryptionSettingsCommand,
  PutResourcePolicyCommand,
  ResourceNumberLimitExceededException,
} from '@aws-sdk/client-glue';

const endpoint = (process.env.GLUE_ENDPOINT || '').replace(/\/$/, '');
if (!endpoint.startsWith('http')) {
  console.error('glue_test.mjs: set GLUE_ENDPOINT=http://127.0.0.1:PORT (a running gluefake serve)');
  process.exit(2);
}

const NOW = 1700000000;
const at = (seconds) => new Date(seconds * 1000);
const ACCOUNT = '123456789012';
const KMS = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const POLICY = '{"Version":"2012-10-17","Statement":[]}';
const POLICY2 =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},' +
  '"Action":"glue:GetDatabase","Resource":"*"}]}';

const glue = new GlueClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  maxAttempts: 1,
});

/** The control plane: returns the answer's text, throws on a non-2xx. */
async function control(method, path, body) {
  const answer = await fetch(`${endpoint}/_gluefake/${path}`, { method, body });
  const text = await answer.text();
  if (!answer.ok) throw new Error(`${method} /_gluefake/${path} answered ${answer.status}: ${text}`);
  return text;
}

/** Sends a command; returns its output without $metadata (checked on the way). */
async function send(command) {
  const { $metadata, ...output } = await glue.send(command);
  assert.equal($metadata.httpStatusCode, 200);
  assert.ok($metadata.requestId, 'every response carries x-amzn-RequestId');
  return output;
}

/** The command fails with the error `name`, an instance of `type`. */
async function rejects(command, type, { message, status = 400 } = {}) {
  await assert.rejects(glue.send(command), (err) => {
    assert.equal(err.name, type.name, `expected ${type.name}, got ${err.name}: ${err.message}`);
    assert.ok(err instanceof type, `${err.name} is an instance of ${type.name}`);
    assert.ok(err instanceof GlueServiceException);
    assert.equal(err.$fault, status >= 500 ? 'server' : 'client');
    assert.equal(err.$metadata.httpStatusCode, status);
    assert.ok(err.$metadata.requestId, 'an error response carries x-amzn-RequestId');
    if (message !== undefined) assert.equal(err.message, message);
    else assert.ok(err.message, 'an error carries a message');
    return true;
  });
}

beforeEach(async () => {
  await control('POST', 'reset');
  await control('POST', 'state', JSON.stringify({ clock: { now: NOW, step: 1 } }));
});

test('security configurations: Create, Get, GetSecurityConfigurations, Delete with exact results', async () => {
  const kmsEncryption = {
    S3Encryption: [{ S3EncryptionMode: 'SSE-KMS', KmsKeyArn: KMS }, { S3EncryptionMode: 'SSE-S3' }],
    CloudWatchEncryption: { CloudWatchEncryptionMode: 'SSE-KMS', KmsKeyArn: KMS },
    JobBookmarksEncryption: { JobBookmarksEncryptionMode: 'CSE-KMS', KmsKeyArn: KMS },
  };
  const s3Encryption = { S3Encryption: [{ S3EncryptionMode: 'SSE-S3' }] };
  assert.deepEqual(
    await send(new CreateSecurityConfigurationCommand({ Name: 'js-kms', EncryptionConfiguration: kmsEncryption })),
    { Name: 'js-kms', CreatedTimestamp: at(NOW) },
  );
  assert.deepEqual(
    await send(new CreateSecurityConfigurationCommand({ Name: 'js-s3', EncryptionConfiguration: s3Encryption })),
    { Name: 'js-s3', CreatedTimestamp: at(NOW + 1) },
  );
  const kms = { Name: 'js-kms', CreatedTimeStamp: at(NOW), EncryptionConfiguration: kmsEncryption };
  const s3 = { Name: 'js-s3', CreatedTimeStamp: at(NOW + 1), EncryptionConfiguration: s3Encryption };
  assert.deepEqual(await send(new GetSecurityConfigurationCommand({ Name: 'js-kms' })), {
    SecurityConfiguration: kms,
  });
  assert.deepEqual(await send(new GetSecurityConfigurationsCommand({})), { SecurityConfigurations: [kms, s3] });

  const first = await send(new GetSecurityConfigurationsCommand({ MaxResults: 1 }));
  assert.deepEqual(first.SecurityConfigurations, [kms]);
  assert.ok(first.NextToken, 'a NextToken while more follow');
  assert.deepEqual(await send(new GetSecurityConfigurationsCommand({ MaxResults: 1, NextToken: first.NextToken })), {
    SecurityConfigurations: [s3],
  });

  assert.deepEqual(await send(new DeleteSecurityConfigurationCommand({ Name: 'js-kms' })), {});
  assert.deepEqual(await send(new GetSecurityConfigurationsCommand({})), { SecurityConfigurations: [s3] });
  await rejects(new GetSecurityConfigurationCommand({ Name: 'js-kms' }), EntityNotFoundException, {
    message: "Security configuration 'js-kms' not found",
  });
});

test('paginateGetSecurityConfigurations: 25 configurations, pageSize 10 -> 10, 10, 5 in creation order', async () => {
  const names = Array.from({ length: 25 }, (_, i) => `js-${String(i).padStart(2, '0')}`);
  for (const Name of names) await send(new CreateSecurityConfigurationCommand({ Name, EncryptionConfiguration: {} }));
  const sizes = [];
  const listed = [];
  for await (const page of paginateGetSecurityConfigurations({ client: glue, pageSize: 10 }, {})) {
    sizes.push(page.SecurityConfigurations.length);
    listed.push(...page.SecurityConfigurations);
  }
  assert.deepEqual(sizes, [10, 10, 5]);
  assert.deepEqual(listed.map((c) => c.Name), names);
  assert.deepEqual(listed.map((c) => c.CreatedTimeStamp), names.map((_, i) => at(NOW + i)));
});

test('data catalog encryption settings: the default, Put, Get (CatalogId = the account)', async () => {
  assert.deepEqual(await send(new GetDataCatalogEncryptionSettingsCommand({})), {
    DataCatalogEncryptionSettings: {
      EncryptionAtRest: { CatalogEncryptionMode: 'DISABLED' },
      ConnectionPasswordEncryption: { ReturnConnectionPasswordEncrypted: false },
    },
  });
  const settings = {
    EncryptionAtRest: { CatalogEncryptionMode: 'SSE-KMS', SseAwsKmsKeyId: 'alias/glue' },
    ConnectionPasswordEncryption: { ReturnConnectionPasswordEncrypted: true, AwsKmsKeyId: 'alias/pw' },
  };
  assert.deepEqual(
    await send(new PutDataCatalogEncryptionSettingsCommand({ DataCatalogEncryptionSettings: settings })),
    {},
  );
  assert.deepEqual(await send(new GetDataCatalogEncryptionSettingsCommand({ CatalogId: ACCOUNT })), {
    DataCatalogEncryptionSettings: settings,
  });
});

test('resource policy: Put, Get (byte-exact, hash, times), conditional update, Delete', async () => {
  const { PolicyHash: hash1, ...rest } = await send(new PutResourcePolicyCommand({ PolicyInJson: POLICY }));
  assert.ok(hash1);
  assert.deepEqual(rest, {});
  assert.deepEqual(await send(new GetResourcePolicyCommand({})), {
    PolicyInJson: POLICY,
    PolicyHash: hash1,
    CreateTime: at(NOW),
    UpdateTime: at(NOW),
  });
  const { PolicyHash: hash2 } = await send(
    new PutResourcePolicyCommand({ PolicyInJson: POLICY2, PolicyHashCondition: hash1, PolicyExistsCondition: 'MUST_EXIST' }),
  );
  assert.notEqual(hash2, hash1);
  assert.deepEqual(await send(new GetResourcePolicyCommand({})), {
    PolicyInJson: POLICY2,
    PolicyHash: hash2,
    CreateTime: at(NOW),
    UpdateTime: at(NOW + 1),
  });
  assert.deepEqual(await send(new DeleteResourcePolicyCommand({ PolicyHashCondition: hash2 })), {});
  await rejects(new GetResourcePolicyCommand({}), EntityNotFoundException);
  await rejects(new DeleteResourcePolicyCommand({}), EntityNotFoundException);
});

test('the current model: DataQualityEncryption, SSE-KMS-WITH-SERVICE-ROLE and its role, any partition\'s key', async () => {
  const encryption = {
    S3Encryption: [{ S3EncryptionMode: 'SSE-KMS', KmsKeyArn: 'arn:aws-cn:kms:cn-north-1:123456789012:key/k' }],
    DataQualityEncryption: { DataQualityEncryptionMode: 'SSE-KMS', KmsKeyArn: KMS },
  };
  await send(new CreateSecurityConfigurationCommand({ Name: 'dq', EncryptionConfiguration: encryption }));
  const { SecurityConfiguration } = await send(new GetSecurityConfigurationCommand({ Name: 'dq' }));
  assert.deepEqual(SecurityConfiguration.EncryptionConfiguration, encryption);
  const settings = {
    EncryptionAtRest: {
      CatalogEncryptionMode: 'SSE-KMS-WITH-SERVICE-ROLE',
      SseAwsKmsKeyId: 'alias/glue',
      CatalogEncryptionServiceRole: 'arn:aws:iam::123456789012:role/glue-catalog',
    },
    ConnectionPasswordEncryption: { ReturnConnectionPasswordEncrypted: false },
  };
  await send(new PutDataCatalogEncryptionSettingsCommand({ DataCatalogEncryptionSettings: settings }));
  assert.deepEqual(await send(new GetDataCatalogEncryptionSettingsCommand({})), {
    DataCatalogEncryptionSettings: settings,
  });
  settings.EncryptionAtRest.CatalogEncryptionServiceRole = 'arn:aws:iam::123:role/short-account';
  await rejects(
    new PutDataCatalogEncryptionSettingsCommand({ DataCatalogEncryptionSettings: settings }),
    InvalidInputException,
  );
});

test('GetResourcePolicies: every policy in ARN order, paginateGetResourcePolicies pages it', async () => {
  assert.deepEqual(await send(new GetResourcePoliciesCommand({})), { GetResourcePoliciesResponseList: [] });
  for (const n of [3, 1, 2]) {
    await send(new PutResourcePolicyCommand({
      PolicyInJson: `{"n":${n}}`,
      ResourceArn: `arn:aws:glue:us-east-1:${ACCOUNT}:table/db/t${n}`,
    }));
  }
  const docs = [];
  let pages = 0;
  for await (const page of paginateGetResourcePolicies({ client: glue, pageSize: 2 }, {})) {
    pages++;
    for (const policy of page.GetResourcePoliciesResponseList) {
      assert.deepEqual(Object.keys(policy).sort(), ['CreateTime', 'PolicyHash', 'PolicyInJson', 'UpdateTime']);
      docs.push(policy.PolicyInJson);
    }
  }
  assert.deepEqual(docs, ['{"n":1}', '{"n":2}', '{"n":3}']);
  assert.equal(pages, 2);
});

test('EntityNotFoundException, AlreadyExistsException', async () => {
  await rejects(new DeleteSecurityConfigurationCommand({ Name: 'nope' }), EntityNotFoundException);
  await send(new CreateSecurityConfigurationCommand({ Name: 'taken', EncryptionConfiguration: {} }));
  await rejects(
    new CreateSecurityConfigurationCommand({ Name: 'taken', EncryptionConfiguration: {} }),
    AlreadyExistsException,
  );
});

test('InvalidInputException: server-side validation with AWS\'s message', async () => {
  await rejects(new GetSecurityConfigurationCommand({ Name: 'n'.repeat(256) }), InvalidInputException, {
    message:
      "1 validation error detected: Value at 'name' failed to satisfy constraint: " +
      'Member must have length less than or equal to 255',
  });
  await rejects(
    new CreateSecurityConfigurationCommand({
      Name: 'bad-key',
      EncryptionConfiguration: { S3Encryption: [{ S3EncryptionMode: 'SSE-KMS', KmsKeyArn: 'alias/k' }] },
    }),
    InvalidInputException,
    {
      message:
        "1 validation error detected: Value at 'encryptionConfiguration.s3Encryption.1.member.kmsKeyArn' " +
        'failed to satisfy constraint: Member must satisfy regular expression pattern: ^$|arn:aws[a-z0-9-]*:kms:.*',
    },
  );
  await rejects(new GetSecurityConfigurationsCommand({ MaxResults: 0 }), InvalidInputException);
  await rejects(new GetSecurityConfigurationsCommand({ NextToken: 'not-a-token' }), InvalidInputException);
});

test('ConditionCheckFailureException: stale hash, NOT_EXIST while a policy exists', async () => {
  await rejects(
    new PutResourcePolicyCommand({ PolicyInJson: POLICY, PolicyExistsCondition: 'MUST_EXIST' }),
    ConditionCheckFailureException,
  );
  const { PolicyHash } = await send(new PutResourcePolicyCommand({ PolicyInJson: POLICY }));
  await rejects(
    new PutResourcePolicyCommand({ PolicyInJson: POLICY2, PolicyHashCondition: 'stale' }),
    ConditionCheckFailureException,
  );
  await rejects(
    new PutResourcePolicyCommand({ PolicyInJson: POLICY2, PolicyExistsCondition: 'NOT_EXIST' }),
    ConditionCheckFailureException,
  );
  const got = await send(new GetResourcePolicyCommand({}));
  assert.deepEqual([got.PolicyInJson, got.PolicyHash], [POLICY, PolicyHash]);
});

test('ResourceNumberLimitExceededException: a create beyond the limit set with POST /_gluefake/state', async () => {
  await control('POST', 'state', JSON.stringify({ clock: { now: NOW, step: 1 }, limits: { security_configurations: 1 } }));
  await send(new CreateSecurityConfigurationCommand({ Name: 'one', EncryptionConfiguration: {} }));
  await rejects(
    new CreateSecurityConfigurationCommand({ Name: 'two', EncryptionConfiguration: {} }),
    ResourceNumberLimitExceededException,
  );
});

test('InternalServiceException (HTTP 500) and OperationTimeoutException from fault specs', async () => {
  await control('POST', 'faults', 'GetSecurityConfigurations=1*InternalService;CreateSecurityConfiguration=1*OperationTimeout');
  await rejects(new GetSecurityConfigurationsCommand({}), InternalServiceException, {
    status: 500,
    message: 'InternalServiceException injected by gluefake (fault rule GetSecurityConfigurations)',
  });
  await rejects(
    new CreateSecurityConfigurationCommand({ Name: 'slow', EncryptionConfiguration: {} }),
    OperationTimeoutException,
  );
  // maxAttempts 1: one call each, no retry.
  const log = JSON.parse(await control('GET', 'calls')).transcript;
  assert.deepEqual(
    log.map((c) => [c.operation, c.error && c.error.__type]),
    [
      ['GetSecurityConfigurations', 'InternalServiceException'],
      ['CreateSecurityConfiguration', 'OperationTimeoutException'],
    ],
  );
  // The rules are used up.
  assert.deepEqual(await send(new GetSecurityConfigurationsCommand({})), { SecurityConfigurations: [] });
});

test('every error kind injected by a fault spec arrives as its err.name and class', async () => {
  const kinds = [
    AlreadyExistsException,
    ConditionCheckFailureException,
    EntityNotFoundException,
    InternalServiceException,
    InvalidInputException,
    OperationTimeoutException,
    ResourceNumberLimitExceededException,
  ];
  for (const kind of kinds) {
    await control('POST', 'faults', `GetDataCatalogEncryptionSettings=1*${kind.name}`);
    await rejects(new GetDataCatalogEncryptionSettingsCommand({}), kind, {
      status: kind === InternalServiceException ? 500 : 400,
    });
  }
});

/** The calls the server's fake saw. */
async function calls() {
  return JSON.parse(await control('GET', 'calls')).transcript;
}

test('standard and adaptive retries: Throttling, ServiceUnavailable, http(502) and reset twice, then success in 3 attempts', async () => {
  for (const retryMode of ['standard', 'adaptive']) {
    const client = new GlueClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 3,
      retryMode,
    });
    for (const fault of ['Throttling', 'ServiceUnavailable', 'http(502)', 'reset']) {
      await control('POST', 'reset');
      await control('POST', 'faults', `GetSecurityConfigurations=2*${fault}`);
      const out = await client.send(new GetSecurityConfigurationsCommand({}));
      assert.equal(out.$metadata.attempts, 3, `${retryMode} ${fault}`);
      assert.equal((await calls()).length, 3, `${retryMode} ${fault}: the server saw 3 calls`);
    }
    // Three Throttlings: the caller gets the third after 3 calls.
    await control('POST', 'reset');
    await control('POST', 'faults', 'GetSecurityConfigurations=3*Throttling');
    await assert.rejects(client.send(new GetSecurityConfigurationsCommand({})), (err) => {
      assert.equal(err.name, 'ThrottlingException');
      assert.equal(err.$metadata.attempts, 3);
      return true;
    });
    assert.equal((await calls()).length, 3);
  }
});

test('never retried: InvalidInput, EntityNotFound, AccessDenied and the signature errors reach the caller after one call', async () => {
  const client = new GlueClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 3,
  });
  for (const fault of ['InvalidInput', 'EntityNotFound', 'AccessDenied', 'InvalidSignature',
    'UnrecognizedClient', 'ExpiredToken']) {
    await control('POST', 'reset');
    await control('POST', 'faults', `GetSecurityConfigurations=1*${fault}`);
    await assert.rejects(client.send(new GetSecurityConfigurationsCommand({})), (err) => {
      assert.equal(err.name, `${fault}Exception`);
      assert.equal(err.$metadata.attempts, 1, fault);
      return true;
    });
    assert.equal((await calls()).length, 1, fault);
  }
});
