package validate

import (
	"slices"
	"strconv"
	"strings"

	"github.com/stepjet/stepjet/engine/asl"
)

func (c *checker) task(name string, st *asl.Node, loc, ql string) {
	res := st.Get("Resource")
	if res == nil {
		c.required([]string{"Resource"}, loc)
	} else if c.wantString(res, loc+"/Resource") {
		c.resource(res.Text, loc+"/Resource")
	}
	for _, f := range []string{"TimeoutSeconds", "HeartbeatSeconds"} {
		if v := st.Get(f); v != nil {
			c.intOrExpr(v, loc+"/"+f, ql, 1, 99999999)
		}
	}
	c.heartbeatBelowTimeout(st, loc)
	if ql == qlJSONPath {
		for _, f := range []string{"TimeoutSecondsPath", "HeartbeatSecondsPath"} {
			if v := st.Get(f); v != nil {
				c.path(v, f, loc, true, false)
			}
		}
	}
	if v := st.Get("Credentials"); v != nil {
		if v.Kind != asl.Object {
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

func (c *checker) wait(st *asl.Node, loc, ql string) {
	n := 0
	for _, f := range waitFields {
		if st.Has(f) {
			n++
		}
	}
	switch {
	case n == 0:
		c.schema("This object should have only one of the following fields: "+list(waitFields), loc)
	case n > 1:
		c.schema("There should only be one of the following fields: "+list(waitFields), loc)
	}
	if v := st.Get("Seconds"); v != nil {
		c.intOrExpr(v, loc+"/Seconds", ql, 0, 99999999)
	}
	if v := st.Get("Timestamp"); v != nil && c.wantString(v, loc+"/Timestamp") {
		if ql == qlJSONata && isExpr(v.Text) {
			c.expr(v.Text, loc+"/Timestamp")
		} else if !validTimestamp(v.Text) {
			c.schema("String does not match RFC3339 timestamp", loc+"/Timestamp")
		}
	}
	if ql == qlJSONPath {
		for _, f := range []string{"SecondsPath", "TimestampPath"} {
			if v := st.Get(f); v != nil {
				c.path(v, f, loc, true, false)
			}
		}
	}
}

func (c *checker) mapState(st *asl.Node, loc, ql, top string, scopes *[]scope) {
	ip, it := st.Get("ItemProcessor"), st.Get("Iterator")
	switch {
	case ip != nil && it != nil:
		c.schema("There should only be one of the following fields: [ItemProcessor, Iterator]", loc)
	case ip == nil && it == nil:
		c.schema("This object should have only one of the following fields: [ItemProcessor, Iterator]", loc)
	}
	for _, p := range []struct {
		n   *asl.Node
		key string
	}{{ip, "ItemProcessor"}, {it, "Iterator"}} {
		if p.n == nil {
			continue
		}
		ploc := loc + "/" + p.key
		if p.n.Kind == asl.Object {
			if pc := p.n.Get("ProcessorConfig"); pc != nil {
				c.processorConfig(pc, ploc+"/ProcessorConfig")
			}
		}
		c.subScope(p.n, ploc, top, true, scopes)
	}
	if v := st.Get("MaxConcurrency"); v != nil {
		c.intOrExpr(v, loc+"/MaxConcurrency", ql, 0, -1)
	}
	if v := st.Get("ToleratedFailureCount"); v != nil {
		c.intOrExpr(v, loc+"/ToleratedFailureCount", ql, 0, -1)
	}
	if v := st.Get("ToleratedFailurePercentage"); v != nil {
		c.numberOrExpr(v, loc+"/ToleratedFailurePercentage", ql, 0, 100)
	}
	if ql == qlJSONPath {
		for _, f := range []string{"ItemsPath", "MaxConcurrencyPath", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath"} {
			if v := st.Get(f); v != nil {
				c.path(v, f, loc, f != "ItemsPath", false)
			}
		}
	}
	if v := st.Get("Items"); v != nil && ql == qlJSONata {
		if v.Kind == asl.Array || (v.Kind == asl.String && isExpr(v.Text)) {
			c.jsonataValue(v, loc+"/Items")
		} else {
			c.wrongType("Array", loc+"/Items")
		}
	}
	for _, f := range []string{"ItemReader", "ItemBatcher", "ResultWriter"} {
		if v := st.Get(f); v != nil {
			if v.Kind != asl.Object {
				c.wrongType("Object", loc+"/"+f)
			} else if ql == qlJSONata {
				c.jsonataValue(v, loc+"/"+f)
			}
		}
	}
	if v := st.Get("Label"); v != nil {
		c.wantString(v, loc+"/Label")
	}
}

func (c *checker) processorConfig(pc *asl.Node, loc string) {
	if pc.Kind != asl.Object {
		c.wrongType("Object", loc)
		return
	}
	mode := "INLINE"
	for _, m := range pc.Members {
		switch m.Key {
		case "Mode":
			if c.enum(m.Val, loc+"/Mode", "INLINE", "DISTRIBUTED") {
				mode = m.Val.Text
			}
		case "ExecutionType":
			c.enum(m.Val, loc+"/ExecutionType", "STANDARD", "EXPRESS")
		default:
			c.notSupported(m.Key, loc)
		}
	}
	switch {
	case mode == "DISTRIBUTED" && !pc.Has("ExecutionType"):
		c.required([]string{"ExecutionType"}, loc)
	case mode == "INLINE" && pc.Has("ExecutionType"):
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

func (c *checker) retry(r *asl.Node, loc, ql string) {
	if r.Kind != asl.Array {
		c.wrongType("Array", loc)
		return
	}
	for i, e := range r.Items {
		at := loc + "[" + strconv.Itoa(i) + "]"
		if e.Kind != asl.Object {
			c.wrongType("Object", at)
			continue
		}
		c.fieldsAllowed(e, retryFields, ql, at)
		c.errorEquals(e, at, i == len(r.Items)-1)
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
			v := e.Get(f.key)
			switch {
			case v == nil:
			case f.integer:
				c.integer(v, at+"/"+f.key, f.min, f.max)
			default:
				c.number(v, at+"/"+f.key, f.min, f.max)
			}
		}
		if v := e.Get("JitterStrategy"); v != nil {
			c.enum(v, at+"/JitterStrategy", "FULL", "NONE")
		}
		if v := e.Get("Comment"); v != nil {
			c.wantString(v, at+"/Comment")
		}
	}
}

func (c *checker) catch(r *asl.Node, loc, ql string) {
	if r.Kind != asl.Array {
		c.wrongType("Array", loc)
		return
	}
	for i, e := range r.Items {
		at := loc + "[" + strconv.Itoa(i) + "]"
		if e.Kind != asl.Object {
			c.wrongType("Object", at)
			continue
		}
		c.fieldsAllowed(e, catchFields, ql, at)
		c.errorEquals(e, at, i == len(r.Items)-1)
		if n := e.Get("Next"); n == nil {
			c.required([]string{"Next"}, at)
		} else {
			c.wantString(n, at+"/Next")
		}
		if v := e.Get("Comment"); v != nil {
			c.wantString(v, at+"/Comment")
		}
		if ql == qlJSONPath {
			if v := e.Get("ResultPath"); v != nil {
				c.path(v, "ResultPath", at, true, true)
			}
			if v := e.Get("Assign"); v != nil {
				if v.Kind != asl.Object {
					c.wrongType("Object", at+"/Assign")
				} else {
					c.template(v, at+"/Assign")
					c.assignNames(v, at+"/Assign", ql)
				}
			}
			continue
		}
		c.assignNames(e.Get("Assign"), at+"/Assign", ql)
		// A Catcher's Output and Assign are where $states.errorOutput exists.
		c.exprCtx = exprContext{errorOutput: true}
		for _, f := range []string{"Output", "Assign"} {
			if v := e.Get(f); v != nil {
				c.jsonataValue(v, at+"/"+f)
			}
		}
		c.exprCtx = exprContext{}
	}
}

// errorEquals checks a retrier's or catcher's ErrorEquals: a non-empty list of names where
// States.ALL stands alone, in the last entry.
func (c *checker) errorEquals(e *asl.Node, loc string, last bool) {
	ee := e.Get("ErrorEquals")
	if ee == nil {
		c.required([]string{"ErrorEquals"}, loc)
		return
	}
	at := loc + "/ErrorEquals"
	if ee.Kind != asl.Array {
		c.wrongType("Array", at)
		return
	}
	if len(ee.Items) == 0 {
		c.schema("Value cannot be empty", at)
		return
	}
	all := false
	for i, n := range ee.Items {
		if n.Kind != asl.String {
			c.wrongType("String", at+"["+strconv.Itoa(i)+"]")
			continue
		}
		if n.Text == "States.ALL" {
			all = true
		}
	}
	if all && (len(ee.Items) > 1 || !last) {
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
func (c *checker) heartbeatBelowTimeout(st *asl.Node, loc string) {
	hb, to := st.Get("HeartbeatSeconds"), st.Get("TimeoutSeconds")
	if hb == nil || to == nil || hb.Kind != asl.Number || to.Kind != asl.Number {
		return
	}
	h, err1 := strconv.ParseFloat(hb.Text, 64)
	t, err2 := strconv.ParseFloat(to.Text, 64)
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
func (c *checker) credentials(v *asl.Node, loc, ql string) {
	fields := []string{"RoleArn"}
	if ql == qlJSONPath {
		fields = append(fields, "RoleArn.$")
	}
	n := 0
	for _, m := range v.Members {
		if slices.Contains(fields, m.Key) {
			n++
		}
	}
	if n == 0 {
		c.missing("RoleArn", loc)
		return
	}
	for _, m := range v.Members {
		if !slices.Contains(fields, m.Key) {
			c.notSupported(m.Key, loc)
			continue
		}
		if m.Key == "RoleArn" && m.Val.Kind != asl.String {
			c.wrongType("String", loc+"/RoleArn")
		}
	}
	if n > 1 {
		c.schema("There should only be one of the following fields: "+list(fields), loc)
	}
}
