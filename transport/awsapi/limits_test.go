package awsapi

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stepjet/stepjet/transport/executor"
	"github.com/stepjet/stepjet/transport/limits"
)

// TestSDKLimitTagsAreValidated: a limit tag the executors could not enforce is refused with
// ValidationException, naming the tag and what it takes, by CreateStateMachine and
// TagResource; valid ones are stored.
func TestSDKLimitTagsAreValidated(t *testing.T) {
	e := startEnv(t, Config{})
	c := sdkClient(e.srv.URL, "any", "thing")
	ctx := context.Background()
	role := aws.String("arn:aws:iam::123456789012:role/stepjet")
	tag := func(k, v string) []types.Tag { return []types.Tag{{Key: aws.String(k), Value: aws.String(v)}} }

	_, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("bad"), Definition: aws.String(helloDef), RoleArn: role,
		Type: types.StateMachineTypeExpress, Tags: tag(limits.TagConcurrency, "0")})
	wantCode(t, err, "ValidationException")
	if !strings.Contains(err.Error(), limits.TagConcurrency) {
		t.Fatalf("the error does not name the tag: %v", err)
	}
	created := must(c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("ok"), Definition: aws.String(helloDef), RoleArn: role,
		Type: types.StateMachineTypeExpress, Tags: tag(limits.TagConcurrency, "10")}))(t)
	arn := created.StateMachineArn
	for _, bad := range []struct{ k, v string }{
		{limits.TagConcurrency, "ten"}, {limits.TagConcurrency, "-1"}, {limits.TagConcurrency, "1.5"}, {limits.TagConcurrency, "100001"},
		{limits.TagRate, "0"}, {limits.TagRate, "fast"}, {limits.TagRate, "NaN"}, {limits.TagRate, "1e9"},
	} {
		_, err := c.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: arn, Tags: tag(bad.k, bad.v)})
		wantCode(t, err, "ValidationException")
	}
	must(c.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: arn, Tags: tag(limits.TagRate, "0.5")}))(t)
	tags := must(c.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: arn}))(t).Tags
	if len(tags) != 2 {
		t.Fatalf("tags: %+v", tags)
	}
}

// TestSDKSyncStartOverTheLimitIsThrottled: with its one allowed execution running, a
// StartSyncExecution of the machine gets AWS's ThrottlingException (HTTP 400) through the real
// SDK; the async start over the limit is accepted and waits.
func TestSDKSyncStartOverTheLimitIsThrottled(t *testing.T) {
	e := startEnv(t, Config{})
	ex, err := executor.New(executor.Config{NC: e.nc, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if err := ex.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = ex.Shutdown(ctx)
	})
	c := sdkClient(e.srv.URL, "any", "thing")
	ctx := context.Background()
	// {"wait": true} holds the execution for a minute; anything else ends at once.
	def := `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.wait","IsPresent":true,"Next":"W"}],"Default":"P"},` +
		`"W":{"Type":"Wait","Seconds":60,"End":true},"P":{"Type":"Pass","End":true}}}`
	arn := must(c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("single"), Definition: aws.String(def),
		RoleArn: aws.String("arn:aws:iam::123456789012:role/stepjet"), Type: types.StateMachineTypeExpress,
		Tags: []types.Tag{{Key: aws.String(limits.TagConcurrency), Value: aws.String("1")}}}))(t).StateMachineArn
	must(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: arn, Input: aws.String(`{"wait":true}`)}))(t)
	// Sync starts are asked for only once the waiting execution holds the machine's one slot: one
	// admitted before (the count still 0) would queue behind it for its minute.
	names := limits.Names{}
	pollUntil(t, "the waiting execution to hold the slot", func() bool {
		cons, err := e.js.Consumer(ctx, names.Stream(), names.Consumer("single"))
		if err != nil {
			return false
		}
		info, err := cons.Info(ctx)
		return err == nil && info.NumAckPending == 1
	})
	noRetry := func(o *sfn.Options) { o.RetryMaxAttempts = 1 }
	var last error
	pollUntil(t, "a sync start to be throttled", func() bool {
		_, last = c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: arn, Input: aws.String(`{}`)}, noRetry)
		return last != nil
	})
	wantCode(t, last, "ThrottlingException")
	if !strings.Contains(last.Error(), "concurrent executions") || !strings.Contains(last.Error(), "StatusCode: 400") {
		t.Fatalf("throttling error: %v", last)
	}
}
