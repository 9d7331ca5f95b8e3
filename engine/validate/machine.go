package validate

import (
	"strconv"
	"unicode/utf8"

	"github.com/stepjet/stepjet/engine/asl"
)

const (
	qlJSONPath = "JSONPath"
	qlJSONata  = "JSONata"
)

// maxStateNameLength is AWS's limit on state names.
const maxStateNameLength = 80

// scope is one set of states with its own StartAt: the machine, a Parallel branch or a Map's
// item processor. Transitions never leave a scope.
type scope struct {
	prefix string // location of the object holding StartAt and States ("" for the machine)
	obj    *asl.Node
}

// machine checks the top-level object, every scope and state, then (when the schema holds) the
// transition graph of each scope.
func (c *checker) machine(root *asl.Node) {
	var missing []string
	for _, f := range []string{"States", "StartAt"} {
		if !root.Has(f) {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		c.required(missing, "/")
	}
	for _, m := range root.Members {
		switch m.Key {
		case "StartAt", "States":
		case "Comment":
			c.wantString(m.Val, "/Comment")
		case "Version":
			if c.wantString(m.Val, "/Version") && m.Val.Text != "1.0" {
				c.oneOf([]string{"1.0"}, "/Version")
			}
		case "TimeoutSeconds":
			c.integer(m.Val, "/TimeoutSeconds", 0, 99999999)
		case "QueryLanguage":
			c.queryLanguage(m.Val, "/QueryLanguage")
		default:
			c.notSupported(m.Key, "/")
		}
	}
	top := qlJSONPath
	if q := root.Get("QueryLanguage"); q != nil && q.Kind == asl.String && q.Text == qlJSONata {
		top = qlJSONata
	}
	var scopes []scope
	c.scopeBody(root, "", top, &scopes)
	if c.errorCount() > 0 {
		return // AWS analyses transitions only once the schema holds
	}
	for _, s := range scopes {
		c.graph(s)
	}
	c.variableScopes(root, "", top, map[string]bool{})
}

// scopeBody checks StartAt and States of a machine, branch or processor and records the scope.
func (c *checker) scopeBody(obj *asl.Node, prefix, top string, scopes *[]scope) {
	if sa := obj.Get("StartAt"); sa != nil {
		c.wantString(sa, prefix+"/StartAt")
	}
	states := obj.Get("States")
	if states == nil {
		return
	}
	if states.Kind != asl.Object {
		c.wrongType("Object", prefix+"/States")
		return
	}
	*scopes = append(*scopes, scope{prefix: prefix, obj: obj})
	for _, m := range states.Members {
		loc := prefix + "/States/" + m.Key
		if n := utf8.RuneCountInString(m.Key); n == 0 || n > maxStateNameLength {
			c.add(CodeInvalidStateName, "State name must be between 1 and 80 characters long: '"+m.Key+"'", loc)
		}
		c.state(m.Key, m.Val, loc, top, scopes)
	}
}

// subScope checks a Parallel branch or a Map processor (ItemProcessor / Iterator).
func (c *checker) subScope(obj *asl.Node, loc, top string, processor bool, scopes *[]scope) {
	if obj.Kind != asl.Object {
		c.wrongType("Object", loc)
		return
	}
	var missing []string
	for _, f := range []string{"StartAt", "States"} {
		if !obj.Has(f) {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		c.required(missing, loc)
	}
	for _, m := range obj.Members {
		switch m.Key {
		case "StartAt", "States":
		case "Comment":
			c.wantString(m.Val, loc+"/Comment")
		case "ProcessorConfig":
			if !processor {
				c.notSupported(m.Key, loc)
			}
		default:
			c.notSupported(m.Key, loc)
		}
	}
	c.scopeBody(obj, loc, top, scopes)
}

// graph checks a scope's transitions: every target exists, some state ends the scope, and every
// state can be reached from StartAt.
func (c *checker) graph(s scope) {
	states := s.obj.Get("States")
	exists := func(name string) bool { return states.Has(name) }
	start := s.obj.Get("StartAt").Text
	if !exists(start) {
		c.add(CodeMissingTarget, "Missing 'Next' target: "+start, s.prefix+"/StartAt")
	}
	edges := map[string][]string{}
	terminal := false
	for _, m := range states.Members {
		st, loc := m.Val, s.prefix+"/States/"+m.Key
		target := func(n *asl.Node, where string) {
			if n == nil || n.Kind != asl.String {
				return
			}
			if !exists(n.Text) {
				c.add(CodeMissingTarget, "Missing 'Next' target: "+n.Text, where)
				return
			}
			edges[m.Key] = append(edges[m.Key], n.Text)
		}
		target(st.Get("Next"), loc+"/Next")
		if ch := st.Get("Choices"); ch != nil {
			for i, r := range ch.Items {
				target(r.Get("Next"), loc+"/Choices["+strconv.Itoa(i)+"]/Next")
			}
		}
		target(st.Get("Default"), loc+"/Default")
		if ca := st.Get("Catch"); ca != nil {
			for i, r := range ca.Items {
				target(r.Get("Next"), loc+"/Catch["+strconv.Itoa(i)+"]/Next")
			}
		}
		switch t := st.Get("Type").Text; {
		case t == "Succeed" || t == "Fail":
			terminal = true
		case st.Get("End") != nil && st.Get("End").Bool:
			terminal = true
		}
	}
	if !terminal {
		c.add(CodeMissingEnd, "Workflow has no terminal state", "")
		return // AWS reports no unreachable states then
	}
	if !exists(start) {
		return
	}
	reached := map[string]bool{start: true}
	queue := []string{start}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, nx := range edges[cur] {
			if !reached[nx] {
				reached[nx] = true
				queue = append(queue, nx)
			}
		}
	}
	for _, m := range states.Members {
		if !reached[m.Key] {
			c.add(CodeMissingTarget, `State "`+m.Key+`" is not reachable.`, s.prefix+"/States/"+m.Key)
		}
	}
}
