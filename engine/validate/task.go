package validate

import (
	"slices"
	"strconv"
	"strings"
)

func (c *checker) task(name string, st *node, loc, ql string) {
	res := st.get("Resource")
	if res == nil {
		c.required([]string{"Resource"}, loc)
	} else if c.wantString(res, loc+"/Resource") {
		c.resource(res.text, loc+"/Resource")
	}
	for _, f := range []string{"TimeoutSeconds", "HeartbeatSeconds"} {
		if v := st.get(f); v != nil {
			c.intOrExpr(v, loc+"/"+f, ql, 1, 99999999)
		}
	}
	c.heartbeatBelowTimeout(st, loc)
	if ql == qlJSONPath {
		for _, f := range []string{"TimeoutSecondsPath", "HeartbeatSecondsPath"} {
			if v := st.get(f); v != nil {
				c.path(v, f, loc, true, false)
			}
		}
	}
	if v := st.get("Credentials"); v != nil {
		if v.kind != kindObject {
			c.wrongType("Object", loc+"/Credentials")
			return
		}
		c.credentials(v, loc+"/Credentials", ql)
		if ql == qlJSONata {
			c.jsonataValue(v, loc+"/Credentials")
		} else {
			c.template(v, loc+"/Credentials")
			c.noDollar(v, loc+"/Credentials")
		}
	}
}

var waitFields = []string{"SecondsPath", "Seconds", "TimestampPath", "Timestamp"}

func (c *checker) wait(st *node, loc, ql string) {
	n := 0
	for _, f := range waitFields {
		if st.has(f) {
			n++
		}
	}
	switch {
	case n == 0:
		c.schema("This object should have only one of the following fields: "+list(waitFields), loc)
	case n > 1:
		c.schema("There should only be one of the following fields: "+list(waitFields), loc)
	}
	if v := st.get("Seconds"); v != nil {
		c.intOrExpr(v, loc+"/Seconds", ql, 0, 99999999)
	}
	if v := st.get("Timestamp"); v != nil && c.wantString(v, loc+"/Timestamp") {
		if ql == qlJSONata && isExpr(v.text) {
			c.expr(v.text, loc+"/Timestamp")
		} else if !validTimestamp(v.text) {
			c.schema("String does not match RFC3339 timestamp", loc+"/Timestamp")
		}
	}
	if ql == qlJSONPath {
		for _, f := range []string{"SecondsPath", "TimestampPath"} {
			if v := st.get(f); v != nil {
				c.path(v, f, loc, true, false)
			}
		}
	}
}

func (c *checker) mapState(st *node, loc, ql, top string, scopes *[]scope) {
	ip, it := st.get("ItemProcessor"), st.get("Iterator")
	switch {
	case ip != nil && it != nil:
		c.schema("There should only be one of the following fields: [ItemProcessor, Iterator]", loc)
	case ip == nil && it == nil:
		c.schema("This object should have only one of the following fields: [ItemProcessor, Iterator]", loc)
	}
	for _, p := range []struct {
		n   *node
		key string
	}{{ip, "ItemProcessor"}, {it, "Iterator"}} {
		if p.n == nil {
			continue
		}
		ploc := loc + "/" + p.key
		if p.n.kind == kindObject {
			if pc := p.n.get("ProcessorConfig"); pc != nil {
				c.processorConfig(pc, ploc+"/ProcessorConfig")
			}
		}
		c.subScope(p.n, ploc, top, true, scopes)
	}
	if v := st.get("MaxConcurrency"); v != nil {
		c.intOrExpr(v, loc+"/MaxConcurrency", ql, 0, -1)
	}
	if v := st.get("ToleratedFailureCount"); v != nil {
		c.intOrExpr(v, loc+"/ToleratedFailureCount", ql, 0, -1)
	}
	if v := st.get("ToleratedFailurePercentage"); v != nil {
		c.numberOrExpr(v, loc+"/ToleratedFailurePercentage", ql, 0, 100)
	}
	if ql == qlJSONPath {
		for _, f := range []string{"ItemsPath", "MaxConcurrencyPath", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath"} {
			if v := st.get(f); v != nil {
				c.path(v, f, loc, f != "ItemsPath", false)
			}
		}
	}
	if v := st.get("Items"); v != nil && ql == qlJSONata {
		if v.kind == kindArray || (v.kind == kindString && isExpr(v.text)) {
			c.jsonataValue(v, loc+"/Items")
		} else {
			c.wrongType("Array", loc+"/Items")
		}
	}
	for _, f := range []string{"ItemReader", "ItemBatcher", "ResultWriter"} {
		if v := st.get(f); v != nil {
			if v.kind != kindObject {
				c.wrongType("Object", loc+"/"+f)
			} else if ql == qlJSONata {
				c.jsonataValue(v, loc+"/"+f)
			}
		}
	}
	if v := st.get("Label"); v != nil {
		c.wantString(v, loc+"/Label")
	}
}

func (c *checker) processorConfig(pc *node, loc string) {
	if pc.kind != kindObject {
		c.wrongType("Object", loc)
		return
	}
	mode := "INLINE"
	for _, m := range pc.members {
		switch m.key {
		case "Mode":
			if c.enum(m.val, loc+"/Mode", "INLINE", "DISTRIBUTED") {
				mode = m.val.text
			}
		case "ExecutionType":
			c.enum(m.val, loc+"/ExecutionType", "STANDARD", "EXPRESS")
		default:
			c.notSupported(m.key, loc)
		}
	}
	switch {
	case mode == "DISTRIBUTED" && !pc.has("ExecutionType"):
		c.required([]string{"ExecutionType"}, loc)
	case mode == "INLINE" && pc.has("ExecutionType"):
		c.notSupported("ExecutionType", loc)
	}
	if mode == "DISTRIBUTED" && c.express {
		c.schema("The field 'Mode' with value 'DISTRIBUTED' is not supported inside 'EXPRESS' state machines", loc)
	}
}

var (
	retryFields = set("ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment")
	catchFields = set("ErrorEquals", "Next", "ResultPath", "Comment", "Assign", "Output")
)

func (c *checker) retry(r *node, loc, ql string) {
	if r.kind != kindArray {
		c.wrongType("Array", loc)
		return
	}
	for i, e := range r.items {
		at := loc + "[" + strconv.Itoa(i) + "]"
		if e.kind != kindObject {
			c.wrongType("Object", at)
			continue
		}
		c.fieldsAllowed(e, retryFields, ql, at)
		c.errorEquals(e, at, i == len(r.items)-1)
		for _, f := range []struct {
			key      string
			min, max float64
			integer  bool
		}{
			{"IntervalSeconds", 0, 99999999, true},
			{"MaxAttempts", 0, 99999999, true},
			{"MaxDelaySeconds", 1, 31622400, true},
			{"BackoffRate", 1, -1, false},
		} {
			// Literals only, in JSONata states too: AWS lists the fields that take JSONata, and
			// a retrier's are not among them (a Catcher's Output and Assign are).
			v := e.get(f.key)
			switch {
			case v == nil:
			case f.integer:
				c.integer(v, at+"/"+f.key, f.min, f.max)
			default:
				c.number(v, at+"/"+f.key, f.min, f.max)
			}
		}
		if v := e.get("JitterStrategy"); v != nil {
			c.enum(v, at+"/JitterStrategy", "FULL", "NONE")
		}
		if v := e.get("Comment"); v != nil {
			c.wantString(v, at+"/Comment")
		}
	}
}

func (c *checker) catch(r *node, loc, ql string) {
	if r.kind != kindArray {
		c.wrongType("Array", loc)
		return
	}
	for i, e := range r.items {
		at := loc + "[" + strconv.Itoa(i) + "]"
		if e.kind != kindObject {
			c.wrongType("Object", at)
			continue
		}
		c.fieldsAllowed(e, catchFields, ql, at)
		c.errorEquals(e, at, i == len(r.items)-1)
		if n := e.get("Next"); n == nil {
			c.required([]string{"Next"}, at)
		} else {
			c.wantString(n, at+"/Next")
		}
		if v := e.get("Comment"); v != nil {
			c.wantString(v, at+"/Comment")
		}
		if ql == qlJSONPath {
			if v := e.get("ResultPath"); v != nil {
				c.path(v, "ResultPath", at, true, true)
			}
			if v := e.get("Assign"); v != nil {
				if v.kind != kindObject {
					c.wrongType("Object", at+"/Assign")
				} else {
					c.template(v, at+"/Assign")
					c.assignNames(v, at+"/Assign", ql)
				}
			}
			continue
		}
		c.assignNames(e.get("Assign"), at+"/Assign", ql)
		// A Catcher's Output and Assign are where $states.errorOutput exists.
		c.exprCtx = exprContext{errorOutput: true}
		for _, f := range []string{"Output", "Assign"} {
			if v := e.get(f); v != nil {
				c.jsonataValue(v, at+"/"+f)
			}
		}
		c.exprCtx = exprContext{}
	}
}

// errorEquals checks a retrier's or catcher's ErrorEquals: a non-empty list of names where
// States.ALL stands alone, in the last entry.
func (c *checker) errorEquals(e *node, loc string, last bool) {
	ee := e.get("ErrorEquals")
	if ee == nil {
		c.required([]string{"ErrorEquals"}, loc)
		return
	}
	at := loc + "/ErrorEquals"
	if ee.kind != kindArray {
		c.wrongType("Array", at)
		return
	}
	if len(ee.items) == 0 {
		c.schema("Value cannot be empty", at)
		return
	}
	all := false
	for i, n := range ee.items {
		if n.kind != kindString {
			c.wrongType("String", at+"["+strconv.Itoa(i)+"]")
			continue
		}
		if n.text == "States.ALL" {
			all = true
		}
	}
	if all && (len(ee.items) > 1 || !last) {
		c.schema("States.ALL must appear alone and at end of list", at)
	}
}

// resourceSummary splits an optimized-integration ARN (arn:<p>:states:::svc:action[.pattern]).
func integration(res string) (svc, action, pattern string, ok bool) {
	parts := strings.SplitN(res, ":", 7)
	if len(parts) != 7 || parts[2] != "states" || parts[3] != "" || parts[4] != "" {
		return "", "", "", false
	}
	svc, action = parts[5], parts[6]
	if i := strings.Index(action, "."); i >= 0 {
		action, pattern = action[:i], action[i:]
	}
	return svc, action, pattern, true
}

// heartbeatBelowTimeout checks that a heartbeat can fire before the task times out: when both
// HeartbeatSeconds and TimeoutSeconds are numbers, HeartbeatSeconds must be the smaller. (Values
// computed by paths or JSONata are checked when the state runs.)
func (c *checker) heartbeatBelowTimeout(st *node, loc string) {
	hb, to := st.get("HeartbeatSeconds"), st.get("TimeoutSeconds")
	if hb == nil || to == nil || hb.kind != kindNumber || to.kind != kindNumber {
		return
	}
	h, err1 := strconv.ParseFloat(hb.text, 64)
	t, err2 := strconv.ParseFloat(to.text, 64)
	if err1 == nil && err2 == nil && h >= t {
		c.schema("HeartbeatSeconds must be smaller than TimeoutSeconds", loc+"/HeartbeatSeconds")
	}
}

// credentials checks a Task's Credentials object: it names the role to assume, in RoleArn (a
// string or, in JSONata, an expression) or, in JSONPath, RoleArn.$, and nothing else. AWS refuses
// an empty Credentials object and unknown fields (test_credentials_base.py::
// test_invalid_credentials_field). A Credentials object without a role gets AWS's one general
// schema message for a missing field ("The field 'RoleArn' is required but was missing"), and
// nothing else about that object.
func (c *checker) credentials(v *node, loc, ql string) {
	fields := []string{"RoleArn"}
	if ql == qlJSONPath {
		fields = append(fields, "RoleArn.$")
	}
	n := 0
	for _, m := range v.members {
		if slices.Contains(fields, m.key) {
			n++
		}
	}
	if n == 0 {
		c.missing("RoleArn", loc)
		return
	}
	for _, m := range v.members {
		if !slices.Contains(fields, m.key) {
			c.notSupported(m.key, loc)
			continue
		}
		if m.key == "RoleArn" && m.val.kind != kindString {
			c.wrongType("String", loc+"/RoleArn")
		}
	}
	if n > 1 {
		c.schema("There should only be one of the following fields: "+list(fields), loc)
	}
}
