package validate

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/stepjet/stepjet/engine/asl"
)

// maxVariableNameLength is the ASL limit on a workflow variable's name, in Unicode characters.
const maxVariableNameLength = 80

// validVariableName applies the ASL rule for workflow variable names: Unicode Standard Annex #31
// identifiers, an ID_Start character then ID_Continue characters, at most 80 characters.
func validVariableName(name string) bool {
	if name == "" || utf8.RuneCountInString(name) > maxVariableNameLength {
		return false
	}
	for i, r := range name {
		if i == 0 && !idStart(r) || i > 0 && !idContinue(r) {
			return false
		}
	}
	return true
}

// idStart is Unicode's ID_Start: letters, letter numbers and Other_ID_Start, less pattern
// syntax and white space.
func idStart(r rune) bool {
	if unicode.In(r, unicode.Pattern_Syntax, unicode.Pattern_White_Space) {
		return false
	}
	return unicode.In(r, unicode.L, unicode.Nl, unicode.Other_ID_Start)
}

// idContinue is Unicode's ID_Continue: ID_Start plus marks, digits, connector punctuation and
// Other_ID_Continue.
func idContinue(r rune) bool {
	if idStart(r) {
		return true
	}
	if unicode.In(r, unicode.Pattern_Syntax, unicode.Pattern_White_Space) {
		return false
	}
	return unicode.In(r, unicode.Mn, unicode.Mc, unicode.Nd, unicode.Pc, unicode.Other_ID_Continue)
}

// variableName is the variable an Assign key names: in JSONPath states a "name.$" key assigns
// name from a path.
func variableName(key, ql string) string {
	if ql == qlJSONPath {
		return strings.TrimSuffix(key, ".$")
	}
	return key
}

// assignNames checks the names an Assign object gives its variables: valid identifiers and not
// the reserved "states". loc is the Assign field's location.
func (c *checker) assignNames(assign *asl.Node, loc, ql string) {
	if assign == nil || assign.Kind != asl.Object {
		return
	}
	for _, m := range assign.Members {
		name := variableName(m.Key, ql)
		switch {
		case name == "states":
			c.schema("The variable name 'states' is reserved and cannot be assigned", loc+"/"+m.Key)
		case !validVariableName(name):
			c.schema("Invalid variable name '"+name+"': it must be a Unicode identifier of at most 80 characters", loc+"/"+m.Key)
		}
	}
}

// assignment is one Assign field of a scope: where it is and the query language of its state.
type assignment struct {
	obj *asl.Node
	loc string
	ql  string
}

// scopeAssignments lists the Assigns of the states directly in a scope's States that take part in
// the scope rule: the states' own and their Choice rules'. A Catcher's Assign is left out: AWS
// accepts a Parallel whose Catcher assigns a name its branch also assigns (localstack's
// PARALLEL_CATCH_ERROR_VARIABLE_SAMPLING, validated on AWS), so catchers neither claim a name for
// their scope nor are refused one.
func scopeAssignments(states *asl.Node, prefix, top string) []assignment {
	var out []assignment
	for _, m := range states.Members {
		st, loc := m.Val, prefix+"/States/"+m.Key
		if st.Kind != asl.Object {
			continue
		}
		ql := top
		if q := st.Get("QueryLanguage"); q != nil && q.Kind == asl.String {
			ql = q.Text
		}
		if a := st.Get("Assign"); a != nil {
			out = append(out, assignment{a, loc + "/Assign", ql})
		}
		if l := st.Get("Choices"); l != nil {
			for i, r := range l.Items {
				if a := r.Get("Assign"); a != nil {
					out = append(out, assignment{a, loc + "/Choices[" + strconv.Itoa(i) + "]/Assign", ql})
				}
			}
		}
	}
	return out
}

// variableScopes checks the ASL scope rule: a state inside a Parallel branch or a Map processor
// may read the variables of the scopes around it but must not assign a variable with the name of
// one of them. A variable belongs to a scope when a state of that scope assigns it (see
// scopeAssignments for which Assign fields count). outer holds
// the names of the enclosing scopes; obj holds StartAt and States.
func (c *checker) variableScopes(obj *asl.Node, prefix, top string, outer map[string]bool) {
	states := obj.Get("States")
	if states == nil || states.Kind != asl.Object {
		return
	}
	own := map[string]bool{}
	for _, a := range scopeAssignments(states, prefix, top) {
		if a.obj.Kind != asl.Object {
			continue
		}
		for _, m := range a.obj.Members {
			name := variableName(m.Key, a.ql)
			if outer[name] {
				c.schema("The variable '"+name+"' is assigned in an outer scope and cannot be assigned inside a Parallel branch or Map iteration", a.loc+"/"+m.Key)
				continue
			}
			own[name] = true
		}
	}
	inner := make(map[string]bool, len(outer)+len(own))
	for k := range outer {
		inner[k] = true
	}
	for k := range own {
		inner[k] = true
	}
	for _, m := range states.Members {
		st, loc := m.Val, prefix+"/States/"+m.Key
		switch st.Get("Type").Text {
		case "Parallel":
			for i, br := range st.Get("Branches").Items {
				c.variableScopes(br, loc+"/Branches["+strconv.Itoa(i)+"]", top, inner)
			}
		case "Map":
			for _, key := range []string{"ItemProcessor", "Iterator"} {
				p := st.Get(key)
				if p == nil {
					continue
				}
				if distributed(p) {
					// A Distributed Map runs its iterations as child executions that see no
					// outer variables, so the names are free there.
					c.variableScopes(p, loc+"/"+key, top, map[string]bool{})
					continue
				}
				c.variableScopes(p, loc+"/"+key, top, inner)
			}
		}
	}
}

func distributed(processor *asl.Node) bool {
	pc := processor.Get("ProcessorConfig")
	m := pc.Get("Mode")
	return m != nil && m.Kind == asl.String && m.Text == "DISTRIBUTED"
}
