// Package testreq is what a test needs from outside the repository — a program on PATH, the
// recordings in ../shared/conformance — and what happens when it is missing: under CI (CI=true)
// the test fails, so nothing CI is meant to check is skipped unnoticed; elsewhere it skips and
// says what is missing and how to get it.
package testreq

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// CI reports whether the tests run under CI: CI is set to anything but "", "0" or "false".
func CI() bool {
	switch strings.ToLower(os.Getenv("CI")) {
	case "", "0", "false":
		return false
	}
	return true
}

// Missing ends the test because something it needs is not there: a failure under CI, a skip
// that names what is missing elsewhere.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if CI() {
		t.Fatalf("CI=true and "+format, args...)
	}
	t.Skipf("SKIP: "+format, args...)
}

// Tool returns the path of program name (or of the one environment variable env names, when
// set), or ends the test with Missing; install says how to get it.
func Tool(t testing.TB, env, name, install string) string {
	t.Helper()
	if env != "" {
		if p := os.Getenv(env); p != "" {
			return p
		}
	}
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, "%s is not installed (%s)", name, install)
	}
	return p
}

// SharedConformance returns ../shared/conformance/sub beside the repository (the module root is
// found from the working directory, which is the package's under go test), or "" when that
// folder is not there.
func SharedConformance(sub string) string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", "conformance", sub)
	if fi, err := os.Stat(p); err != nil || !fi.IsDir() {
		return ""
	}
	return p
}

// Recordings returns the folder of recorded cases a test reads: ../shared/conformance/sub, the
// one source, when it is there. Without it the test reads copyDir, the repository's copy of it
// (which a test proves equal to the shared folder wherever both are present, see SameAsShared)
// and says so; under CI a missing shared folder is a failure.
func Recordings(t testing.TB, sub, copyDir string) string {
	t.Helper()
	if p := SharedConformance(sub); p != "" {
		return p
	}
	if CI() {
		t.Fatalf("CI=true and ../shared/conformance/%s is not beside the repository", sub)
	}
	t.Logf("../shared/conformance/%s is not beside the repository: reading the copy in %s", sub, copyDir)
	return copyDir
}

// SameAsShared fails the test unless copyDir holds exactly the *.json files of
// ../shared/conformance/sub, byte for byte: the copy may only stand in for the one source while
// it is the same. Without the shared folder there is nothing to compare (Missing).
func SameAsShared(t testing.TB, sub, copyDir string) {
	t.Helper()
	shared := SharedConformance(sub)
	if shared == "" {
		Missing(t, "../shared/conformance/%s is not beside the repository, so %s cannot be compared with it", sub, copyDir)
	}
	diffs, err := compareJSONFiles(shared, copyDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(diffs) > 0 {
		if len(diffs) > 20 {
			diffs = append(diffs[:20], "…")
		}
		t.Fatalf("%s is not a copy of %s; refresh it (rm %s/*.json && cp %s/*.json %s/):\n%s",
			copyDir, shared, copyDir, shared, copyDir, strings.Join(diffs, "\n"))
	}
}

// compareJSONFiles lists, sorted, how the *.json files of copyDir differ from those of dir.
func compareJSONFiles(dir, copyDir string) ([]string, error) {
	want, err := jsonFiles(dir)
	if err != nil {
		return nil, err
	}
	got, err := jsonFiles(copyDir)
	if err != nil {
		return nil, err
	}
	var diffs []string
	for name, path := range want {
		other, ok := got[name]
		if !ok {
			diffs = append(diffs, "missing from the copy: "+name)
			continue
		}
		a, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		b, err := os.ReadFile(other)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(a, b) {
			diffs = append(diffs, "differs: "+name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			diffs = append(diffs, "only in the copy: "+name)
		}
	}
	sort.Strings(diffs)
	return diffs, nil
}

func jsonFiles(dir string) (map[string]string, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err == nil && len(paths) == 0 {
		err = fmt.Errorf("no recorded cases (*.json) in %s", dir)
	}
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(paths))
	for _, p := range paths {
		m[filepath.Base(p)] = p
	}
	return m, nil
}

// Gate holds recorded cases to "every case passes except the known failures": Known names the
// cases allowed to fail, each with why. A case Known names that passes fails the test too, until
// it is taken off the list, so the list only ever says what is true.
type Gate struct {
	Known map[string]string
	seen  map[string]bool
}

// Check records case id's outcome (why it failed, or "" when it passed) and reports whether it
// passed.
func (g *Gate) Check(t testing.TB, id, why string) bool {
	t.Helper()
	if g.seen == nil {
		g.seen = map[string]bool{}
	}
	g.seen[id] = true
	known, isKnown := g.Known[id]
	switch {
	case why == "" && isKnown:
		t.Errorf("%s passes now: take it off the known failures (%s)", id, known)
	case why == "":
	case isKnown:
		t.Logf("known failure %s (%s): %s", id, known, why)
	default:
		t.Errorf("FAIL %s: %s", id, why)
	}
	return why == ""
}

// Done fails the test for each known failure that names no case that was checked.
func (g *Gate) Done(t testing.TB) {
	t.Helper()
	for id := range g.Known {
		if !g.seen[id] {
			t.Errorf("the known failures name %s, which is not a recorded case", id)
		}
	}
}
