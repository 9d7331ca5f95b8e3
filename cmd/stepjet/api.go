package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/stepjet/stepjet/transport/awsapi"
)

// Environment variables that turn on SigV4 verification in `stepjet serve`: with both set, the
// API refuses requests not signed with this key pair; with neither, it accepts any request (and
// serve listens on loopback unless --http-addr says otherwise).
const (
	envAccessKey = "STEPJET_ACCESS_KEY_ID"
	envSecretKey = "STEPJET_SECRET_ACCESS_KEY"
)

func init() {
	mountAPI = func(mux *http.ServeMux, deps serveDeps) error {
		cfg := awsapi.Config{NC: deps.NC, JS: deps.JS, Layout: deps.Layout, Telemetry: deps.Telemetry, Records: deps.Records}
		if deps.Timeout > 0 {
			cfg.SyncTimeout = deps.Timeout + 15*time.Second
		}
		key, secret := os.Getenv(envAccessKey), os.Getenv(envSecretKey)
		if (key == "") != (secret == "") {
			return fmt.Errorf("set both %s and %s, or neither", envAccessKey, envSecretKey)
		}
		if key != "" {
			cfg.Credentials = map[string]string{key: secret}
		}
		mux.Handle("POST /", awsapi.New(cfg))
		return nil
	}
}

// defaultEndpoint is where `stepjet serve` answers the API by default.
const defaultEndpoint = "http://127.0.0.1:8083"

// envEndpoint names the API for every client command that has no --endpoint.
const envEndpoint = "STEPJET_ENDPOINT"

// How the client commands reach a server: every command that has an AWS API operation
// (create, update, delete, list, describe, start, sync) sends that operation to the HTTP API, as
// the SDKs and the aws CLI do, so a CLI start is refused or accepted exactly as an SDK start is
// and is signed like one. Only what the API has no operation for talks to NATS: logs (reading
// the STEPJET_LOGS and STEPJET_RESULTS streams) and trigger (binding subjects).

// apiOptions are the flags of the commands that call the API.
type apiOptions struct {
	endpoint string
	region   string
}

// register adds --endpoint and --region to fs.
func (o *apiOptions) register(fs *flag.FlagSet) {
	def := defaultEndpoint
	if env := os.Getenv(envEndpoint); env != "" {
		def = env
	}
	fs.StringVar(&o.endpoint, "endpoint", def, "URL of the stepjet API ($"+envEndpoint+" sets the default)")
	fs.StringVar(&o.region, "region", "", "region of the SigV4 signature made when AWS credentials are set (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE) (default $AWS_REGION or the profile's, else us-east-1)")
}

// client returns an API client for command cmd. Requests are signed with SigV4 when the
// standard AWS credential chain finds credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/
// AWS_SESSION_TOKEN, or AWS_PROFILE and the shared config and credentials files), so the CLI
// talks to a server that verifies signatures; with none found they go unsigned. When it cannot
// make one it says why on stderr and ok is false (exit 2).
func (o *apiOptions) client(cmd string, stderr io.Writer) (c *apiClient, ok bool) {
	u, err := url.Parse(o.endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		fmt.Fprintf(stderr, "stepjet %s: --endpoint %q is not an http:// or https:// URL\n", cmd, o.endpoint)
		return nil, false
	}
	c = &apiClient{endpoint: strings.TrimRight(o.endpoint, "/") + "/", region: o.region, http: &http.Client{}}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// The EC2 instance metadata service is never asked: stepjet is not AWS, and an instance's
	// role credentials are never a stepjet key pair (the lookup would also wait on the network).
	cfg, err := config.LoadDefaultConfig(ctx, config.WithEC2IMDSClientEnableState(imds.ClientDisabled))
	if err != nil {
		fmt.Fprintf(stderr, "stepjet %s: reading the AWS configuration to sign requests: %v\n", cmd, err)
		return nil, false
	}
	if c.region == "" {
		c.region = cfg.Region
	}
	if c.region == "" {
		c.region = "us-east-1"
	}
	// Credentials that cannot be had (none configured, an expired SSO session) leave requests
	// unsigned, which a server without SigV4 accepts; one that verifies signatures refuses them,
	// and the error then says why there was no signature.
	if creds, err := cfg.Credentials.Retrieve(ctx); err == nil && creds.HasKeys() {
		c.creds = &creds
	} else {
		c.credsErr = err
	}
	return c, true
}

// apiClient sends AWS JSON 1.0 requests to a stepjet API.
type apiClient struct {
	endpoint string // ends in "/"
	region   string
	creds    *aws.Credentials // nil: requests go unsigned
	credsErr error            // why creds is nil
	http     *http.Client
	timeout  time.Duration // per call; 0 means a minute
}

// call sends one operation and decodes the answer into out (unless nil). An API error comes back
// as *apiCallError with AWS's error name and message.
func (c *apiClient) call(op string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	timeout := c.timeout
	if timeout == 0 {
		timeout = time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "AWSStepFunctions."+op)
	if c.creds != nil {
		sum := sha256.Sum256(body)
		if err := v4.NewSigner().SignHTTP(ctx, *c.creds, req, hex.EncodeToString(sum[:]), "states", c.region, time.Now()); err != nil {
			return fmt.Errorf("signing the request: %w", err)
		}
	}
	resp, err := c.http.Do(req)
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("no answer from the stepjet API at %s within %s", c.endpoint, timeout)
	}
	if err != nil && strings.Contains(err.Error(), "malformed HTTP") {
		return fmt.Errorf("%s does not answer HTTP (a NATS port? the API is on serve's --http-addr, %s by default)", c.endpoint, defaultEndpoint)
	}
	if err != nil {
		return fmt.Errorf("cannot reach the stepjet API at %s (is `stepjet serve` running? --endpoint or $%s name another): %w", c.endpoint, envEndpoint, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("reading the answer of the stepjet API at %s: %w", c.endpoint, err)
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		if json.Unmarshal(b, &e) != nil || e.Type == "" {
			return fmt.Errorf("%s answered %s, not as a stepjet API would: %.200s", c.endpoint, resp.Status, b)
		}
		name := e.Type[strings.LastIndexByte(e.Type, '#')+1:]
		return &apiCallError{Name: name, Message: e.Message + c.authHint(name)}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s answered %s with a body that is not the expected JSON: %w", c.endpoint, op, err)
	}
	return nil
}

// authHint says what to do when the server refused the request's signature (or its absence).
func (c *apiClient) authHint(name string) string {
	switch name {
	case "MissingAuthenticationTokenException":
		why := "" // why credentials that were asked for (by key or profile) could not be had
		if c.credsErr != nil && (os.Getenv("AWS_ACCESS_KEY_ID") != "" || os.Getenv("AWS_PROFILE") != "") {
			why = "; looking for them: " + c.credsErr.Error()
		}
		return " (the server verifies SigV4 signatures and no AWS credentials were found to sign with: set AWS_ACCESS_KEY_ID and " +
			"AWS_SECRET_ACCESS_KEY to the server's " + envAccessKey + " and " + envSecretKey + ", or AWS_PROFILE to a profile holding them" + why + ")"
	case "UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignatureException":
		if c.creds != nil {
			return fmt.Sprintf(" (signed with access key %s from %s; the server accepts only the key pair in its %s and %s)",
				c.creds.AccessKeyID, c.creds.Source, envAccessKey, envSecretKey)
		}
	}
	return ""
}

// apiCallError is an error answer of the API.
type apiCallError struct{ Name, Message string }

func (e *apiCallError) Error() string { return e.Name + ": " + e.Message }

// machineArn turns a state machine name into its ARN by asking the server (which knows its
// region and account); an argument that is already an ARN (of a machine, version or alias) is
// returned as it is.
func (c *apiClient) machineArn(nameOrArn string) (string, error) {
	if strings.HasPrefix(nameOrArn, "arn:") {
		return nameOrArn, nil
	}
	var token string
	for {
		in := map[string]any{"maxResults": 1000}
		if token != "" {
			in["nextToken"] = token
		}
		var out struct {
			StateMachines []struct {
				StateMachineArn string `json:"stateMachineArn"`
				Name            string `json:"name"`
			} `json:"stateMachines"`
			NextToken string `json:"nextToken"`
		}
		if err := c.call("ListStateMachines", in, &out); err != nil {
			return "", err
		}
		for _, m := range out.StateMachines {
			if m.Name == nameOrArn {
				return m.StateMachineArn, nil
			}
		}
		if token = out.NextToken; token == "" {
			return "", errNoMachine(nameOrArn)
		}
	}
}

// printJSON writes v indented, as the other commands print their results.
func printJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// reportCallError prints err for command cmd and returns the exit code: 1 for an API error (the
// request was understood and refused), 2 otherwise.
func reportCallError(stderr io.Writer, cmd string, err error) int {
	fmt.Fprintf(stderr, "stepjet %s: %v\n", cmd, err)
	var ae *apiCallError
	if errors.As(err, &ae) {
		return exitFail
	}
	return exitUsage
}

// tagsFlag collects repeated --tag key=value flags.
type tagsFlag []map[string]string

func (t *tagsFlag) String() string { return "" }
func (t *tagsFlag) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return errors.New("want key=value")
	}
	*t = append(*t, map[string]string{"key": k, "value": v})
	return nil
}

// keysFlag collects a repeated flag's values (--untag KEY).
type keysFlag []string

func (k *keysFlag) String() string { return "" }
func (k *keysFlag) Set(s string) error {
	if s == "" {
		return errors.New("want a tag key")
	}
	*k = append(*k, s)
	return nil
}

// loggingConfig builds a LoggingConfiguration from the --logging-level, --include-execution-data
// and --log-group-arn flags; nil when no level is given. stepjet publishes log events to its
// logs stream whatever the destination says; AWS requires one destination for levels above OFF,
// so a placeholder log group ARN is filled in when none is given.
func loggingConfig(level string, includeData bool, logGroup, name string) map[string]any {
	if level == "" {
		return nil
	}
	lc := map[string]any{"level": strings.ToUpper(level), "includeExecutionData": includeData}
	if logGroup == "" && !strings.EqualFold(level, "OFF") {
		logGroup = "arn:aws:logs:us-east-1:123456789012:log-group:/stepjet/" + name + ":*"
	}
	if logGroup != "" {
		lc["destinations"] = []any{map[string]any{"cloudWatchLogsLogGroup": map[string]any{"logGroupArn": logGroup}}}
	}
	return lc
}
