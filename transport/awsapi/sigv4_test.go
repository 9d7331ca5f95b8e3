package awsapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
)

// signedRequest builds a request for op with body, signed by the SDK's own SigV4 signer at t
// over the headers it carries when signed; after(req) may then alter it, as an attacker
// replaying a captured request would.
func signedRequest(t *testing.T, url, op, body string, at time.Time, before, after func(*http.Request)) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "AWSStepFunctions."+op)
	if before != nil {
		before(req)
	}
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: "AKIDSTEPJET", SecretAccessKey: "s3cret"}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "states", "us-east-1", at); err != nil {
		t.Fatal(err)
	}
	if after != nil {
		after(req)
	}
	return req
}

func send(t *testing.T, req *http.Request) (int, string, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var e struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(b, &e)
	return resp.StatusCode, e.Type[strings.LastIndexByte(e.Type, '#')+1:], e.Message
}

// The signature binds the body, the operation and the time: each attack of issue 14 item 10
// with a request signed by the real SDK signer.
func TestSigV4BindsBodyHeadersAndTime(t *testing.T) {
	e := startEnv(t, Config{Credentials: map[string]string{"AKIDSTEPJET": "s3cret"}})
	ctx := context.Background()
	c := sdkClient(e.srv.URL, "AKIDSTEPJET", "s3cret")
	for _, name := range []string{"keep", "kept"} {
		must(c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(name), Definition: aws.String(helloDef),
			RoleArn: aws.String("arn:aws:iam::123456789012:role/r")}))(t)
	}
	arn := func(name string) string { return "arn:aws:states:us-east-1:123456789012:stateMachine:" + name }
	del := func(name string) string { return `{"stateMachineArn":"` + arn(name) + `"}` }
	exists := func(name string) bool {
		_, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn(name))})
		return err == nil
	}
	now := time.Now()

	// A captured request replayed with another body of the same length (with and without the
	// captured X-Amz-Content-Sha256).
	swap := func(r *http.Request) {
		b := del("kept")
		r.Body = io.NopCloser(strings.NewReader(b))
		r.ContentLength = int64(len(b))
	}
	for _, keepHash := range []bool{false, true} {
		req := signedRequest(t, e.srv.URL, "DeleteStateMachine", del("keep"), now, func(r *http.Request) {
			if keepHash {
				sum := sha256.Sum256([]byte(del("keep")))
				r.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
			}
		}, swap)
		if code, typ, msg := send(t, req); code != 400 || typ != "InvalidSignatureException" {
			t.Errorf("body swap (content hash sent: %v): %d %s %s", keepHash, code, typ, msg)
		}
	}
	if !exists("kept") {
		t.Fatal("a replayed request with a swapped body deleted a state machine")
	}

	// A signature covering only host and x-amz-date, the operation added afterwards.
	req := signedRequest(t, e.srv.URL, "ListStateMachines", del("keep"), now, func(r *http.Request) {
		r.Header.Del("X-Amz-Target")
		r.Header.Del("Content-Type")
		r.ContentLength = 0 // else the signer covers content-length too
	}, func(r *http.Request) {
		r.ContentLength = int64(len(del("keep")))
		r.Header.Set("Content-Type", "application/x-amz-json-1.0")
		r.Header.Set("X-Amz-Target", "AWSStepFunctions.DeleteStateMachine")
	})
	if !strings.Contains(req.Header.Get("Authorization"), "SignedHeaders=host;x-amz-date,") {
		t.Fatalf("the attack's signature covers more than host;x-amz-date: %s", req.Header.Get("Authorization"))
	}
	if code, typ, msg := send(t, req); code != 400 || typ != "IncompleteSignatureException" || !strings.Contains(msg, "'X-Amz-Target' must be a 'SignedHeader'") {
		t.Errorf("host;x-amz-date only: %d %s %s", code, typ, msg)
	}
	if !exists("keep") {
		t.Fatal("a signature over host;x-amz-date only deleted a state machine")
	}

	// Dates more than 15 minutes off, either way, as AWS says it.
	stale := now.Add(-20 * time.Minute)
	code, typ, msg := send(t, signedRequest(t, e.srv.URL, "ListStateMachines", "{}", stale, nil, nil))
	if code != 400 || typ != "InvalidSignatureException" || !strings.HasPrefix(msg, "Signature expired: "+stale.UTC().Format(amzDateFormat)+" is now earlier than ") || !strings.HasSuffix(msg, " - 15 min.)") {
		t.Errorf("stale date: %d %s %s", code, typ, msg)
	}
	code, typ, msg = send(t, signedRequest(t, e.srv.URL, "ListStateMachines", "{}", now.Add(20*time.Minute), nil, nil))
	if code != 400 || typ != "InvalidSignatureException" || !strings.HasPrefix(msg, "Signature not yet current: ") {
		t.Errorf("future date: %d %s %s", code, typ, msg)
	}

	// The same signer, untouched, is accepted; so is the SDK client (TestSDKSigV4).
	if code, typ, msg := send(t, signedRequest(t, e.srv.URL, "DeleteStateMachine", del("keep"), now, nil, nil)); code != 200 {
		t.Errorf("a genuine request: %d %s %s", code, typ, msg)
	}
}

// An unauthenticated request is refused before its body is read: the server answers at once
// although the body never comes.
func TestSigV4RefusesBeforeTheBody(t *testing.T) {
	e := startEnv(t, Config{Credentials: map[string]string{"AKIDSTEPJET": "s3cret"}})
	pr, pw := io.Pipe()
	defer pw.Close()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/", pr)
	req.ContentLength = 1 << 20
	req.Header.Set("X-Amz-Target", "AWSStepFunctions.ListStateMachines")
	go func() { _, _ = pw.Write(bytes.Repeat([]byte(" "), 10)) }() // then nothing more
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("status %d", resp.StatusCode)
	}
	// A body over the limit is refused by its declared length, unread.
	big, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/", io.LimitReader(zeros{}, maxBody+1))
	big.ContentLength = maxBody + 1
	resp, err = http.DefaultClient.Do(big)
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("oversized body: %d", resp.StatusCode)
		}
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }
