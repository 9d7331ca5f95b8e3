package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// `stepjet serve --definitions DIR` applies the directory before it becomes ready, and a bad
// file stops it from starting at all.
func TestServeAppliesDefinitions(t *testing.T) {
	dir := t.TempDir()
	def := `{"StartAt":"Hi","States":{"Hi":{"Type":"Pass","Result":"from a file","End":true}}}`
	if err := os.WriteFile(filepath.Join(dir, "greet.asl.json"), []byte(def), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "greet.settings.json"), []byte(`{"tags":{"team":"docs"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	sv := startServe(t, "--definitions", dir, "--log-level", "info", "--log-format", "text")
	req, _ := http.NewRequest(http.MethodPost, "http://"+sv.httpAddr+"/",
		strings.NewReader(`{"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:greet"}`))
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "AWSStepFunctions.StartSyncExecution")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	err = json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if out["status"] != "SUCCEEDED" || out["output"] != `"from a file"` {
		t.Errorf("execution of the applied machine: %v", out)
	}
	if !strings.Contains(sv.stderr.String(), "action=created") {
		t.Errorf("no log of the applied machine:\n%s", sv.stderr.String())
	}

	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "broken.asl.json"), []byte(`{"StartAt":"Nowhere","States":{}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	errOut := &lockedBuffer{}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := serve(ctx, []string{"--data-dir", filepath.Join(t.TempDir(), "data"), "--listen", freeAddr(t),
		"--http-addr", freeAddr(t), "--definitions", bad}, io.Discard, errOut)
	if code != exitFail || !strings.Contains(errOut.String(), "broken.asl.json") {
		t.Errorf("serve with a broken definition: exit %d\n%s", code, errOut.String())
	}
}
