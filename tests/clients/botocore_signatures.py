#!/usr/bin/python3
"""botocore_signatures.py GLUEFAKE - the real backend signs as botocore does.

Listens on a free loopback port, has `GLUEFAKE call` send it requests (each
operation, several regions, with and without a session token, bodies with
non-ASCII text, an endpoint with a path), keeps each request as it arrived,
and recomputes its signature with botocore's SigV4Auth for the same method,
URL, headers, body and time (the request's own X-Amz-Date).  The two
Authorization headers must be equal, byte for byte.  Prints one line per
request checked; exits 1 on the first difference.
"""
import datetime
import http.server
import json
import os
import subprocess
import sys
import threading
from unittest import mock

import botocore.auth
import botocore.awsrequest
import botocore.credentials

GLUEFAKE = sys.argv[1]
seen = []


class Capture(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def do_POST(self):
        body = self.rfile.read(int(self.headers['Content-Length']))
        seen.append((self.path, dict(self.headers.items()), body))
        answer = b'{}'
        self.send_response(200)
        self.send_header('Content-Type', 'application/x-amz-json-1.1')
        self.send_header('Content-Length', str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Capture)
threading.Thread(target=server.serve_forever, daemon=True).start()
port = server.server_address[1]

CASES = [
    # operation, request, region, session token, endpoint path
    ('GetSecurityConfigurations', '{}', 'us-east-1', None, ''),
    ('GetSecurityConfiguration', '{"Name": "caf\u00e9 \u2603"}', 'eu-west-1', None, '/'),
    ('CreateSecurityConfiguration',
     '{"Name": "n", "EncryptionConfiguration": {"S3Encryption": [{"S3EncryptionMode": "DISABLED"}]}}',
     'ap-southeast-2', 'FwoGZXIvYXdzEJr//////////session+token/with=chars', ''),
    ('PutResourcePolicy',
     json.dumps({'PolicyInJson': json.dumps({'Version': '2012-10-17', 'Statement': []})}),
     'cn-north-1', None, '/glue/'),
    ('GetResourcePolicies', '{"MaxResults": 7}', 'us-gov-west-1', 'tok', ''),
    ('PutDataCatalogEncryptionSettings',
     '{"DataCatalogEncryptionSettings": {"EncryptionAtRest": {"CatalogEncryptionMode": "DISABLED"}}}',
     'us-east-1', None, ''),
]

env = {k: v for k, v in os.environ.items() if not k.startswith('AWS_')}
env.update(AWS_ACCESS_KEY_ID='AKIDBOTOCORE', AWS_SECRET_ACCESS_KEY='wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
           AWS_CONFIG_FILE='/nonexistent', AWS_SHARED_CREDENTIALS_FILE='/nonexistent')
failures = 0
for op, request, region, token, path in CASES:
    run_env = dict(env)
    if token:
        run_env['AWS_SESSION_TOKEN'] = token
    endpoint = 'http://127.0.0.1:%d%s' % (port, path)
    before = len(seen)
    done = subprocess.run([GLUEFAKE, 'call', op, request, '--endpoint', endpoint, '--region', region],
                          env=run_env, capture_output=True, text=True, timeout=60)
    if done.returncode != 0 or len(seen) != before + 1:
        sys.exit('botocore_signatures: %s: gluefake call exited %d: %s' % (op, done.returncode, done.stderr))
    got_path, headers, body = seen[-1]
    amz_date = headers['X-Amz-Date']
    when = datetime.datetime.strptime(amz_date, '%Y%m%dT%H%M%SZ')

    # botocore signs what it finds on the request: the same headers but the
    # ones it adds itself (Host from the URL, X-Amz-Date, the token).
    aws_request = botocore.awsrequest.AWSRequest(
        method='POST', url='http://127.0.0.1:%d%s' % (port, got_path), data=body,
        headers={'Content-Type': headers['Content-Type'], 'X-Amz-Target': headers['X-Amz-Target']})
    credentials = botocore.credentials.Credentials(env['AWS_ACCESS_KEY_ID'],
                                                   env['AWS_SECRET_ACCESS_KEY'], token)
    with mock.patch('botocore.auth.datetime') as clock:
        clock.datetime.utcnow.return_value = when
        botocore.auth.SigV4Auth(credentials, 'glue', region).add_auth(aws_request)
    want = aws_request.headers['Authorization']
    got = headers['Authorization']
    checks = [('Authorization', want, got), ('X-Amz-Date', aws_request.headers['X-Amz-Date'], amz_date),
              ('Host', aws_request.headers.get('Host') or '127.0.0.1:%d' % port, headers['Host'])]
    if token:
        checks.append(('X-Amz-Security-Token', token, headers.get('X-Amz-Security-Token')))
    for name, w, g in checks:
        if w != g:
            print('botocore_signatures: %s in %s: botocore %r, gluefake %r' % (name, region, w, g),
                  file=sys.stderr)
            failures += 1
    if json.loads(body) != json.loads(request):
        print('botocore_signatures: %s: sent %r for %r' % (op, body, request), file=sys.stderr)
        failures += 1
    print('ok: %s in %s%s%s: the signature botocore computes' %
          (op, region, ' with a session token' if token else '', ' at path ' + path if path else ''))
server.shutdown()
sys.exit(1 if failures else 0)
