package validate

import (
	"strconv"

	"github.com/stepjet/stepjet/engine/asl"
)

// stateTypes lists the state types in the order AWS names them.
var stateTypes = []string{"Task", "Wait", "Pass", "Succeed", "Fail", "Choice", "Parallel", "Map"}

// commonFields are accepted on every state type.
var commonFields = set("Type", "Comment", "QueryLanguage")

// stateFields are the fields each state type accepts (in either query language), as
// ValidateStateMachineDefinition measures them; anything else is "not supported".
var stateFields = map[string]map[string]bool{
	"Pass": set("InputPath", "OutputPath", "Result", "ResultPath", "Parameters", "Output", "Assign",
		"Next", "End"),
	"Task": set("InputPath", "OutputPath", "ResultPath", "Parameters", "Arguments", "Output", "Assign",
		"Resource", "Credentials", "ResultSelector", "Retry", "Catch", "TimeoutSeconds",
		"TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Next", "End"),
	"Wait": set("InputPath", "OutputPath", "Output", "Assign", "Seconds", "Timestamp", "SecondsPath",
		"TimestampPath", "Next", "End"),
	"Parallel": set("InputPath", "OutputPath", "ResultPath", "Parameters", "Arguments", "Output",
		"Assign", "ResultSelector", "Retry", "Catch", "Branches", "Next", "End"),
	"Map": set("InputPath", "OutputPath", "ResultPath", "Parameters", "Output", "Assign",
		"ResultSelector", "Retry", "Catch", "ItemProcessor", "Iterator", "ItemsPath", "Items",
		"ItemSelector", "ItemReader", "ItemBatcher", "ResultWriter", "MaxConcurrency",
		"MaxConcurrencyPath", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath",
		"ToleratedFailureCount", "ToleratedFailureCountPath", "Label", "Next", "End"),
	"Choice":  set("InputPath", "OutputPath", "Output", "Assign", "Choices", "Default"),
	"Succeed": set("InputPath", "OutputPath", "Output"),
	"Fail":    set("Error", "Cause", "ErrorPath", "CausePath"),
}

// jsonPathOnly fields are refused in JSONata states, jsonataOnly ones in JSONPath states.
var (
	jsonPathOnly = set("InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector",
		"Result", "ItemsPath", "TimeoutSecondsPath", "HeartbeatSecondsPath", "SecondsPath",
		"TimestampPath", "MaxConcurrencyPath", "ToleratedFailurePercentagePath",
		"ToleratedFailureCountPath", "ErrorPath", "CausePath", "Variable")
	jsonataOnly = set("Arguments", "Output", "Items", "Condition")
)

// exclusivePairs may not appear together on one state.
var exclusivePairs = [][2]string{
	{"TimeoutSeconds", "TimeoutSecondsPath"},
	{"HeartbeatSeconds", "HeartbeatSecondsPath"},
	{"MaxConcurrency", "MaxConcurrencyPath"},
	{"ToleratedFailurePercentage", "ToleratedFailurePercentagePath"},
	{"ToleratedFailureCount", "ToleratedFailureCountPath"},
	{"Error", "ErrorPath"},
	{"Cause", "CausePath"},
}

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// fieldsAllowed reports the fields of obj that are unknown for its kind or belong to the other
// query language, and returns false if it reported any.
func (c *checker) fieldsAllowed(obj *asl.Node, allowed map[string]bool, ql, loc string) bool {
	ok := true
	for _, m := range obj.Members {
		switch {
		case !allowed[m.Key]:
			c.notSupported(m.Key, loc)
			ok = false
		case ql == qlJSONata && jsonPathOnly[m.Key]:
			c.schema("The QueryLanguage is set to 'JSONata', but field '"+m.Key+"' is only supported for the 'JSONPath' QueryLanguage", loc)
			ok = false
		case ql == qlJSONPath && jsonataOnly[m.Key]:
			c.schema("The QueryLanguage is set to 'JSONPath', but field '"+m.Key+"' is only supported for the 'JSONata' QueryLanguage", loc)
			ok = false
		}
	}
	return ok
}

// state checks one state. top is the machine's query language, which a state inherits (a Map or
// Parallel does not pass its own on to the states inside it).
func (c *checker) state(name string, st *asl.Node, loc, top string, scopes *[]scope) {
	if st.Kind != asl.Object {
		c.wrongType("Object", loc)
		return
	}
	typ := st.Get("Type")
	if typ == nil {
		c.required([]string{"Type"}, loc)
		return
	}
	if !c.wantString(typ, loc+"/Type") {
		return
	}
	allowed, known := stateFields[typ.Text]
	if !known {
		c.oneOf(stateTypes, loc+"/Type")
		return
	}
	ql := top
	if q := st.Get("QueryLanguage"); q != nil && c.queryLanguage(q, loc+"/QueryLanguage") {
		if top == qlJSONata && q.Text == qlJSONPath {
			c.schema("'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine", loc)
		}
		ql = q.Text
	}
	all := make(map[string]bool, len(allowed)+len(commonFields))
	for k := range allowed {
		all[k] = true
	}
	for k := range commonFields {
		all[k] = true
	}
	c.fieldsAllowed(st, all, ql, loc)
	for _, p := range exclusivePairs {
		if st.Has(p[0]) && st.Has(p[1]) {
			c.schema("There should only be one of the following fields: ["+p[0]+", "+p[1]+"]", loc)
		}
	}
	if allowed["End"] {
		c.transition(st, loc)
	}
	if v := st.Get("Comment"); v != nil {
		c.wantString(v, loc+"/Comment")
	}
	c.dataFields(st, loc, ql)
	switch typ.Text {
	case "Task":
		c.task(name, st, loc, ql)
	case "Wait":
		c.wait(st, loc, ql)
	case "Choice":
		c.choice(st, loc, ql)
	case "Fail":
		c.fail(st, loc, ql)
	case "Parallel":
		c.parallel(st, loc, top, scopes)
	case "Map":
		c.mapState(st, loc, ql, top, scopes)
	}
	if r := st.Get("Retry"); r != nil {
		c.retry(r, loc+"/Retry", ql)
	}
	if r := st.Get("Catch"); r != nil {
		c.catch(r, loc+"/Catch", ql)
	}
}

// transition checks Next / End on the states that take them: exactly one of them.
func (c *checker) transition(st *asl.Node, loc string) {
	next, end := st.Get("Next"), st.Get("End")
	if next != nil {
		c.wantString(next, loc+"/Next")
	}
	ended := false
	if end != nil && c.wantBool(end, loc+"/End") {
		ended = end.Bool
	}
	switch {
	case next != nil && ended:
		c.schema("There should only be one of the following fields: [Next, End]", loc)
	case next == nil && !ended:
		c.schema("This object should have only one of the following fields: [Next, End]", loc)
	}
}

func (c *checker) parallel(st *asl.Node, loc, top string, scopes *[]scope) {
	b := st.Get("Branches")
	if b == nil {
		c.required([]string{"Branches"}, loc)
		return
	}
	if b.Kind != asl.Array {
		c.wrongType("Array", loc+"/Branches")
		return
	}
	if len(b.Items) == 0 {
		c.schema("Value cannot be empty", loc+"/Branches")
	}
	for i, br := range b.Items {
		c.subScope(br, loc+"/Branches["+strconv.Itoa(i)+"]", top, false, scopes)
	}
}

func (c *checker) fail(st *asl.Node, loc, ql string) {
	for _, f := range []string{"Error", "Cause"} {
		if v := st.Get(f); v != nil {
			c.stringOrExpr(v, f, loc, ql)
			if ql == qlJSONPath {
				c.noPath(f, v, loc+"/"+f)
			}
		}
	}
	for _, f := range []string{"ErrorPath", "CausePath"} {
		if v := st.Get(f); v != nil {
			c.pathOrIntrinsic(v, f, loc)
		}
	}
}
