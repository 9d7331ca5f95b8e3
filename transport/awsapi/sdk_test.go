package awsapi

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

const helloDef = `{"StartAt":"Hello","States":{"Hello":{"Type":"Pass","Parameters":{"greeting.$":"States.Format('hello {}', $.who)"},"End":true}}}`

// noHostPrefix is the client-side fix for the SDKs' "sync-" host prefix (DESIGN.md's trap).
func noHostPrefix(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("DisableHostPrefix",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
		}), middleware.Before)
}

func sdkClient(endpoint, key, secret string) *sfn.Client {
	return sfn.New(sfn.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(key, secret, ""),
		APIOptions:   []func(*middleware.Stack) error{noHostPrefix},
	})
}

// apiErrorCode is the AWS error code of err, or "" when err is not an API error.
func apiErrorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := apiErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

// must(call(...))(t) returns call's value, failing t on its error.
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func TestSDKStateMachineLifecycle(t *testing.T) {
	e := startEnv(t, Config{})
	e.serveSync(t)
	c := sdkClient(e.srv.URL, "any", "thing")
	ctx := context.Background()
	role := aws.String("arn:aws:iam::123456789012:role/stepjet")

	created := must(c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
		Name: aws.String("hello"), Definition: aws.String(helloDef), RoleArn: role,
		Type: types.StateMachineTypeExpress, Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}},
		LoggingConfiguration: &types.LoggingConfiguration{Level: types.LogLevelOff},
		TracingConfiguration: &types.TracingConfiguration{Enabled: true},
		Publish:              true, VersionDescription: aws.String("first"),
	}))(t)
	arn := aws.ToString(created.StateMachineArn)
	if arn != "arn:aws:states:us-east-1:123456789012:stateMachine:hello" || aws.ToString(created.StateMachineVersionArn) != arn+":1" {
		t.Fatalf("create: %s %s", arn, aws.ToString(created.StateMachineVersionArn))
	}
	// The same request again is idempotent only without publish; a different one is refused.
	_, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("hello"), Definition: aws.String(helloDef + " "), RoleArn: role, Type: types.StateMachineTypeExpress})
	wantCode(t, err, "StateMachineAlreadyExists")
	_, err = c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("bad name"), Definition: aws.String(helloDef), RoleArn: role})
	wantCode(t, err, "InvalidName")
	_, err = c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("bad"), Definition: aws.String(`{"StartAt":"X","States":{}}`), RoleArn: role})
	wantCode(t, err, "InvalidDefinition")
	_, err = c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(strings.Repeat("n", 81)), Definition: aws.String(helloDef), RoleArn: role})
	wantCode(t, err, "ValidationException")

	d := must(c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: &arn}))(t)
	if d.Type != types.StateMachineTypeExpress || aws.ToString(d.Definition) != helloDef || d.Status != types.StateMachineStatusActive ||
		d.TracingConfiguration == nil || !d.TracingConfiguration.Enabled || d.LoggingConfiguration.Level != types.LogLevelOff {
		t.Fatalf("describe: %+v", d)
	}
	_, err = c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn + "-nope")})
	wantCode(t, err, "StateMachineDoesNotExist")
	_, err = c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String("hello")})
	wantCode(t, err, "InvalidArn")

	// Update with publish gives version 2; describing version 1 still shows the old definition.
	newDef := strings.Replace(helloDef, "hello {}", "hi {}", 1)
	up := must(c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: &arn, Definition: &newDef, Publish: true, VersionDescription: aws.String("second")}))(t)
	if aws.ToString(up.StateMachineVersionArn) != arn+":2" || aws.ToString(up.RevisionId) == "" {
		t.Fatalf("update: %+v", up)
	}
	v1 := must(c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn + ":1")}))(t)
	if aws.ToString(v1.Definition) != helloDef || aws.ToString(v1.Description) != "first" {
		t.Fatalf("version 1: %+v", v1)
	}
	_, err = c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: &arn})
	wantCode(t, err, "MissingRequiredParameter")

	// Versions and aliases.
	pub := must(c.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: &arn}))(t)
	if aws.ToString(pub.StateMachineVersionArn) != arn+":2" { // unchanged revision: the same version
		t.Fatalf("publish: %s", aws.ToString(pub.StateMachineVersionArn))
	}
	_, err = c.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: &arn, RevisionId: aws.String("stale")})
	wantCode(t, err, "ConflictException")
	vs := must(c.ListStateMachineVersions(ctx, &sfn.ListStateMachineVersionsInput{StateMachineArn: &arn}))(t)
	if len(vs.StateMachineVersions) != 2 || aws.ToString(vs.StateMachineVersions[0].StateMachineVersionArn) != arn+":2" {
		t.Fatalf("versions: %+v", vs.StateMachineVersions)
	}
	alias := must(c.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{
		Name: aws.String("live"), RoutingConfiguration: []types.RoutingConfigurationListItem{
			{StateMachineVersionArn: aws.String(arn + ":1"), Weight: 90}, {StateMachineVersionArn: aws.String(arn + ":2"), Weight: 10}},
	}))(t)
	aliasArn := aws.ToString(alias.StateMachineAliasArn)
	if aliasArn != arn+":live" {
		t.Fatalf("alias: %s", aliasArn)
	}
	_, err = c.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String("bad"), RoutingConfiguration: []types.RoutingConfigurationListItem{{StateMachineVersionArn: aws.String(arn + ":1"), Weight: 50}}})
	wantCode(t, err, "ValidationException")
	_, err = c.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String("x"), RoutingConfiguration: []types.RoutingConfigurationListItem{{StateMachineVersionArn: aws.String(arn + ":9"), Weight: 100}}})
	wantCode(t, err, "ResourceNotFound")
	must(c.UpdateStateMachineAlias(ctx, &sfn.UpdateStateMachineAliasInput{StateMachineAliasArn: &aliasArn, RoutingConfiguration: []types.RoutingConfigurationListItem{{StateMachineVersionArn: aws.String(arn + ":2"), Weight: 100}}}))(t)
	da := must(c.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: &aliasArn}))(t)
	if len(da.RoutingConfiguration) != 1 || da.RoutingConfiguration[0].Weight != 100 {
		t.Fatalf("alias routing: %+v", da.RoutingConfiguration)
	}
	la := must(c.ListStateMachineAliases(ctx, &sfn.ListStateMachineAliasesInput{StateMachineArn: &arn}))(t)
	if len(la.StateMachineAliases) != 1 {
		t.Fatalf("aliases: %+v", la.StateMachineAliases)
	}
	_, err = c.DeleteStateMachineVersion(ctx, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(arn + ":2")})
	wantCode(t, err, "ConflictException")
	must(c.DeleteStateMachineVersion(ctx, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(arn + ":1")}))(t)

	// Executions: sync through the responder, async onto the executions stream, and Express
	// execution ARNs for the Standard-only operations.
	sync := must(c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: &arn, Input: aws.String(`{"who":"world"}`), Name: aws.String("s1")}))(t)
	if sync.Status != types.SyncExecutionStatusSucceeded || aws.ToString(sync.Output) != `{"greeting":"hi world"}` {
		t.Fatalf("sync: %+v", sync)
	}
	syncAlias := must(c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: &aliasArn, Input: aws.String(`{"who":"you"}`)}))(t)
	if syncAlias.Status != types.SyncExecutionStatusSucceeded {
		t.Fatalf("sync via alias: %+v", syncAlias)
	}
	_, err = c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: &arn, Input: aws.String(`{nope`)})
	wantCode(t, err, "InvalidExecutionInput")
	started := must(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &arn, Name: aws.String("e1"), Input: aws.String(`{"who":"async"}`)}))(t)
	execArn := aws.ToString(started.ExecutionArn)
	if !strings.HasPrefix(execArn, "arn:aws:states:us-east-1:123456789012:express:hello:e1:") || started.StartDate == nil {
		t.Fatalf("start: %+v", started)
	}
	stream := must(e.js.Stream(ctx, e.api.cfg.Layout.ExecutionsStream()))(t)
	msg := must(stream.GetLastMsgForSubject(ctx, e.api.cfg.Layout.StartSubject("hello")))(t)
	if string(msg.Data) != `{"who":"async"}` || msg.Header.Get("Nats-Msg-Id") != "hello:e1" || msg.Header.Get("Stepjet-Execution-Arn") != execArn ||
		msg.Header.Get("Stepjet-State-Machine-Arn") != arn || msg.Header.Get("Stepjet-Start-Date") == "" {
		t.Fatalf("start message: %s %v", msg.Data, msg.Header)
	}
	_, err = c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &arn, Name: aws.String("e1")})
	wantCode(t, err, "ExecutionAlreadyExists")
	_, err = c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &arn, Name: aws.String("a:b")})
	wantCode(t, err, "InvalidName")
	_, err = c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: &execArn})
	wantCode(t, err, "InvalidArn")
	_, err = c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: &execArn})
	wantCode(t, err, "InvalidArn")
	_, err = c.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: &execArn})
	wantCode(t, err, "InvalidArn")
	_, err = c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: &arn})
	wantCode(t, err, "StateMachineTypeNotSupported")
	forExec := must(c.DescribeStateMachineForExecution(ctx, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: &execArn}))(t)
	if aws.ToString(forExec.StateMachineArn) != arn || aws.ToString(forExec.Definition) != newDef {
		t.Fatalf("for execution: %+v", forExec)
	}

	// Tags.
	must(c.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: &arn, Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("dev")}}}))(t)
	must(c.UntagResource(ctx, &sfn.UntagResourceInput{ResourceArn: &arn, TagKeys: []string{"team"}}))(t)
	tags := must(c.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: &arn}))(t)
	if len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "env" || aws.ToString(tags.Tags[0].Value) != "dev" {
		t.Fatalf("tags: %+v", tags.Tags)
	}
	_, err = c.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: aws.String(arn + "x")})
	wantCode(t, err, "ResourceNotFound")

	// Validation.
	val := must(c.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{Definition: aws.String(`{"States":{}}`)}))(t)
	if val.Result != types.ValidateStateMachineDefinitionResultCodeFail || len(val.Diagnostics) == 0 {
		t.Fatalf("validate: %+v", val)
	}

	// Listing pages through every machine; delete removes the machine, its versions and aliases.
	for _, n := range []string{"b1", "b2", "b3"} {
		must(c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(n), Definition: aws.String(helloDef), RoleArn: role, Type: types.StateMachineTypeExpress}))(t)
	}
	var names []string
	p := sfn.NewListStateMachinesPaginator(c, &sfn.ListStateMachinesInput{MaxResults: 2})
	for p.HasMorePages() {
		out := must(p.NextPage(ctx))(t)
		for _, m := range out.StateMachines {
			names = append(names, aws.ToString(m.Name))
		}
	}
	if strings.Join(names, ",") != "hello,b1,b2,b3" {
		t.Fatalf("list: %v", names)
	}
	must(c.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: &arn}))(t)
	_, err = c.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: &aliasArn})
	wantCode(t, err, "ResourceNotFound")
	_, err = c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &arn})
	wantCode(t, err, "StateMachineDoesNotExist")
}

func TestSDKSigV4(t *testing.T) {
	e := startEnv(t, Config{Credentials: map[string]string{"AKIDSTEPJET": "s3cret"}})
	ctx := context.Background()
	in := &sfn.ListStateMachinesInput{}

	must(sdkClient(e.srv.URL, "AKIDSTEPJET", "s3cret").ListStateMachines(ctx, in))(t)
	_, err := sdkClient(e.srv.URL, "AKIDSTEPJET", "wrong").ListStateMachines(ctx, in)
	wantCode(t, err, "InvalidSignatureException")
	_, err = sdkClient(e.srv.URL, "AKIDOTHER", "s3cret").ListStateMachines(ctx, in)
	wantCode(t, err, "UnrecognizedClientException")
	anon := sfn.New(sfn.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.srv.URL), Credentials: aws.AnonymousCredentials{}})
	_, err = anon.ListStateMachines(ctx, in)
	wantCode(t, err, "MissingAuthenticationTokenException")
	// A signed request through the sync- host prefix path (Host header differs) still verifies.
	_, err = sdkClient(e.srv.URL, "AKIDSTEPJET", "s3cret").StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String("arn:aws:states:us-east-1:123456789012:stateMachine:none")})
	wantCode(t, err, "StateMachineDoesNotExist")
}
