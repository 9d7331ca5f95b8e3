package engine

import (
	"github.com/tidwall/gjson"
)

// scope holds the workflow variables one thread of control assigns (Assign). A Parallel branch or
// a Map iteration runs in a child scope: it reads the variables of the scopes around it, and
// what it assigns stays its own. Only the scope's own goroutine writes it; the outer scopes are
// read while their owner waits for the branches, so no lock is needed.
type scope struct {
	parent *scope
	vars   map[string][]byte
}

// Get implements jsonpath.Variables: the innermost scope that holds name wins.
func (s *scope) Get(name string) ([]byte, bool) {
	for sc := s; sc != nil; sc = sc.parent {
		if v, ok := sc.vars[name]; ok {
			return v, true
		}
	}
	return nil, false
}

// assignAll sets every member of the JSON object obj as a variable of this scope.
func (s *scope) assignAll(obj []byte) {
	res := gjson.ParseBytes(obj)
	if !res.IsObject() {
		return
	}
	res.ForEach(func(k, v gjson.Result) bool {
		if s.vars == nil {
			s.vars = make(map[string][]byte, 4)
		}
		s.vars[k.String()] = []byte(v.Raw)
		return true
	})
}

// varMap is a set of workflow variables given from outside (for running one state alone, as
// AWS's TestState does): name → raw JSON value.
type varMap map[string][]byte

func (v varMap) scope() *scope {
	s := &scope{}
	if len(v) > 0 {
		s.vars = make(map[string][]byte, len(v))
		for k, x := range v {
			s.vars[k] = x
		}
	}
	return s
}
