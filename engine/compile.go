package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/stepjet/stepjet/engine/asl"
	"github.com/stepjet/stepjet/engine/choice"
	"github.com/stepjet/stepjet/engine/intrinsics"
	"github.com/stepjet/stepjet/engine/jsonata"
	"github.com/stepjet/stepjet/engine/jsonpath"
	"github.com/stepjet/stepjet/engine/payload"
)

// The compiler walks the definition's tree (asl.Parse), the very tree the validator judged: a
// field is read once, by one reader, so what validated is what runs. It refuses what it cannot
// read rather than fall back to a default; validation should have refused such a definition
// already, so its errors are the last line of defence (and what compileDefinition reports for a
// definition that skipped validation).

// compiler carries what the compilation of one definition shares across its states.
type compiler struct {
	topJSONata bool
	anyJSONata bool // a state compiled so far is in JSONata mode
	tasks      int  // Task states numbered so far
}

// compileError names the state (by its JSON pointer, e.g. "/States/P/Branches/0/States/A") and
// field a compilation failure arose in.
func compileError(stateLoc, field string, err error) error {
	loc := stateLoc
	if field != "" {
		loc += "/" + field
	}
	if loc == "" {
		loc = "/"
	}
	return &InvalidDefinitionError{Diagnostics: []Diagnostic{{
		Severity: "ERROR",
		Code:     "SCHEMA_VALIDATION_FAILED",
		Message:  err.Error(),
		Location: loc,
	}}}
}

// object returns n when it is a JSON object; what names n in the error otherwise.
func object(n *asl.Node, what string) (*asl.Node, error) {
	if n == nil || n.Kind != asl.Object {
		return nil, fmt.Errorf("%s must be a JSON object", what)
	}
	return n, nil
}

// objects returns the elements of array n, each a JSON object; what names the array, and each
// element, in the error otherwise.
func objects(n *asl.Node, what, each string) ([]*asl.Node, error) {
	if n == nil || n.Kind != asl.Array {
		return nil, fmt.Errorf("%s must be an array of JSON objects, one per %s", what, each)
	}
	for _, it := range n.Items {
		if it.Kind != asl.Object {
			return nil, fmt.Errorf("%s: each %s must be a JSON object", what, each)
		}
	}
	return n.Items, nil
}

// optStr reads an optional string field: absent is ("", false, nil); present and not a string
// is an error, never read as absent.
func optStr(f *asl.Node, k string) (string, bool, error) {
	v := f.Get(k)
	if v == nil {
		return "", false, nil
	}
	s, ok := v.Str()
	if !ok {
		return "", false, fmt.Errorf("%s must be a string", k)
	}
	return s, true, nil
}

// stringList reads an array of strings (ErrorEquals); anything else is an error naming what.
func stringList(n *asl.Node, what string) ([]string, error) {
	if n == nil || n.Kind != asl.Array {
		return nil, fmt.Errorf("%s must be an array of strings", what)
	}
	out := make([]string, len(n.Items))
	for i, it := range n.Items {
		s, ok := it.Str()
		if !ok {
			return nil, fmt.Errorf("%s must be an array of strings", what)
		}
		out[i] = s
	}
	return out, nil
}

// jsonataExpr returns the expression of a "{% ... %}" string, by payload.IsJSONata's rule (the
// one rule the engine, the validator and the API use).
func jsonataExpr(s string) (string, bool) {
	if !payload.IsJSONata(s) {
		return "", false
	}
	return strings.TrimSpace(s[2 : len(s)-2]), true
}

// program compiles a {"StartAt", "States"} object: the machine, a Parallel branch or a Map's
// item processor.
func (c *compiler) program(obj *asl.Node) (*program, error) {
	startAt, _ := obj.Get("StartAt").Str()
	states, err := object(obj.Get("States"), "States")
	if err != nil {
		return nil, err
	}
	p := &program{startAt: end}
	index := make(map[string]int, len(states.Members))
	names := make([]string, 0, len(states.Members))
	for _, m := range states.Members {
		names = append(names, m.Key)
	}
	// A stable order keeps compiled machines identical from run to run.
	sort.Strings(names)
	for i, n := range names {
		index[n] = i
	}
	if i, ok := index[startAt]; ok {
		p.startAt = i
	} else {
		return nil, fmt.Errorf("StartAt %q names no state", startAt)
	}
	p.states = make([]*state, len(names))
	for i, n := range names {
		sn := states.Get(n)
		if _, err := object(sn, "a state"); err != nil {
			return nil, compileError(sn.Pointer(), "", err)
		}
		st, err := c.state(n, sn, index)
		if err != nil {
			return nil, err
		}
		p.states[i] = st
	}
	return p, nil
}

func lookupNext(index map[string]int, name string) (int, error) {
	i, ok := index[name]
	if !ok {
		return end, fmt.Errorf("Next %q names no state", name)
	}
	return i, nil
}

// stateTypes maps a state's Type to its kind.
var stateTypes = map[string]stateType{
	"Pass": typePass, "Task": typeTask, "Choice": typeChoice, "Wait": typeWait,
	"Succeed": typeSucceed, "Fail": typeFail, "Parallel": typeParallel, "Map": typeMap,
}

// state compiles the state f named name; errors name its place (f.Pointer()) and the field.
func (c *compiler) state(name string, f *asl.Node, index map[string]int) (*state, error) {
	st := &state{name: name, next: end, jsonata: c.topJSONata}
	loc := f.Pointer()
	ql, _, err := optStr(f, "QueryLanguage")
	if err != nil {
		return nil, compileError(loc, "QueryLanguage", err)
	}
	switch ql {
	case "JSONata":
		st.jsonata = true
	case "JSONPath":
		st.jsonata = false
	case "":
	default:
		return nil, compileError(loc, "QueryLanguage", fmt.Errorf("unknown query language %q", ql))
	}
	c.anyJSONata = c.anyJSONata || st.jsonata
	st.needsContext = bytes.Contains(f.Raw, []byte("$$")) || bytes.Contains(f.Raw, []byte("context"))
	wrap := func(field string, err error) error {
		if err == nil {
			return nil
		}
		if _, ok := err.(*InvalidDefinitionError); ok {
			return err
		}
		return compileError(loc, field, err)
	}
	if n, ok, err := optStr(f, "Next"); err != nil {
		return nil, wrap("Next", err)
	} else if ok {
		i, err := lookupNext(index, n)
		if err != nil {
			return nil, wrap("Next", err)
		}
		st.next = i
	}
	typ, _ := f.Get("Type").Str()
	t, ok := stateTypes[typ]
	if !ok {
		return nil, wrap("Type", fmt.Errorf("unknown state type %q", typ))
	}
	st.typ = t
	if err := c.dataFlow(st, f); err != nil {
		return nil, wrap("", err)
	}
	switch st.typ {
	case typePass:
		if v := f.Get("Result"); v != nil {
			st.result = compact(v.Raw)
		}
	case typeTask:
		err = c.task(st, f)
	case typeChoice:
		err = c.choiceState(st, f, index)
	case typeWait:
		err = c.waitState(st, f)
	case typeFail:
		err = c.failState(st, f)
	case typeParallel:
		err = c.parallelState(st, f)
	case typeMap:
		err = c.mapState(st, f)
	}
	if err != nil {
		return nil, wrap("", err)
	}
	if st.typ == typeTask || st.typ == typeParallel || st.typ == typeMap {
		if err := c.retryCatch(st, f, index); err != nil {
			return nil, wrap("", err)
		}
	}
	return st, nil
}

func compact(v []byte) []byte {
	var b bytes.Buffer
	if json.Compact(&b, v) != nil {
		return append([]byte(nil), v...)
	}
	return b.Bytes()
}

// optPath compiles an optional path field: absent or "$" gives nil (identity); null sets *isNull.
func optPath(f *asl.Node, k string, reference bool, isNull *bool) (*jsonpath.Path, error) {
	v := f.Get(k)
	if v == nil {
		return nil, nil
	}
	if v.IsNull() {
		*isNull = true
		return nil, nil
	}
	s, ok := v.Str()
	if !ok {
		return nil, fmt.Errorf("%s must be a string", k)
	}
	if s == "$" {
		return nil, nil
	}
	if reference {
		return jsonpath.CompileReference(s)
	}
	return jsonpath.Compile(s)
}

// jsonataField compiles field k of f as a JSONata payload template; an absent field gives nil.
func jsonataField(f *asl.Node, k string) (*payload.JSONataTemplate, error) {
	v := f.Get(k)
	if v == nil {
		return nil, nil
	}
	return payload.CompileJSONata(k, v.Raw)
}

// templateField compiles field k of f as a JSONPath payload template; an absent field gives nil.
func templateField(f *asl.Node, k string) (*payload.Template, error) {
	v := f.Get(k)
	if v == nil {
		return nil, nil
	}
	return payload.Compile(v.Raw)
}

func (c *compiler) dataFlow(st *state, f *asl.Node) error {
	var err error
	if st.jsonata {
		if st.arguments, err = jsonataField(f, "Arguments"); err != nil {
			return err
		}
		if st.output, err = jsonataField(f, "Output"); err != nil {
			return err
		}
		if st.assignJSONata, err = jsonataField(f, "Assign"); err != nil {
			return err
		}
		return nil
	}
	if st.inputPath, err = optPath(f, "InputPath", false, &st.inputPathNull); err != nil {
		return err
	}
	if st.outputPath, err = optPath(f, "OutputPath", false, &st.outputPathNull); err != nil {
		return err
	}
	if st.resultPath, err = optPath(f, "ResultPath", true, &st.resultPathNull); err != nil {
		return err
	}
	if st.typ != typeMap { // a Map's Parameters are its ItemSelector
		if st.parameters, err = templateField(f, "Parameters"); err != nil {
			return err
		}
	}
	if st.resultSelector, err = templateField(f, "ResultSelector"); err != nil {
		return err
	}
	if st.assign, err = templateField(f, "Assign"); err != nil {
		return err
	}
	return nil
}

// intFieldOf compiles a numeric field that may come as a literal (k), a path (k+"Path") or, in
// JSONata mode, a "{% %}" string in k.
func intFieldOf(f *asl.Node, k string, jsonataOK bool) (intField, error) {
	fl := intField{field: k}
	if v := f.Get(k); v != nil {
		if s, ok := v.Str(); ok {
			e, ok := jsonataExpr(s)
			if !ok || !jsonataOK {
				return fl, fmt.Errorf("%s must be a number or a JSONata expression", k)
			}
			x, err := jsonata.Compile(e)
			if err != nil {
				return fl, err
			}
			fl.set, fl.expr = true, x
			return fl, nil
		}
		n, ok := v.Float()
		if !ok {
			return fl, fmt.Errorf("%s must be a number", k)
		}
		fl.set, fl.value = true, int64(n)
		return fl, nil
	}
	if v := f.Get(k + "Path"); v != nil {
		s, ok := v.Str()
		if !ok {
			return fl, fmt.Errorf("%sPath must be a string", k)
		}
		p, err := jsonpath.Compile(s)
		if err != nil {
			return fl, err
		}
		fl.set, fl.path, fl.field = true, p, k+"Path"
	}
	return fl, nil
}

func (c *compiler) task(st *state, f *asl.Node) error {
	res, ok, err := optStr(f, "Resource")
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("a Task needs a Resource")
	}
	t := &taskSpec{resource: res, index: c.tasks}
	c.tasks++
	t.resourceType, t.resourceName, t.region = describeResource(res)
	t.lambdaInvoke = strings.HasPrefix(res, "arn:aws:states:::lambda:invoke")
	if t.timeout, err = intFieldOf(f, "TimeoutSeconds", st.jsonata); err != nil {
		return err
	}
	if t.heartbeat, err = intFieldOf(f, "HeartbeatSeconds", st.jsonata); err != nil {
		return err
	}
	// A computed timeout or heartbeat must lie where a literal one must (the validator's range).
	t.timeout.min, t.timeout.max = 1, 99999999
	t.heartbeat.min, t.heartbeat.max = 1, 99999999
	st.task = t
	return nil
}

// describeResource splits a resource ARN into the resourceType/resource/region history events
// report: "arn:aws:states:::lambda:invoke" → lambda, invoke; a function ARN → lambda, the ARN.
func describeResource(arn string) (typ, name, region string) {
	parts := strings.SplitN(arn, ":", 7)
	if len(parts) >= 6 && parts[2] == "states" && parts[3] == "" {
		// arn:aws:states:::service:action[.pattern]
		return parts[5], strings.Join(parts[6:], ":"), ""
	}
	if len(parts) >= 6 {
		return parts[2], arn, parts[3]
	}
	return "", arn, ""
}

func (c *compiler) choiceState(st *state, f *asl.Node, index map[string]int) error {
	cs := &choiceSpec{deflt: end}
	if d, ok, err := optStr(f, "Default"); err != nil {
		return err
	} else if ok {
		i, err := lookupNext(index, d)
		if err != nil {
			return err
		}
		cs.deflt, cs.hasDflt = i, true
	}
	rules, err := objects(f.Get("Choices"), "Choices", "choice rule")
	if err != nil {
		return err
	}
	for _, rf := range rules {
		var cr choiceRule
		n, _ := rf.Get("Next").Str()
		if cr.next, err = lookupNext(index, n); err != nil {
			return err
		}
		if st.jsonata {
			switch cond := rf.Get("Condition"); {
			case cond != nil && cond.Kind == asl.Boolean && cond.Bool:
				cr.constant = 1
			case cond != nil && cond.Kind == asl.Boolean:
				cr.constant = -1
			default:
				s, _ := cond.Str()
				e, ok := jsonataExpr(s)
				if !ok {
					return fmt.Errorf("Condition must be a boolean or a JSONata expression")
				}
				if cr.condition, err = jsonata.Compile(e); err != nil {
					return err
				}
			}
			if cr.assignJSONata, err = jsonataField(rf, "Assign"); err != nil {
				return err
			}
			if cr.output, err = jsonataField(rf, "Output"); err != nil {
				return err
			}
		} else {
			if cr.assign, err = templateField(rf, "Assign"); err != nil {
				return err
			}
			// The rule's own node: choice.Compile reads the comparison and leaves Next, Assign
			// and Comment to the interpreter.
			if cr.rule, err = choice.Compile(rf); err != nil {
				return err
			}
		}
		cs.rules = append(cs.rules, cr)
	}
	st.choice = cs
	return nil
}

func (c *compiler) waitState(st *state, f *asl.Node) error {
	w := &waitSpec{}
	var err error
	if w.seconds, err = intFieldOf(f, "Seconds", st.jsonata); err != nil {
		return err
	}
	ts, hasTS, err := optStr(f, "Timestamp")
	if err != nil {
		return err
	}
	tsPath, hasTSPath, err := optStr(f, "TimestampPath")
	if err != nil {
		return err
	}
	if hasTS {
		w.hasTimestamp = true
		if e, ok := jsonataExpr(ts); ok && st.jsonata {
			if w.timestampExpr, err = jsonata.Compile(e); err != nil {
				return err
			}
		} else {
			w.timestamp = ts
		}
	}
	if hasTSPath {
		w.hasTimestamp = true
		if w.timestampPath, err = jsonpath.Compile(tsPath); err != nil {
			return err
		}
	}
	st.wait = w
	return nil
}

func (c *compiler) failState(st *state, f *asl.Node) error {
	fs := &failSpec{}
	var err error
	for _, k := range []string{"Error", "Cause", "ErrorPath", "CausePath"} {
		if _, _, err := optStr(f, k); err != nil {
			return err
		}
	}
	for _, k := range []string{"Error", "Cause"} {
		if s, ok := f.Get(k).Str(); ok {
			var expr *jsonata.Expr
			if e, isExpr := jsonataExpr(s); isExpr && st.jsonata {
				if expr, err = jsonata.Compile(e); err != nil {
					return err
				}
			}
			if k == "Error" {
				fs.errorLit, fs.hasError, fs.errorExpr = s, true, expr
			} else {
				fs.causeLit, fs.hasCause, fs.causeExpr = s, true, expr
			}
		}
		p, ok := f.Get(k + "Path").Str()
		if !ok {
			continue
		}
		var path *jsonpath.Path
		var call *intrinsics.Call
		if strings.HasPrefix(p, "States.") {
			// An intrinsic function call (AWS allows one in ErrorPath and CausePath).
			if call, err = intrinsics.Parse(p); err != nil {
				return fmt.Errorf("The value for the field '%sPath' must be a valid JSONPath or a valid intrinsic function call: %w", k, err)
			}
		} else if path, err = jsonpath.Compile(p); err != nil {
			return err
		}
		if k == "Error" {
			fs.errorPath, fs.errorCall, fs.errorPathSrc, fs.hasError = path, call, p, true
		} else {
			fs.causePath, fs.causeCall, fs.causePathSrc, fs.hasCause = path, call, p, true
		}
	}
	st.fail = fs
	return nil
}

func (c *compiler) parallelState(st *state, f *asl.Node) error {
	branches, err := objects(f.Get("Branches"), "Branches", "branch")
	if err != nil {
		return err
	}
	ps := &parallelSpec{}
	for _, b := range branches {
		p, err := c.program(b)
		if err != nil {
			return err
		}
		ps.branches = append(ps.branches, p)
	}
	st.parallel = ps
	return nil
}

func (c *compiler) mapState(st *state, f *asl.Node) error {
	ms := &mapSpec{}
	// A Distributed Map that only iterates its input runs inline with the same results; one that
	// reads items from or writes results to Amazon S3 cannot, and must not run as if those fields
	// were absent. It fails when it runs (TestState may still mock the whole state).
	for _, k := range []string{"ItemReader", "ResultWriter"} {
		if f.Has(k) && ms.unsupported == "" {
			ms.unsupported = k
		}
	}
	procField := "ItemProcessor"
	proc := f.Get(procField)
	if proc == nil {
		procField = "Iterator"
		proc = f.Get(procField)
	}
	if _, err := object(proc, procField); err != nil {
		return err
	}
	var err error
	if ms.processor, err = c.program(proc); err != nil {
		return err
	}
	if st.jsonata {
		if v := f.Get("Items"); v != nil {
			if v.Kind == asl.String || v.Kind == asl.Null {
				e, ok := jsonataExpr(v.Text)
				if !ok {
					return fmt.Errorf("Items must be a JSON array or a JSONata expression")
				}
				if ms.itemsExpr, err = jsonata.Compile(e); err != nil {
					return err
				}
			} else if ms.itemsLit, err = payload.CompileJSONata("Items", v.Raw); err != nil {
				return err
			}
		}
		if ms.itemSelectorJSONata, err = jsonataField(f, "ItemSelector"); err != nil {
			return err
		}
	} else {
		var null bool
		if ms.itemsPath, err = optPath(f, "ItemsPath", false, &null); err != nil {
			return err
		}
		sel := f.Get("ItemSelector")
		if sel == nil {
			sel = f.Get("Parameters")
		}
		if sel != nil {
			if ms.itemSelector, err = payload.Compile(sel.Raw); err != nil {
				return err
			}
		}
	}
	if ms.maxConcurrency, err = intFieldOf(f, "MaxConcurrency", st.jsonata); err != nil {
		return err
	}
	if ms.toleratedPercent, err = intFieldOf(f, "ToleratedFailurePercentage", st.jsonata); err != nil {
		return err
	}
	if ms.toleratedCount, err = intFieldOf(f, "ToleratedFailureCount", st.jsonata); err != nil {
		return err
	}
	if v := f.Get("ItemBatcher"); v != nil {
		bf, err := object(v, "ItemBatcher")
		if err != nil {
			return err
		}
		b := &batcher{}
		if bi := bf.Get("BatchInput"); bi != nil {
			if st.jsonata {
				b.batchInputJSONata, err = payload.CompileJSONata("BatchInput", bi.Raw)
			} else {
				b.batchInput, err = payload.Compile(bi.Raw)
			}
			if err != nil {
				return err
			}
		}
		if b.maxItems, err = intFieldOf(bf, "MaxItemsPerBatch", st.jsonata); err != nil {
			return err
		}
		if b.maxBytes, err = intFieldOf(bf, "MaxInputBytesPerBatch", st.jsonata); err != nil {
			return err
		}
		ms.batcher = b
	}
	st.mapSpec = ms
	return nil
}

func (c *compiler) retryCatch(st *state, f *asl.Node, index map[string]int) error {
	if v := f.Get("Retry"); v != nil {
		retriers, err := objects(v, "Retry", "retrier")
		if err != nil {
			return err
		}
		for _, rf := range retriers {
			r := retrier{interval: 1, maxAttempts: 3, backoff: 2}
			if r.errorEquals, err = stringList(rf.Get("ErrorEquals"), "Retry.ErrorEquals"); err != nil {
				return err
			}
			// A retrier's fields are literals in both query languages (AWS evaluates no JSONata in
			// Retry, unlike a Catcher's Output and Assign): anything else is refused, never read
			// as the default.
			var maxAttempts float64 = 3
			for _, n := range []struct {
				key string
				to  *float64
			}{
				{"IntervalSeconds", &r.interval},
				{"MaxAttempts", &maxAttempts},
				{"BackoffRate", &r.backoff},
				{"MaxDelaySeconds", &r.maxDelay},
			} {
				fv := rf.Get(n.key)
				if fv == nil {
					continue
				}
				x, ok := fv.Float()
				if !ok {
					return fmt.Errorf("Retry.%s must be a number", n.key)
				}
				*n.to = x
			}
			r.maxAttempts = int(maxAttempts)
			if j := rf.Get("JitterStrategy"); j != nil {
				switch s, _ := j.Str(); s {
				case "FULL":
					r.jitterFull = true
				case "NONE":
				default:
					return fmt.Errorf("Retry.JitterStrategy must be FULL or NONE")
				}
			}
			st.retry = append(st.retry, r)
		}
	}
	if v := f.Get("Catch"); v != nil {
		catchers, err := objects(v, "Catch", "catcher")
		if err != nil {
			return err
		}
		for _, cf := range catchers {
			var ct catcher
			if ct.errorEquals, err = stringList(cf.Get("ErrorEquals"), "Catch.ErrorEquals"); err != nil {
				return err
			}
			n, _ := cf.Get("Next").Str()
			if ct.next, err = lookupNext(index, n); err != nil {
				return err
			}
			if st.jsonata {
				if ct.output, err = jsonataField(cf, "Output"); err != nil {
					return err
				}
				if ct.assignJSONata, err = jsonataField(cf, "Assign"); err != nil {
					return err
				}
			} else {
				if ct.resultPath, err = optPath(cf, "ResultPath", true, &ct.resultPathNull); err != nil {
					return err
				}
				if ct.assign, err = templateField(cf, "Assign"); err != nil {
					return err
				}
			}
			st.catch = append(st.catch, ct)
		}
	}
	return nil
}
