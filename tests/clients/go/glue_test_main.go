// glue_test_main.go - drives `gluefake serve` with the AWS SDK for Go v2's Glue client (Debian's golang-github-aws-aws-sdk-go-v2-dev).
//
// Debian bookworm's package ships the generated service/glue client, so this
// program uses it as an application would: glue.NewFromConfig on the config
// the environment gives (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION),
// the SDK's SigV4 signer, its standard retryer, its paginator and its typed
// errors (types.EntityNotFoundException, ...).
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o glue_test glue_test_main.go
//	GLUE_ENDPOINT=http://127.0.0.1:PORT ./glue_test
//
// Built offline (no modules, no network) and run by tests/test_clients.sh
// against a server with --auth sigv4.  Each check starts from an empty fake
// with a fixed clock (the n-th create or policy put is stamped 1700000000 +
// n - 1), prints "ok - NAME", and the first failure stops the program with
// "not ok - NAME: why" and exit status 1.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/smithy-go"
	smithymiddleware "github.com/aws/smithy-go/middleware"
)

const (
	now     = 1700000000
	kms     = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	policy1 = `{"Version":"2012-10-17","Statement":[]}`
	policy2 = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},` +
		`"Action":"glue:GetDatabase","Resource":"*"}]}`
	badSignature = "The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)

var (
	endpoint string
	ctx      = context.Background()
	control  = &http.Client{Timeout: 10 * time.Second}
	baseCfg  aws.Config
)

func at(seconds int64) *time.Time {
	t := time.Unix(seconds, 0).UTC()
	return &t
}

// ---- the control plane ----

// call sends METHOD /_gluefake/PATH with BODY; returns the answer's text, an
// error on a non-2xx answer.
func call(method, path, body string) (string, error) {
	req, err := http.NewRequest(method, endpoint+"/_gluefake/"+path, strings.NewReader(body))
	if err != nil {
		return "", err
	}
	resp, err := control.Do(req)
	if err != nil {
		return "", fmt.Errorf("%s /_gluefake/%s: %v", method, path, err)
	}
	defer resp.Body.Close()
	text, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", fmt.Errorf("%s /_gluefake/%s: reading the answer: %v", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return "", fmt.Errorf("%s /_gluefake/%s answered %d: %s", method, path, resp.StatusCode, text)
	}
	return string(text), nil
}

// fresh: an empty fake, no fault rules, an empty call log and a fixed clock.
func fresh() error {
	if _, err := call("POST", "reset", ""); err != nil {
		return err
	}
	_, err := call("POST", "state", fmt.Sprintf(`{"clock": {"now": %d, "step": 1}}`, now))
	return err
}

type loggedCall struct {
	Operation string `json:"operation"`
	Error     *struct {
		Type string `json:"__type"`
	} `json:"error"`
}

// calls: the server's call log (GET /_gluefake/calls), every operation and
// the error it ended with ("" for success), in order.
func calls() ([]string, error) {
	text, err := call("GET", "calls", "")
	if err != nil {
		return nil, err
	}
	var log struct {
		Transcript []loggedCall `json:"transcript"`
	}
	if err := json.Unmarshal([]byte(text), &log); err != nil {
		return nil, fmt.Errorf("GET /_gluefake/calls is not a transcript (%v): %s", err, text)
	}
	out := []string{}
	for _, c := range log.Transcript {
		entry := c.Operation
		if c.Error != nil {
			entry += " " + c.Error.Type
		}
		out = append(out, entry)
	}
	return out, nil
}

// ---- clients ----

// client: the SDK's Glue client for the environment's configuration, sent to
// GLUE_ENDPOINT, with the given retryer and (when not nil) credentials.
func client(retryer aws.Retryer, creds aws.CredentialsProvider) *glue.Client {
	return glue.NewFromConfig(baseCfg, func(o *glue.Options) {
		o.EndpointResolver = glue.EndpointResolverFromURL(endpoint)
		o.Retryer = retryer
		if creds != nil {
			o.Credentials = creds
		}
	})
}

// oneAttempt: the SDK's standard retryer allowed a single attempt, so that no
// check passes thanks to a retry it did not ask for.
func oneAttempt() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxAttempts = 1 })
}

// noSleep: the SDK's standard retryer (its retryable errors, its retry
// token bucket, 3 attempts) with the backoff replaced by one that does not
// wait and counts how often it was asked.
func noSleep(backoffs *int) aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 3
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) {
			*backoffs++
			return 0, nil
		})
	})
}

// ---- assertions ----

// same compares two values by their JSON form, which shows both on failure.
func same(what string, got, want interface{}) error {
	g, err := json.Marshal(got)
	if err != nil {
		return err
	}
	w, err := json.Marshal(want)
	if err != nil {
		return err
	}
	if string(g) != string(w) {
		return fmt.Errorf("%s:\n     got  %s\n     want %s", what, g, w)
	}
	return nil
}

// answered: a successful output carries x-amzn-RequestId and needed one attempt.
func answered(what string, md smithymiddleware.Metadata, attempts int) error {
	if id, ok := awsmiddleware.GetRequestIDMetadata(md); !ok || id == "" {
		return fmt.Errorf("%s: no x-amzn-RequestId in the result metadata", what)
	}
	results, ok := retry.GetAttemptResults(md)
	if !ok {
		return fmt.Errorf("%s: no attempt results in the result metadata", what)
	}
	if len(results.Results) != attempts {
		return fmt.Errorf("%s: took %d attempts, expected %d", what, len(results.Results), attempts)
	}
	return nil
}

// apiError: err is the service error CODE (400 unless STATUS says otherwise,
// with x-amzn-RequestId) and, when MESSAGE is not "", says exactly that.
func apiError(what string, err error, code string, status int, message string) error {
	if err == nil {
		return fmt.Errorf("%s: succeeded, expected %s", what, code)
	}
	var api smithy.APIError
	if !errors.As(err, &api) {
		return fmt.Errorf("%s: expected %s, got an error that is no service error: %v", what, code, err)
	}
	if api.ErrorCode() != code {
		return fmt.Errorf("%s: expected %s, got %s: %v", what, code, api.ErrorCode(), err)
	}
	if message != "" && api.ErrorMessage() != message {
		return fmt.Errorf("%s: %s says %q, expected %q", what, code, api.ErrorMessage(), message)
	}
	var resp *awshttp.ResponseError
	if !errors.As(err, &resp) {
		return fmt.Errorf("%s: %s carries no HTTP response: %v", what, code, err)
	}
	if resp.HTTPStatusCode() != status {
		return fmt.Errorf("%s: %s came with HTTP %d, expected %d", what, code, resp.HTTPStatusCode(), status)
	}
	if resp.ServiceRequestID() == "" {
		return fmt.Errorf("%s: %s carries no x-amzn-RequestId", what, code)
	}
	return nil
}

// ---- the checks ----

func kmsEncryption() *types.EncryptionConfiguration {
	return &types.EncryptionConfiguration{
		S3Encryption: []types.S3Encryption{
			{S3EncryptionMode: types.S3EncryptionModeSsekms, KmsKeyArn: aws.String(kms)},
			{S3EncryptionMode: types.S3EncryptionModeSses3},
		},
		CloudWatchEncryption: &types.CloudWatchEncryption{
			CloudWatchEncryptionMode: types.CloudWatchEncryptionModeSsekms, KmsKeyArn: aws.String(kms),
		},
		JobBookmarksEncryption: &types.JobBookmarksEncryption{
			JobBookmarksEncryptionMode: types.JobBookmarksEncryptionModeCsekms, KmsKeyArn: aws.String(kms),
		},
	}
}

func checkSecurityConfigurations() error {
	glueClient := client(oneAttempt(), nil)
	s3Only := &types.EncryptionConfiguration{
		S3Encryption: []types.S3Encryption{{S3EncryptionMode: types.S3EncryptionModeSses3}},
	}
	created, err := glueClient.CreateSecurityConfiguration(ctx, &glue.CreateSecurityConfigurationInput{
		Name: aws.String("go-kms"), EncryptionConfiguration: kmsEncryption(),
	})
	if err != nil {
		return fmt.Errorf("CreateSecurityConfiguration go-kms: %v", err)
	}
	if err := answered("CreateSecurityConfiguration go-kms", created.ResultMetadata, 1); err != nil {
		return err
	}
	if err := same("CreateSecurityConfiguration go-kms",
		[]interface{}{created.Name, created.CreatedTimestamp}, []interface{}{"go-kms", at(now)}); err != nil {
		return err
	}
	created, err = glueClient.CreateSecurityConfiguration(ctx, &glue.CreateSecurityConfigurationInput{
		Name: aws.String("go-s3"), EncryptionConfiguration: s3Only,
	})
	if err != nil {
		return fmt.Errorf("CreateSecurityConfiguration go-s3: %v", err)
	}
	if err := same("CreateSecurityConfiguration go-s3",
		[]interface{}{created.Name, created.CreatedTimestamp}, []interface{}{"go-s3", at(now + 1)}); err != nil {
		return err
	}

	kmsConf := types.SecurityConfiguration{
		Name: aws.String("go-kms"), CreatedTimeStamp: at(now), EncryptionConfiguration: kmsEncryption(),
	}
	s3Conf := types.SecurityConfiguration{
		Name: aws.String("go-s3"), CreatedTimeStamp: at(now + 1), EncryptionConfiguration: s3Only,
	}
	got, err := glueClient.GetSecurityConfiguration(ctx, &glue.GetSecurityConfigurationInput{Name: aws.String("go-kms")})
	if err != nil {
		return fmt.Errorf("GetSecurityConfiguration go-kms: %v", err)
	}
	if err := answered("GetSecurityConfiguration go-kms", got.ResultMetadata, 1); err != nil {
		return err
	}
	if err := same("GetSecurityConfiguration go-kms", got.SecurityConfiguration, kmsConf); err != nil {
		return err
	}
	list, err := glueClient.GetSecurityConfigurations(ctx, &glue.GetSecurityConfigurationsInput{})
	if err != nil {
		return fmt.Errorf("GetSecurityConfigurations: %v", err)
	}
	if err := same("GetSecurityConfigurations", []interface{}{list.SecurityConfigurations, list.NextToken},
		[]interface{}{[]types.SecurityConfiguration{kmsConf, s3Conf}, nil}); err != nil {
		return err
	}

	deleted, err := glueClient.DeleteSecurityConfiguration(ctx, &glue.DeleteSecurityConfigurationInput{Name: aws.String("go-kms")})
	if err != nil {
		return fmt.Errorf("DeleteSecurityConfiguration go-kms: %v", err)
	}
	if err := answered("DeleteSecurityConfiguration go-kms", deleted.ResultMetadata, 1); err != nil {
		return err
	}
	list, err = glueClient.GetSecurityConfigurations(ctx, &glue.GetSecurityConfigurationsInput{})
	if err != nil {
		return fmt.Errorf("GetSecurityConfigurations after the delete: %v", err)
	}
	if err := same("GetSecurityConfigurations after the delete", list.SecurityConfigurations,
		[]types.SecurityConfiguration{s3Conf}); err != nil {
		return err
	}
	_, err = glueClient.GetSecurityConfiguration(ctx, &glue.GetSecurityConfigurationInput{Name: aws.String("go-kms")})
	var notFound *types.EntityNotFoundException
	if !errors.As(err, &notFound) {
		return fmt.Errorf("GetSecurityConfiguration of the deleted go-kms: expected *types.EntityNotFoundException, got %T: %v", err, err)
	}
	return apiError("GetSecurityConfiguration of the deleted go-kms", err, "EntityNotFoundException", 400,
		"Security configuration 'go-kms' not found")
}

func checkPaginator() error {
	glueClient := client(oneAttempt(), nil)
	var names []string
	var stamps []*time.Time
	for i := 0; i < 25; i++ {
		name := fmt.Sprintf("go-%02d", i)
		if _, err := glueClient.CreateSecurityConfiguration(ctx, &glue.CreateSecurityConfigurationInput{
			Name: aws.String(name), EncryptionConfiguration: &types.EncryptionConfiguration{},
		}); err != nil {
			return fmt.Errorf("CreateSecurityConfiguration %s: %v", name, err)
		}
		names = append(names, name)
		stamps = append(stamps, at(now+int64(i)))
	}
	pages := glue.NewGetSecurityConfigurationsPaginator(glueClient, &glue.GetSecurityConfigurationsInput{},
		func(o *glue.GetSecurityConfigurationsPaginatorOptions) { o.Limit = 10 })
	var sizes []int
	var listed []string
	var listedStamps []*time.Time
	for pages.HasMorePages() {
		if len(sizes) > 10 {
			return fmt.Errorf("the paginator did not stop after 10 pages: %v", sizes)
		}
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("page %d: %v", len(sizes)+1, err)
		}
		sizes = append(sizes, len(page.SecurityConfigurations))
		for _, c := range page.SecurityConfigurations {
			listed = append(listed, aws.ToString(c.Name))
			listedStamps = append(listedStamps, c.CreatedTimeStamp)
		}
	}
	if err := same("page sizes", sizes, []int{10, 10, 5}); err != nil {
		return err
	}
	if err := same("names, in creation order", listed, names); err != nil {
		return err
	}
	return same("CreatedTimeStamps", listedStamps, stamps)
}

func checkTypedErrors() error {
	glueClient := client(oneAttempt(), nil)
	_, err := glueClient.DeleteSecurityConfiguration(ctx, &glue.DeleteSecurityConfigurationInput{Name: aws.String("nope")})
	var notFound *types.EntityNotFoundException
	if !errors.As(err, &notFound) {
		return fmt.Errorf("DeleteSecurityConfiguration nope: expected *types.EntityNotFoundException, got %T: %v", err, err)
	}
	if notFound.ErrorFault() != smithy.FaultClient {
		return fmt.Errorf("EntityNotFoundException: fault %v, expected client", notFound.ErrorFault())
	}
	if err := apiError("DeleteSecurityConfiguration nope", err, "EntityNotFoundException", 400,
		"Security configuration 'nope' not found"); err != nil {
		return err
	}
	var exists *types.AlreadyExistsException
	if errors.As(err, &exists) {
		return fmt.Errorf("an EntityNotFoundException is also an AlreadyExistsException: %v", err)
	}

	input := &glue.CreateSecurityConfigurationInput{
		Name: aws.String("taken"), EncryptionConfiguration: &types.EncryptionConfiguration{},
	}
	if _, err := glueClient.CreateSecurityConfiguration(ctx, input); err != nil {
		return fmt.Errorf("the first CreateSecurityConfiguration taken: %v", err)
	}
	_, err = glueClient.CreateSecurityConfiguration(ctx, input)
	if !errors.As(err, &exists) {
		return fmt.Errorf("the second CreateSecurityConfiguration taken: expected *types.AlreadyExistsException, got %T: %v", err, err)
	}
	if exists.ErrorMessage() == "" {
		return fmt.Errorf("AlreadyExistsException without a message")
	}
	if err := apiError("the second CreateSecurityConfiguration taken", err, "AlreadyExistsException", 400, ""); err != nil {
		return err
	}
	log, err := calls()
	if err != nil {
		return err
	}
	return same("the server's call log", log, []string{
		"DeleteSecurityConfiguration EntityNotFoundException",
		"CreateSecurityConfiguration",
		"CreateSecurityConfiguration AlreadyExistsException",
	})
}

func checkResourcePolicy() error {
	glueClient := client(oneAttempt(), nil)
	first, err := glueClient.PutResourcePolicy(ctx, &glue.PutResourcePolicyInput{
		PolicyInJson: aws.String(policy1), PolicyExistsCondition: types.ExistConditionNotExist,
	})
	if err != nil {
		return fmt.Errorf("PutResourcePolicy NOT_EXIST: %v", err)
	}
	if aws.ToString(first.PolicyHash) == "" {
		return fmt.Errorf("PutResourcePolicy NOT_EXIST returned no PolicyHash")
	}
	second, err := glueClient.PutResourcePolicy(ctx, &glue.PutResourcePolicyInput{
		PolicyInJson: aws.String(policy2), PolicyExistsCondition: types.ExistConditionMustExist,
		PolicyHashCondition: first.PolicyHash,
	})
	if err != nil {
		return fmt.Errorf("PutResourcePolicy MUST_EXIST with the current hash: %v", err)
	}
	if aws.ToString(second.PolicyHash) == "" || aws.ToString(second.PolicyHash) == aws.ToString(first.PolicyHash) {
		return fmt.Errorf("a new policy should have a new hash: %q, then %q",
			aws.ToString(first.PolicyHash), aws.ToString(second.PolicyHash))
	}

	// The first hash is stale now: the put loses, and changes nothing.
	_, err = glueClient.PutResourcePolicy(ctx, &glue.PutResourcePolicyInput{
		PolicyInJson: aws.String(policy1), PolicyHashCondition: first.PolicyHash,
	})
	var conflict *types.ConditionCheckFailureException
	if !errors.As(err, &conflict) {
		return fmt.Errorf("PutResourcePolicy with a stale hash: expected *types.ConditionCheckFailureException, got %T: %v", err, err)
	}
	if err := apiError("PutResourcePolicy with a stale hash", err, "ConditionCheckFailureException", 400, ""); err != nil {
		return err
	}
	got, err := glueClient.GetResourcePolicy(ctx, &glue.GetResourcePolicyInput{})
	if err != nil {
		return fmt.Errorf("GetResourcePolicy after the stale put: %v", err)
	}
	if err := same("GetResourcePolicy after the stale put",
		[]interface{}{got.PolicyInJson, got.PolicyHash, got.CreateTime, got.UpdateTime},
		[]interface{}{policy2, second.PolicyHash, at(now), at(now + 1)}); err != nil {
		return err
	}

	third, err := glueClient.PutResourcePolicy(ctx, &glue.PutResourcePolicyInput{
		PolicyInJson: aws.String(policy1), PolicyHashCondition: second.PolicyHash,
	})
	if err != nil {
		return fmt.Errorf("PutResourcePolicy with the current hash: %v", err)
	}
	if err := answered("PutResourcePolicy with the current hash", third.ResultMetadata, 1); err != nil {
		return err
	}
	got, err = glueClient.GetResourcePolicy(ctx, &glue.GetResourcePolicyInput{})
	if err != nil {
		return fmt.Errorf("GetResourcePolicy after the current-hash put: %v", err)
	}
	if err := same("GetResourcePolicy after the current-hash put",
		[]interface{}{got.PolicyInJson, got.PolicyHash, got.CreateTime},
		[]interface{}{policy1, third.PolicyHash, at(now)}); err != nil {
		return err
	}
	if got.UpdateTime == nil || !got.UpdateTime.After(*at(now + 1)) {
		return fmt.Errorf("GetResourcePolicy after the current-hash put: UpdateTime %v, expected after %v",
			got.UpdateTime, at(now+1))
	}
	return nil
}

func checkThrottlingRetried() error {
	backoffs := 0
	glueClient := client(noSleep(&backoffs), nil)
	if _, err := call("POST", "faults", "GetSecurityConfigurations=2*Throttling"); err != nil {
		return err
	}
	start := time.Now()
	out, err := glueClient.GetSecurityConfigurations(ctx, &glue.GetSecurityConfigurationsInput{})
	if err != nil {
		return fmt.Errorf("GetSecurityConfigurations under 2*Throttling, 3 attempts allowed: %v", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		return fmt.Errorf("the retries took %v: the no-op backoff was not used", elapsed)
	}
	if err := answered("GetSecurityConfigurations under 2*Throttling", out.ResultMetadata, 3); err != nil {
		return err
	}
	results, _ := retry.GetAttemptResults(out.ResultMetadata)
	for i, r := range results.Results[:2] {
		if err := apiError(fmt.Sprintf("attempt %d", i+1), r.Err, "ThrottlingException", 400, ""); err != nil {
			return err
		}
		if !r.Retryable {
			return fmt.Errorf("attempt %d: the SDK did not take ThrottlingException as retryable", i+1)
		}
	}
	if backoffs != 2 {
		return fmt.Errorf("the retryer asked the backoff %d times, expected 2", backoffs)
	}
	if len(out.SecurityConfigurations) != 0 || out.NextToken != nil {
		return fmt.Errorf("GetSecurityConfigurations after the retries: %d configurations, NextToken %v, expected none",
			len(out.SecurityConfigurations), aws.ToString(out.NextToken))
	}
	log, err := calls()
	if err != nil {
		return err
	}
	if err := same("the server's call log", log, []string{
		"GetSecurityConfigurations ThrottlingException",
		"GetSecurityConfigurations ThrottlingException",
		"GetSecurityConfigurations",
	}); err != nil {
		return err
	}

	// Throttled 3 times: the caller gets the third ThrottlingException.
	if err := fresh(); err != nil {
		return err
	}
	if _, err := call("POST", "faults", "GetSecurityConfigurations=3*Throttling"); err != nil {
		return err
	}
	_, err = glueClient.GetSecurityConfigurations(ctx, &glue.GetSecurityConfigurationsInput{})
	var exhausted *retry.MaxAttemptsError
	if !errors.As(err, &exhausted) || exhausted.Attempt != 3 {
		return fmt.Errorf("GetSecurityConfigurations under 3*Throttling: expected the SDK to give up after 3 attempts, got %v", err)
	}
	if err := apiError("GetSecurityConfigurations under 3*Throttling", err, "ThrottlingException", 400, ""); err != nil {
		return err
	}
	log, err = calls()
	if err != nil {
		return err
	}
	return same("the server's call log under 3*Throttling", log, []string{
		"GetSecurityConfigurations ThrottlingException",
		"GetSecurityConfigurations ThrottlingException",
		"GetSecurityConfigurations ThrottlingException",
	})
}

func checkWrongSecret() error {
	backoffs := 0
	wrong := client(noSleep(&backoffs),
		credentials.NewStaticCredentialsProvider(os.Getenv("AWS_ACCESS_KEY_ID"), "wrong", ""))
	_, err := wrong.GetSecurityConfigurations(ctx, &glue.GetSecurityConfigurationsInput{})
	if err := apiError("GetSecurityConfigurations signed with a wrong secret", err,
		"InvalidSignatureException", 400, badSignature); err != nil {
		return err
	}
	if backoffs != 0 {
		return fmt.Errorf("the SDK retried InvalidSignatureException (%d backoffs)", backoffs)
	}
	log, err := calls()
	if err != nil {
		return err
	}
	if err := same("the server's call log after the refused request", log, []string{}); err != nil {
		return err
	}
	// The same request with the environment's secret is accepted.
	right := client(oneAttempt(), nil)
	if _, err := right.GetSecurityConfigurations(ctx, &glue.GetSecurityConfigurationsInput{}); err != nil {
		return fmt.Errorf("GetSecurityConfigurations signed with the environment's secret: %v", err)
	}
	log, err = calls()
	if err != nil {
		return err
	}
	return same("the server's call log after the accepted request", log, []string{"GetSecurityConfigurations"})
}

func main() {
	endpoint = strings.TrimRight(os.Getenv("GLUE_ENDPOINT"), "/")
	if !strings.HasPrefix(endpoint, "http") {
		fmt.Fprintln(os.Stderr, "glue_test: set GLUE_ENDPOINT=http://127.0.0.1:PORT (a running gluefake serve)")
		os.Exit(2)
	}
	var err error
	baseCfg, err = config.LoadDefaultConfig(ctx)
	if err != nil {
		fmt.Fprintf(os.Stderr, "glue_test: loading the AWS configuration from the environment: %v\n", err)
		os.Exit(2)
	}
	if baseCfg.Region == "" {
		fmt.Fprintln(os.Stderr, "glue_test: no region in the environment (set AWS_REGION=us-east-1)")
		os.Exit(2)
	}

	checks := []struct {
		name string
		run  func() error
	}{
		{"security configurations: Create, Get, GetSecurityConfigurations, Delete with exact results", checkSecurityConfigurations},
		{"NewGetSecurityConfigurationsPaginator: 25 configurations, Limit 10 -> 10, 10, 5 in creation order", checkPaginator},
		{"typed errors: *types.EntityNotFoundException, *types.AlreadyExistsException", checkTypedErrors},
		{"resource policy: PolicyExistsCondition, a stale PolicyHashCondition -> *types.ConditionCheckFailureException, the current one -> success", checkResourcePolicy},
		{"standard retryer: GetSecurityConfigurations=2*Throttling succeeds in 3 attempts, 3 calls on the server; 3*Throttling gives up", checkThrottlingRetried},
		{"a wrong secret key: InvalidSignatureException, not retried, never reaches the call log", checkWrongSecret},
	}
	for _, c := range checks {
		err := fresh()
		if err == nil {
			err = c.run()
		}
		if err != nil {
			fmt.Printf("not ok - %s: %v\n", c.name, err)
			fmt.Fprintf(os.Stderr, "glue_test: FAIL: %s: %v\n", c.name, err)
			os.Exit(1)
		}
		fmt.Printf("ok - %s\n", c.name)
	}
	fmt.Printf("glue_test: %d checks passed (aws-sdk-go-v2 service/glue)\n", len(checks))
}
