package replay

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Thread is one thread of control's path: the states it entered, in order. The execution is
// one; each Map iteration and each Parallel branch is another, under its state's Step.
type Thread []Step

// Step is one entry of a state.
type Step struct {
	State string `json:"state"`
	// Type is the state's type as ASL spells it (Task, Choice, Map, ...).
	Type string `json:"type"`
	// Children are a Map state's iterations (by item index) or a Parallel state's branches
	// (by branch index); an index that did not run is an empty Thread.
	Children []Thread `json:"children,omitempty"`
	// Failed is set for a Map or Parallel state that did not succeed: its failure cancelled
	// the iterations or branches still running, which stop wherever they were.
	Failed bool `json:"failed,omitempty"`
}

// Len counts the state entries of a path, nested ones included.
func (t Thread) Len() int {
	n := 0
	for _, s := range t {
		n++
		for _, c := range s.Children {
			n += c.Len()
		}
	}
	return n
}

// threadNode and stepNode build a path while events arrive: iterations and branches may start
// in any order.
type threadNode struct{ steps []*stepNode }

type stepNode struct {
	State, Type string
	kids        map[int]*threadNode
	succeeded   bool
}

func (s *stepNode) child(i int) *threadNode {
	if s.kids == nil {
		s.kids = map[int]*threadNode{}
	}
	t, ok := s.kids[i]
	if !ok {
		t = &threadNode{}
		s.kids[i] = t
	}
	return t
}

func (t *threadNode) thread() Thread {
	out := make(Thread, 0, len(t.steps))
	for _, s := range t.steps {
		st := Step{State: s.State, Type: s.Type, Failed: (s.Type == "Map" || s.Type == "Parallel") && !s.succeeded}
		if len(s.kids) > 0 {
			idx := make([]int, 0, len(s.kids))
			for i := range s.kids {
				idx = append(idx, i)
			}
			sort.Ints(idx)
			st.Children = make([]Thread, idx[len(idx)-1]+1)
			for _, i := range idx {
				st.Children[i] = s.kids[i].thread()
			}
		}
		out = append(out, st)
	}
	return out
}

// Divergence is the first place two paths part: in thread Where, after state After, one run
// entered Recorded and the other Replayed ("" when that run's thread had ended there).
type Divergence struct {
	// Where names the thread: "" for the execution's own, else e.g. "Map state \"M\" item 2 >
	// Parallel state \"P\" branch 1".
	Where        string `json:"where,omitempty"`
	After        string `json:"after,omitempty"`
	AfterType    string `json:"afterType,omitempty"`
	Recorded     string `json:"recorded,omitempty"`
	RecordedType string `json:"recordedType,omitempty"`
	Replayed     string `json:"replayed,omitempty"`
	ReplayedType string `json:"replayedType,omitempty"`
}

// String says where the paths part, in a sentence.
func (d *Divergence) String() string {
	var b strings.Builder
	switch {
	case d.After != "":
		fmt.Fprintf(&b, "after %s state %q", d.AfterType, d.After)
	default:
		b.WriteString("at the start")
	}
	if d.Where != "" {
		b.WriteString(" in " + d.Where)
	}
	fmt.Fprintf(&b, ": the recorded run %s, the replay %s", did(d.Recorded, d.RecordedType), did(d.Replayed, d.ReplayedType))
	return b.String()
}

func did(state, typ string) string {
	if state == "" {
		return "entered no further state"
	}
	return fmt.Sprintf("entered %s state %q", typ, state)
}

// FirstDivergence compares two paths depth first and returns where they first part, or nil
// when they are the same.
func FirstDivergence(recorded, replayed Thread) *Divergence { return diverge(recorded, replayed, "") }

func diverge(a, b Thread, where string) *Divergence {
	for i := 0; i < max(len(a), len(b)); i++ {
		var x, y Step
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x.State != y.State || x.Type != y.Type {
			d := &Divergence{Where: where, Recorded: x.State, RecordedType: x.Type, Replayed: y.State, ReplayedType: y.Type}
			if i > 0 {
				d.After, d.AfterType = a[i-1].State, a[i-1].Type
			}
			return d
		}
		// A failed Map or Parallel cancelled its other iterations or branches wherever they
		// were, which depends on timing (and a replay runs iterations one at a time, so it
		// starts none after the failing one): those are compared as far as both ran.
		cut := x.Failed || y.Failed
		for j := 0; j < max(len(x.Children), len(y.Children)); j++ {
			var cx, cy Thread
			if j < len(x.Children) {
				cx = x.Children[j]
			}
			if j < len(y.Children) {
				cy = y.Children[j]
			}
			if cut {
				n := min(len(cx), len(cy))
				cx, cy = cx[:n], cy[:n]
			}
			if d := diverge(cx, cy, childWhere(where, x, j)); d != nil {
				return d
			}
		}
	}
	return nil
}

func childWhere(where string, s Step, i int) string {
	kind := "item"
	if s.Type == "Parallel" {
		kind = "branch"
	}
	w := fmt.Sprintf("%s state %q %s %s", s.Type, s.State, kind, strconv.Itoa(i))
	if where == "" {
		return w
	}
	return where + " > " + w
}
