package testreq

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestCI(t *testing.T) {
	for v, want := range map[string]bool{"": false, "0": false, "false": false, "FALSE": false, "true": true, "1": true, "yes": true} {
		t.Setenv("CI", v)
		if got := CI(); got != want {
			t.Errorf("CI=%q: %v, want %v", v, got, want)
		}
	}
}

// A copy that lost a file, gained one or changed a byte is reported, file by file.
func TestCompareJSONFiles(t *testing.T) {
	dir, cp := t.TempDir(), t.TempDir()
	write := func(d, name, body string) {
		if err := os.WriteFile(filepath.Join(d, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(dir, "a.json", `{"a":1}`)
	write(cp, "a.json", `{"a":1}`)
	write(dir, "b.json", `{"b":1}`)
	write(cp, "b.json", `{"b":2}`)
	write(dir, "c.json", `{}`)
	write(cp, "d.json", `{}`)
	write(cp, "notes.txt", `not a case`)
	got, err := compareJSONFiles(dir, cp)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"differs: b.json", "missing from the copy: c.json", "only in the copy: d.json"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	if _, err := compareJSONFiles(dir, t.TempDir()); err == nil {
		t.Fatal("an empty copy compared without error")
	}
}

// The repository's own ../shared is found from a package directory when it is there.
func TestSharedConformance(t *testing.T) {
	if SharedConformance("no-such-folder") != "" {
		t.Fatal("a folder that does not exist was found")
	}
	if SharedConformance("cases") == "" {
		Missing(t, "../shared/conformance/cases is not beside the repository")
	}
}

// recorder is a testing.TB that keeps what the gate reports instead of failing this test.
type recorder struct {
	testing.TB
	errors, logs int
}

func (r *recorder) Helper()               {}
func (r *recorder) Errorf(string, ...any) { r.errors++ }
func (r *recorder) Logf(string, ...any)   { r.logs++ }

// Only an unlisted failure, a listed case that passes, or a listed case that does not exist
// fails the gate; a listed failure is logged.
func TestGate(t *testing.T) {
	for _, tc := range []struct {
		name       string
		known      map[string]string
		outcomes   map[string]string
		wantErrors int
	}{
		{"all pass", nil, map[string]string{"a": "", "b": ""}, 0},
		{"one regression", nil, map[string]string{"a": "", "b": "status FAILED"}, 1},
		{"known failure", map[string]string{"b": "why"}, map[string]string{"a": "", "b": "status FAILED"}, 0},
		{"known failure passes now", map[string]string{"b": "why"}, map[string]string{"a": "", "b": ""}, 1},
		{"known failure is no case", map[string]string{"z": "why"}, map[string]string{"a": ""}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &recorder{TB: t}
			g := Gate{Known: tc.known}
			for id, why := range tc.outcomes {
				if passed := g.Check(r, id, why); passed != (why == "") {
					t.Errorf("%s: Check %v", id, passed)
				}
			}
			g.Done(r)
			if r.errors != tc.wantErrors {
				t.Errorf("%d errors, want %d", r.errors, tc.wantErrors)
			}
		})
	}
}
