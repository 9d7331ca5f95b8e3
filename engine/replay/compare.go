package replay

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"

	"github.com/tidwall/gjson"
)

// MaxDifferences bounds the output differences a report lists (the rest are counted).
const MaxDifferences = 100

// Report is what differs between a recorded execution and its replay.
type Report struct {
	// Same is true when the path and the outcome are the same and every Task was answered.
	Same bool `json:"same"`
	// Divergence is the first place the paths part (nil when they do not).
	Divergence *Divergence `json:"divergence,omitempty"`
	// Differences are those of the outcome: status, error, cause, and the output by JSON path.
	Differences []Difference `json:"differences,omitempty"`
	// MoreDifferences counts the output differences left out past MaxDifferences.
	MoreDifferences int `json:"moreDifferences,omitempty"`
	// Unanswered is the invocation the replay stopped at, when it had no recorded answer.
	Unanswered *Unanswered `json:"unanswered,omitempty"`
	Recorded   Outcome     `json:"recorded"`
	Replayed   Outcome     `json:"replayed"`
	// States counts the state entries of the recorded and the replayed path.
	States [2]int `json:"states"`
}

// Difference is one value that differs: Field is status, error, cause or output; Path the
// JSON path within the output ($ for the whole); Recorded and Replayed the values as JSON
// (absent when a side has none).
type Difference struct {
	Field    string          `json:"field"`
	Path     string          `json:"path,omitempty"`
	Recorded json.RawMessage `json:"recorded,omitempty"`
	Replayed json.RawMessage `json:"replayed,omitempty"`
}

// Compare reports where a replay differs from the recording.
func Compare(rec *Recording, run *Replay) *Report {
	r := &Report{
		Divergence: FirstDivergence(rec.Path, run.Path),
		Unanswered: run.Unanswered,
		Recorded:   rec.Outcome,
		Replayed:   run.Outcome,
		States:     [2]int{rec.Path.Len(), run.Path.Len()},
	}
	for _, f := range []struct{ name, a, b string }{
		{"status", rec.Outcome.Status, run.Outcome.Status},
		{"error", rec.Outcome.Error, run.Outcome.Error},
		{"cause", rec.Outcome.Cause, run.Outcome.Cause},
	} {
		if f.a != f.b {
			r.Differences = append(r.Differences, Difference{Field: f.name, Recorded: jsonString(f.a), Replayed: jsonString(f.b)})
		}
	}
	d := &differ{}
	d.diff("$", gjson.ParseBytes(rec.Outcome.Output), gjson.ParseBytes(run.Outcome.Output))
	r.Differences = append(r.Differences, d.out...)
	r.MoreDifferences = d.more
	r.Same = r.Divergence == nil && len(r.Differences) == 0 && r.Unanswered == nil
	return r
}

func jsonString(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	b, _ := json.Marshal(s)
	return b
}

// differ lists the differences of two JSON documents by path: objects member by member,
// arrays element by element, anything else by value (numbers by their value: 1 and 1.0 are
// the same).
type differ struct {
	out  []Difference
	more int
}

func (d *differ) add(path string, a, b gjson.Result) {
	if len(d.out) >= MaxDifferences {
		d.more++
		return
	}
	d.out = append(d.out, Difference{Field: "output", Path: path, Recorded: compact(a), Replayed: compact(b)})
}

func compact(r gjson.Result) json.RawMessage {
	if !r.Exists() {
		return nil
	}
	var b bytes.Buffer
	if json.Compact(&b, []byte(r.Raw)) != nil {
		return json.RawMessage(r.Raw)
	}
	return b.Bytes()
}

func (d *differ) diff(path string, a, b gjson.Result) {
	switch {
	case a.IsObject() && b.IsObject():
		seen := map[string]bool{}
		a.ForEach(func(k, v gjson.Result) bool {
			seen[k.Str] = true
			d.diff(member(path, k.Str), v, b.Get(gjson.Escape(k.Str)))
			return true
		})
		b.ForEach(func(k, v gjson.Result) bool {
			if !seen[k.Str] {
				d.add(member(path, k.Str), gjson.Result{}, v)
			}
			return true
		})
	case a.IsArray() && b.IsArray():
		x, y := a.Array(), b.Array()
		for i := 0; i < max(len(x), len(y)); i++ {
			var p, q gjson.Result
			if i < len(x) {
				p = x[i]
			}
			if i < len(y) {
				q = y[i]
			}
			d.diff(path+"["+strconv.Itoa(i)+"]", p, q)
		}
	case !sameValue(a, b):
		d.add(path, a, b)
	}
}

func sameValue(a, b gjson.Result) bool {
	if a.Exists() != b.Exists() || a.Type != b.Type {
		return false
	}
	switch a.Type {
	case gjson.Number:
		return a.Raw == b.Raw || a.Num == b.Num
	case gjson.String:
		return a.Str == b.Str
	case gjson.JSON:
		return string(compact(a)) == string(compact(b))
	}
	return true
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// member is path's member key, as JSONPath writes it: $.key, or $['odd key'].
func member(path, key string) string {
	if identifier.MatchString(key) {
		return path + "." + key
	}
	q, _ := json.Marshal(key)
	s := string(q[1 : len(q)-1])
	out := make([]byte, 0, len(s)+4)
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			out = append(out, '\\')
		}
		out = append(out, s[i])
	}
	return path + "['" + string(out) + "']"
}
