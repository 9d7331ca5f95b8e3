package awsapi

import (
	"sort"
	"strings"
	"unicode"

	"github.com/tidwall/gjson"

	"github.com/stepjet/stepjet/engine/payload"
)

// variableReferences is DescribeStateMachine's variableReferences: for each state that reads
// workflow variables, the names it reads, sorted; states of Map processors and Parallel
// branches included. nil when no state reads one (AWS then leaves the member out).
//
// The rules, from AWS's recorded answers: in JSONPath states a variable is read by a path
// ("$name", "$name.field") in a *Path field other than ResultPath, in a Choice rule's Variable, or
// in a template value whose key ends in ".$" (Parameters, ItemSelector, ResultSelector, Assign,
// ...), paths inside intrinsic functions included; a template value whose key lacks ".$" is a
// literal and reads nothing; "$$" is the context object. In JSONata states every "{% %}"
// expression is read for "$name" that is not $states, a function call, a built-in function, or
// a name the expression binds itself (":=" or a lambda parameter).
func variableReferences(def string) map[string][]string {
	root := gjson.Parse(def)
	refs := map[string]map[string]bool{}
	collectStates(root.Get("States"), queryLanguage(root, "JSONPath"), refs)
	if len(refs) == 0 {
		return nil
	}
	out := make(map[string][]string, len(refs))
	for state, names := range refs {
		list := make([]string, 0, len(names))
		for n := range names {
			list = append(list, n)
		}
		sort.Strings(list)
		out[state] = list
	}
	return out
}

func queryLanguage(v gjson.Result, inherited string) string {
	if ql := v.Get("QueryLanguage"); ql.Type == gjson.String {
		return ql.String()
	}
	return inherited
}

// collectStates adds the references of every state in a States object, and of the states nested
// in them.
func collectStates(states gjson.Result, ql string, refs map[string]map[string]bool) {
	if !states.IsObject() {
		return
	}
	states.ForEach(func(name, st gjson.Result) bool {
		if !st.IsObject() {
			return true
		}
		sql := queryLanguage(st, ql)
		found := map[string]bool{}
		if sql == "JSONata" {
			stateFields(st, func(_ string, v gjson.Result) { jsonataRefs(v, found) })
		} else {
			stateFields(st, func(key string, v gjson.Result) { jsonPathRefs(key, v, false, found) })
		}
		if len(found) > 0 {
			if refs[name.String()] == nil {
				refs[name.String()] = map[string]bool{}
			}
			for n := range found {
				refs[name.String()][n] = true
			}
		}
		// Nested states inherit the state's query language.
		for _, key := range []string{"ItemProcessor", "Iterator"} {
			if p := st.Get(key); p.IsObject() {
				collectStates(p.Get("States"), queryLanguage(p, sql), refs)
			}
		}
		st.Get("Branches").ForEach(func(_, b gjson.Result) bool {
			collectStates(b.Get("States"), queryLanguage(b, sql), refs)
			return true
		})
		return true
	})
}

// stateFields calls fn with each of a state's own fields: nested machines (Branches,
// ItemProcessor, Iterator) belong to their own states, and Result is a literal.
func stateFields(st gjson.Result, fn func(key string, v gjson.Result)) {
	st.ForEach(func(k, v gjson.Result) bool {
		switch k.String() {
		case "Branches", "ItemProcessor", "Iterator", "Result", "ResultPath", "Comment", "Type", "Next", "End", "Default", "QueryLanguage":
		default:
			fn(k.String(), v)
		}
		return true
	})
}

// templateKeys are the JSONPath payload templates: inside them only keys ending in ".$" hold
// paths or intrinsic functions.
var templateKeys = map[string]bool{"Parameters": true, "ItemSelector": true, "ResultSelector": true, "Assign": true, "BatchInput": true}

// jsonPathRefs collects the variables a JSONPath-state field reads; inTemplate says the field is
// inside a payload template.
func jsonPathRefs(key string, v gjson.Result, inTemplate bool, found map[string]bool) {
	switch {
	case v.IsObject():
		inner := inTemplate || templateKeys[key]
		v.ForEach(func(k, w gjson.Result) bool {
			if k.String() == "ResultPath" && !inTemplate { // Catchers' ResultPath writes, it does not read
				return true
			}
			jsonPathRefs(k.String(), w, inner, found)
			return true
		})
	case v.IsArray():
		v.ForEach(func(_, w gjson.Result) bool {
			jsonPathRefs(key, w, inTemplate, found)
			return true
		})
	case v.Type == gjson.String:
		isPath := strings.HasSuffix(key, ".$") ||
			(!inTemplate && (key == "Variable" || (strings.HasSuffix(key, "Path") && key != "ResultPath")))
		if isPath {
			pathVariables(v.String(), found)
		}
	}
}

// pathVariables adds the variables a JSONPath or an intrinsic function reads: each "$name"
// outside quoted text ("$$" is the context object, "$." and "$[" the input).
func pathVariables(s string, found map[string]bool) {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\'':
			i = skipQuoted(s, i, '\'')
		case '$':
			if i+1 < len(s) && s[i+1] == '$' {
				i++
				continue
			}
			if name, end := identifier(s, i+1); name != "" {
				found[name] = true
				i = end - 1
			}
		}
	}
}

// skipQuoted returns the index of the quote closing the literal that opens at s[i].
func skipQuoted(s string, i int, q byte) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case q:
			return j
		}
	}
	return len(s)
}

// identifier reads a variable name starting at s[i]: a letter or '_' then letters, digits and '_'.
func identifier(s string, i int) (string, int) {
	j := i
	for j < len(s) {
		r, size := rune(s[j]), 1
		if r >= 0x80 {
			r, size = decodeRune(s[j:])
		}
		if !(r == '_' || unicode.IsLetter(r) || (j > i && unicode.IsDigit(r))) {
			break
		}
		j += size
	}
	return s[i:j], j
}

func decodeRune(s string) (rune, int) {
	for _, r := range s {
		return r, len(string(r))
	}
	return 0, 1
}

// jsonataRefs collects the variables the "{% %}" expressions in a JSONata-state field read.
func jsonataRefs(v gjson.Result, found map[string]bool) {
	switch {
	case v.IsObject(), v.IsArray():
		v.ForEach(func(_, w gjson.Result) bool {
			jsonataRefs(w, found)
			return true
		})
	case v.Type == gjson.String:
		// The engine's own rule, so a reference is reported exactly when the engine evaluates it.
		if s := v.String(); payload.IsJSONata(s) {
			jsonataVariables(s[2:len(s)-2], found)
		}
	}
}

// jsonataBuiltins are JSONata's and Step Functions' functions, which an expression may name
// without calling them (e.g. $map($xs, $string)).
var jsonataBuiltins = map[string]bool{}

func init() {
	for _, f := range strings.Fields(`sum count max min average string substring substringBefore substringAfter
		lowercase uppercase length trim pad contains split join match replace eval base64encode base64decode
		encodeUrlComponent encodeUrl decodeUrlComponent decodeUrl number abs floor ceil round power sqrt random
		formatNumber formatBase formatInteger parseInteger boolean not exists append sort reverse shuffle distinct
		zip keys lookup spread merge each error assert type sift map filter single reduce now millis fromMillis
		toMillis partition range hash uuid parse`) {
		jsonataBuiltins[f] = true
	}
}

// jsonataVariables adds the free variables of one JSONata expression.
func jsonataVariables(expr string, found map[string]bool) {
	var uses []string
	bound := map[string]bool{"states": true}
	inParams := false // inside a lambda's parameter list
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		switch {
		case c == '\'' || c == '"':
			i = skipQuoted(expr, i, c)
		case c == '/' && i+1 < len(expr) && expr[i+1] == '*':
			if end := strings.Index(expr[i+2:], "*/"); end >= 0 {
				i += end + 3
			} else {
				i = len(expr)
			}
		case c == '$':
			if i+1 < len(expr) && expr[i+1] == '$' {
				i++
				continue
			}
			name, end := identifier(expr, i+1)
			if name == "" {
				continue
			}
			i = end - 1
			rest := strings.TrimLeft(expr[end:], " \t\r\n")
			switch {
			case inParams, strings.HasPrefix(rest, ":="):
				bound[name] = true
			case strings.HasPrefix(rest, "("): // a call
			default:
				uses = append(uses, name)
			}
		case c == ')' && inParams:
			inParams = false
		case strings.HasPrefix(expr[i:], "function"):
			if rest := strings.TrimLeft(expr[i+len("function"):], " \t\r\n"); strings.HasPrefix(rest, "(") && (i == 0 || !isNameByte(expr[i-1])) {
				inParams = true
				i += len("function") - 1
			}
		case strings.HasPrefix(expr[i:], "λ"):
			inParams = true
			i += len("λ") - 1
		}
	}
	for _, n := range uses {
		if !bound[n] && !jsonataBuiltins[n] {
			found[n] = true
		}
	}
}

func isNameByte(b byte) bool {
	return b == '_' || b == '$' || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
}
