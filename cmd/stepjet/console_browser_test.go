package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stepjet/stepjet/internal/testreq"
)

// TestConsoleInBrowser tests the web console as a person uses it: console/e2e/console.mjs drives
// Debian's chromium through playwright-core against two real `stepjet serve` processes (this
// binary, built from the tree) on free ports: an open one and one that requires SigV4. It needs
// node, chromium and console/node_modules (npm ci); under CI=true a missing one fails the test.
// Screenshots go to console/test-results/e2e (or $STEPJET_E2E_ARTIFACTS).
func TestConsoleInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIP: -short: the browser tests take a minute")
	}
	nodeBin := testreq.Tool(t, "STEPJET_NODE", "node", "Debian: apt-get install nodejs npm")
	chromiumBin := testreq.Tool(t, "STEPJET_CHROMIUM", "chromium", "Debian: apt-get install chromium; .ci/run installs it")
	consoleDir, err := filepath.Abs(filepath.Join("..", "..", "console"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(consoleDir, "node_modules", "playwright-core")); err != nil {
		testreq.Missing(t, "console/node_modules/playwright-core is missing (run npm ci in console/; .ci/run does)")
	}
	artifacts := os.Getenv("STEPJET_E2E_ARTIFACTS")
	if artifacts == "" {
		artifacts = filepath.Join(consoleDir, "test-results", "e2e")
	}
	if err := os.RemoveAll(artifacts); err != nil {
		t.Fatal(err)
	}

	open := spawnServe(t, "--data-dir", filepath.Join(t.TempDir(), "open"), "--log-level", "warn")
	const key, secret = "AKIDCONSOLEE2E", "console-e2e-secret"
	t.Setenv(envAccessKey, key)
	t.Setenv(envSecretKey, secret)
	signed := spawnServe(t, "--data-dir", filepath.Join(t.TempDir(), "signed"), "--log-level", "warn")
	open.waitReady(t)
	signed.waitReady(t)

	// generous: chromium and a loaded machine; the script bounds each step itself
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, nodeBin, filepath.Join("e2e", "console.mjs"))
	cmd.Dir = consoleDir
	cmd.Env = append(os.Environ(),
		"STEPJET_URL=http://"+open.httpAddr,
		"STEPJET_SIGNED_URL=http://"+signed.httpAddr, "STEPJET_SIGNED_KEY="+key, "STEPJET_SIGNED_SECRET="+secret,
		"CHROMIUM="+chromiumBin, "E2E_ARTIFACTS="+artifacts,
		"EXAMPLES="+filepath.Join(consoleDir, "..", "examples"))
	out, err := cmd.CombinedOutput()
	t.Logf("console/e2e/console.mjs:\n%s", out)
	if err != nil {
		t.Fatalf("the browser tests failed (%v); screenshots in %s", err, artifacts)
	}
}
