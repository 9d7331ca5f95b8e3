package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

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
		cfg := awsapi.Config{NC: deps.NC, JS: deps.JS, Layout: deps.Layout}
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

// awsCall sends one AWS JSON 1.0 request to a stepjet API and decodes the answer into out. An
// API error comes back as *apiCallError with AWS's error name and message. The client commands
// use the same operations as the SDKs, so there is one code path.
func awsCall(endpoint, op string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPost, strings.TrimRight(endpoint, "/")+"/", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "AWSStepFunctions."+op)
	client := &http.Client{Timeout: 6 * time.Minute}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("cannot reach the stepjet API at %s (is `stepjet serve` running?): %w", endpoint, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(b, &e)
		name := e.Type[strings.LastIndexByte(e.Type, '#')+1:]
		if name == "" {
			name = resp.Status
		}
		return &apiCallError{Name: name, Message: e.Message}
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(b, out)
}

// apiCallError is an error answer of the API.
type apiCallError struct{ Name, Message string }

func (e *apiCallError) Error() string { return e.Name + ": " + e.Message }

// machineArn turns a state machine name into its ARN by asking the server (which knows its
// region and account); an argument that is already an ARN is returned as it is.
func machineArn(endpoint, nameOrArn string) (string, error) {
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
		if err := awsCall(endpoint, "ListStateMachines", in, &out); err != nil {
			return "", err
		}
		for _, m := range out.StateMachines {
			if m.Name == nameOrArn {
				return m.StateMachineArn, nil
			}
		}
		if token = out.NextToken; token == "" {
			return "", &apiCallError{Name: "StateMachineDoesNotExist", Message: "no state machine named '" + nameOrArn + "'"}
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
