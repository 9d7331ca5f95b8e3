package validate

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.want.json from the current results")

// optionsFor reads the machine type from the file name: NAME.standard.asl is STANDARD, any other
// NAME.asl is EXPRESS (the default).
func optionsFor(path string) Options {
	if strings.HasSuffix(path, ".standard.asl") {
		return Options{Type: "STANDARD"}
	}
	return Options{}
}

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// TestAWSRecorded replays the answers AWS gave: ValidateStateMachineDefinition results
// (*.want.json) and CreateStateMachine InvalidDefinition messages (*.want.txt).
func TestAWSRecorded(t *testing.T) {
	files, _ := filepath.Glob("testdata/aws/*.asl")
	if len(files) == 0 {
		t.Fatal("no testdata/aws cases")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			def, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			base := strings.TrimSuffix(f, ".asl")
			got := Validate(def, optionsFor(f))
			if want, err := os.ReadFile(base + ".want.json"); err == nil {
				var w Result
				if err := json.Unmarshal(want, &w); err != nil {
					t.Fatal(err)
				}
				if g, w := marshal(t, got), marshal(t, w); !bytes.Equal(g, w) {
					t.Errorf("got\n%s\nwant\n%s", g, w)
				}
				return
			}
			want, err := os.ReadFile(base + ".want.txt")
			if err != nil {
				t.Fatal(err)
			}
			if got.Result != "FAIL" {
				t.Fatalf("result %s, want FAIL", got.Result)
			}
			if g := InvalidDefinitionMessage(got.Diagnostics); g != string(want) {
				t.Errorf("got  %s\nwant %s", g, want)
			}
		})
	}
}

// TestGolden checks our own cases against testdata/golden/*.want.json (-update rewrites them).
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/golden/*.asl")
	if len(files) == 0 {
		t.Fatal("no testdata/golden cases")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			def, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got := marshal(t, Validate(def, optionsFor(f)))
			wantFile := strings.TrimSuffix(f, ".asl") + ".want.json"
			if *update {
				if err := os.WriteFile(wantFile, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(wantFile)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// TestValidDefinitions: AWS ran every definition in testdata/valid (extracted from the
// conformance cases), so none may carry an ERROR. As EXPRESS, only Express restrictions may
// appear.
func TestValidDefinitions(t *testing.T) {
	files, _ := filepath.Glob("testdata/valid/*.asl")
	if len(files) < 100 {
		t.Fatalf("only %d valid definitions", len(files))
	}
	for _, f := range files {
		def, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if d := Definition(def, Options{Type: "STANDARD"}); HasErrors(d) {
			t.Errorf("%s (STANDARD): %+v", filepath.Base(f), d)
		}
		for _, d := range Definition(def, Options{Type: "EXPRESS"}) {
			if d.Severity == SeverityWarning {
				continue // AWS accepts a definition with warnings
			}
			if !strings.Contains(d.Message, "EXPRESS") && !strings.Contains(d.Message, "Express") {
				t.Errorf("%s (EXPRESS): %+v", filepath.Base(f), d)
			}
		}
	}
}

func TestInvalidDefinitionMessage(t *testing.T) {
	for _, tc := range []struct {
		diags []Diagnostic
		want  string
	}{
		{[]Diagnostic{
			{SeverityError, CodeMissingTarget, "Missing 'Next' target: pass3", "/States/pass1/Next"},
			{SeverityWarning, "NO_DOLLAR", "ignored", "/States/x"},
			{SeverityError, CodeMissingTarget, `State "pass2" is not reachable.`, "/States/pass2"},
		}, `Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at /States/pass1/Next, MISSING_TRANSITION_TARGET: State "pass2" is not reachable. at /States/pass2'`},
		{[]Diagnostic{{SeverityError, CodeMissingEnd, "Workflow has no terminal state", ""}},
			`Invalid State Machine Definition: 'MISSING_END_STATE: Workflow has no terminal state at null'`},
	} {
		if got := InvalidDefinitionMessage(tc.diags); got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
}

func TestErrorsFirst(t *testing.T) {
	if d := Definition([]byte(`{"StartAt":"x"}`), Options{}); len(d) == 0 || d[0].Severity != SeverityError {
		t.Fatalf("%+v", d)
	}
}

func FuzzDefinition(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*.asl")
	for i, file := range files {
		if i%7 != 0 && !strings.Contains(file, "golden") {
			continue // a sample of the valid set keeps the corpus small
		}
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b, false)
		}
	}
	f.Fuzz(func(t *testing.T, def []byte, standard bool) {
		opts := Options{}
		if standard {
			opts.Type = "STANDARD"
		}
		d := Definition(def, opts)
		for _, x := range d {
			if x.Severity != SeverityError && x.Severity != SeverityWarning || x.Code == "" || x.Message == "" {
				t.Fatalf("malformed diagnostic %+v", x)
			}
		}
		_ = InvalidDefinitionMessage(d)
	})
}

func BenchmarkDefinition(b *testing.B) {
	def, err := os.ReadFile("testdata/golden/valid_everything.asl")
	if err != nil {
		b.Skip(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		Definition(def, Options{})
	}
}
