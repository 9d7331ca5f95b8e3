package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/stepjet/stepjet/engine/choice"
	"github.com/stepjet/stepjet/engine/jsonata"
	"github.com/stepjet/stepjet/engine/jsonpath"
	"github.com/stepjet/stepjet/engine/payload"
)

// fields is one JSON object of the definition, field by field.
type fields map[string]json.RawMessage

// compiler carries what the compilation of one definition shares across its states.
type compiler struct {
	topJSONata bool
	tasks      int    // Task states numbered so far
	at         string // location of the program being compiled: "" at the top, then e.g. "/States/P/Branches/0"
}

// compileError names the state (by its location, e.g. "/States/P/Branches/0/States/A") and field
// a compilation failure arose in. Validation should have refused such a definition already; this
// is the last line of defence, and it refuses rather than guess.
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

// nested compiles the program at raw, located at loc (a branch or an item processor).
func (c *compiler) nested(raw fields, loc string) (*program, error) {
	outer := c.at
	c.at = loc
	defer func() { c.at = outer }()
	return c.program(raw)
}

func parseFields(raw []byte) (fields, error) {
	var f fields
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, err
	}
	if f == nil {
		return nil, fmt.Errorf("expected a JSON object")
	}
	return f, nil
}

func (f fields) has(k string) bool { _, ok := f[k]; return ok }

func (f fields) isNull(k string) bool {
	v, ok := f[k]
	return ok && bytes.Equal(bytes.TrimSpace(v), []byte("null"))
}

func (f fields) str(k string) (string, bool) {
	v, ok := f[k]
	if !ok {
		return "", false
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return "", false
	}
	return s, true
}

// optStr reads an optional string field: absent is ("", false, nil); present and not a string
// is an error, never read as absent.
func (f fields) optStr(k string) (string, bool, error) {
	if !f.has(k) {
		return "", false, nil
	}
	s, ok := f.str(k)
	if !ok {
		return "", false, fmt.Errorf("%s must be a string", k)
	}
	return s, true, nil
}

func (f fields) num(k string) (float64, bool) {
	v, ok := f[k]
	if !ok {
		return 0, false
	}
	var n float64
	if json.Unmarshal(v, &n) != nil {
		return 0, false
	}
	return n, true
}

// jsonataExpr returns the expression of a "{% ... %}" string, by payload.IsJSONata's rule (the
// one rule the engine, the validator and the API use).
func jsonataExpr(s string) (string, bool) {
	if !payload.IsJSONata(s) {
		return "", false
	}
	return strings.TrimSpace(s[2 : len(s)-2]), true
}

// program compiles a {"StartAt", "States"} object.
func (c *compiler) program(raw fields) (*program, error) {
	startAt, _ := raw.str("StartAt")
	statesRaw, err := parseFields(raw["States"])
	if err != nil {
		return nil, fmt.Errorf("States: %w", err)
	}
	p := &program{startAt: end}
	index := make(map[string]int, len(statesRaw))
	names := make([]string, 0, len(statesRaw))
	for name := range statesRaw {
		names = append(names, name)
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
		sf, err := parseFields(statesRaw[n])
		if err != nil {
			return nil, compileError(c.at+"/States/"+n, "", err)
		}
		st, err := c.state(n, sf, index, statesRaw[n])
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

func (c *compiler) state(name string, f fields, index map[string]int, raw []byte) (*state, error) {
	typ, _ := f.str("Type")
	st := &state{name: name, next: end, jsonata: c.topJSONata}
	loc := c.at + "/States/" + name
	ql, _, err := f.optStr("QueryLanguage")
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
	st.needsContext = bytes.Contains(raw, []byte("$$")) || bytes.Contains(raw, []byte("context"))
	wrap := func(field string, err error) error {
		if err == nil {
			return nil
		}
		if _, ok := err.(*InvalidDefinitionError); ok {
			return err
		}
		return compileError(loc, field, err)
	}
	if n, ok, err := f.optStr("Next"); err != nil {
		return nil, wrap("Next", err)
	} else if ok {
		i, err := lookupNext(index, n)
		if err != nil {
			return nil, wrap("Next", err)
		}
		st.next = i
	}
	switch typ {
	case "Pass":
		st.typ = typePass
	case "Task":
		st.typ = typeTask
	case "Choice":
		st.typ = typeChoice
	case "Wait":
		st.typ = typeWait
	case "Succeed":
		st.typ = typeSucceed
	case "Fail":
		st.typ = typeFail
	case "Parallel":
		st.typ = typeParallel
	case "Map":
		st.typ = typeMap
	default:
		return nil, wrap("Type", fmt.Errorf("unknown state type %q", typ))
	}
	if err := c.dataFlow(st, f); err != nil {
		return nil, wrap("", err)
	}
	switch st.typ {
	case typePass:
		if v, ok := f["Result"]; ok {
			st.result = compact(v)
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

// path compiles an optional path field: absent or "$" gives nil (identity); null sets *isNull.
func optPath(f fields, k string, reference bool, isNull *bool) (*jsonpath.Path, error) {
	if !f.has(k) {
		return nil, nil
	}
	if f.isNull(k) {
		*isNull = true
		return nil, nil
	}
	s, ok := f.str(k)
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
func jsonataField(f fields, k string) (*payload.JSONataTemplate, error) {
	v, ok := f[k]
	if !ok {
		return nil, nil
	}
	return payload.CompileJSONata(k, v)
}

// templateField compiles field k of f as a JSONPath payload template; an absent field gives nil.
func templateField(f fields, k string) (*payload.Template, error) {
	v, ok := f[k]
	if !ok {
		return nil, nil
	}
	return payload.Compile(v)
}

func (c *compiler) dataFlow(st *state, f fields) error {
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
	if v, ok := f["Parameters"]; ok && st.typ != typeMap {
		if st.parameters, err = payload.Compile(v); err != nil {
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

// intField compiles a numeric field that may come as a literal (k), a path (k+"Path") or, in
// JSONata mode, a "{% %}" string in k.
func intFieldOf(f fields, k string, jsonataOK bool) (intField, error) {
	fl := intField{field: k}
	if v, ok := f[k]; ok {
		var s string
		if json.Unmarshal(v, &s) == nil {
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
		n, ok := f.num(k)
		if !ok {
			return fl, fmt.Errorf("%s must be a number", k)
		}
		fl.set, fl.value = true, int64(n)
		return fl, nil
	}
	if f.has(k + "Path") {
		s, ok := f.str(k + "Path")
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

func (c *compiler) task(st *state, f fields) error {
	res, ok, err := f.optStr("Resource")
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

func (c *compiler) choiceState(st *state, f fields, index map[string]int) error {
	cs := &choiceSpec{deflt: end}
	if d, ok, err := f.optStr("Default"); err != nil {
		return err
	} else if ok {
		i, err := lookupNext(index, d)
		if err != nil {
			return err
		}
		cs.deflt, cs.hasDflt = i, true
	}
	var rules []json.RawMessage
	if err := json.Unmarshal(f["Choices"], &rules); err != nil {
		return fmt.Errorf("Choices: %w", err)
	}
	for _, r := range rules {
		rf, err := parseFields(r)
		if err != nil {
			return err
		}
		var cr choiceRule
		n, _ := rf.str("Next")
		if cr.next, err = lookupNext(index, n); err != nil {
			return err
		}
		if st.jsonata {
			switch c := string(bytes.TrimSpace(rf["Condition"])); c {
			case "true":
				cr.constant = 1
			case "false":
				cr.constant = -1
			default:
				cond, _ := rf.str("Condition")
				e, ok := jsonataExpr(cond)
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
			delete(rf, "Next")
			delete(rf, "Assign")
			delete(rf, "Comment")
			b, _ := json.Marshal(rf)
			if cr.rule, err = choice.Compile(b); err != nil {
				return err
			}
		}
		cs.rules = append(cs.rules, cr)
	}
	st.choice = cs
	return nil
}

func (c *compiler) waitState(st *state, f fields) error {
	w := &waitSpec{}
	var err error
	if w.seconds, err = intFieldOf(f, "Seconds", st.jsonata); err != nil {
		return err
	}
	for _, k := range []string{"Timestamp", "TimestampPath"} {
		if _, _, err := f.optStr(k); err != nil {
			return err
		}
	}
	if s, ok := f.str("Timestamp"); ok {
		w.hasTimestamp = true
		if e, ok := jsonataExpr(s); ok && st.jsonata {
			if w.timestampExpr, err = jsonata.Compile(e); err != nil {
				return err
			}
		} else {
			w.timestamp = s
		}
	}
	if s, ok := f.str("TimestampPath"); ok {
		w.hasTimestamp = true
		if w.timestampPath, err = jsonpath.Compile(s); err != nil {
			return err
		}
	}
	st.wait = w
	return nil
}

func (c *compiler) failState(st *state, f fields) error {
	fs := &failSpec{}
	var err error
	for _, k := range []string{"Error", "Cause", "ErrorPath", "CausePath"} {
		if _, _, err := f.optStr(k); err != nil {
			return err
		}
	}
	for _, k := range []string{"Error", "Cause"} {
		s, ok := f.str(k)
		if ok {
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
		p, ok := f.str(k + "Path")
		if !ok {
			continue
		}
		var path *jsonpath.Path
		var call *payload.Template
		if strings.HasPrefix(p, "States.") {
			// An intrinsic function: compile it as a one-field template.
			b, _ := json.Marshal(map[string]string{"v.$": p})
			if call, err = payload.Compile(b); err != nil {
				return err
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

func (c *compiler) parallelState(st *state, f fields) error {
	var branches []json.RawMessage
	if err := json.Unmarshal(f["Branches"], &branches); err != nil {
		return fmt.Errorf("Branches: %w", err)
	}
	ps := &parallelSpec{}
	at := c.at + "/States/" + st.name + "/Branches/"
	for i, b := range branches {
		bf, err := parseFields(b)
		if err != nil {
			return err
		}
		p, err := c.nested(bf, at+strconv.Itoa(i))
		if err != nil {
			return err
		}
		ps.branches = append(ps.branches, p)
	}
	st.parallel = ps
	return nil
}

func (c *compiler) mapState(st *state, f fields) error {
	ms := &mapSpec{}
	// A Distributed Map that only iterates its input runs inline with the same results; one that
	// reads items from or writes results to Amazon S3 cannot, and must not run as if those fields
	// were absent. It fails when it runs (TestState may still mock the whole state).
	for _, k := range []string{"ItemReader", "ResultWriter"} {
		if _, ok := f[k]; ok && ms.unsupported == "" {
			ms.unsupported = k
		}
	}
	procField := "ItemProcessor"
	proc, ok := f[procField]
	if !ok {
		procField = "Iterator"
		proc = f[procField]
	}
	pf, err := parseFields(proc)
	if err != nil {
		return fmt.Errorf("%s: %w", procField, err)
	}
	if ms.processor, err = c.nested(pf, c.at+"/States/"+st.name+"/"+procField); err != nil {
		return err
	}
	if st.jsonata {
		if v, ok := f["Items"]; ok {
			var s string
			if json.Unmarshal(v, &s) == nil {
				e, ok := jsonataExpr(s)
				if !ok {
					return fmt.Errorf("Items must be a JSON array or a JSONata expression")
				}
				if ms.itemsExpr, err = jsonata.Compile(e); err != nil {
					return err
				}
			} else if ms.itemsLit, err = payload.CompileJSONata("Items", v); err != nil {
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
		sel, ok := f["ItemSelector"]
		if !ok {
			sel, ok = f["Parameters"]
		}
		if ok {
			if ms.itemSelector, err = payload.Compile(sel); err != nil {
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
	if v, ok := f["ItemBatcher"]; ok {
		bf, err := parseFields(v)
		if err != nil {
			return fmt.Errorf("ItemBatcher: %w", err)
		}
		b := &batcher{}
		if bi, ok := bf["BatchInput"]; ok {
			if st.jsonata {
				b.batchInputJSONata, err = payload.CompileJSONata("BatchInput", bi)
			} else {
				b.batchInput, err = payload.Compile(bi)
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

func (c *compiler) retryCatch(st *state, f fields, index map[string]int) error {
	if v, ok := f["Retry"]; ok {
		var rs []fields
		if err := json.Unmarshal(v, &rs); err != nil {
			return fmt.Errorf("Retry: %w", err)
		}
		for _, rf := range rs {
			r := retrier{interval: 1, maxAttempts: 3, backoff: 2}
			if err := json.Unmarshal(rf["ErrorEquals"], &r.errorEquals); err != nil {
				return fmt.Errorf("Retry.ErrorEquals: %w", err)
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
				if !rf.has(n.key) {
					continue
				}
				v, ok := rf.num(n.key)
				if !ok {
					return fmt.Errorf("Retry.%s must be a number", n.key)
				}
				*n.to = v
			}
			r.maxAttempts = int(maxAttempts)
			if rf.has("JitterStrategy") {
				switch s, _ := rf.str("JitterStrategy"); s {
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
	if v, ok := f["Catch"]; ok {
		var cs []fields
		if err := json.Unmarshal(v, &cs); err != nil {
			return fmt.Errorf("Catch: %w", err)
		}
		for _, cf := range cs {
			var ct catcher
			if err := json.Unmarshal(cf["ErrorEquals"], &ct.errorEquals); err != nil {
				return fmt.Errorf("Catch.ErrorEquals: %w", err)
			}
			n, _ := cf.str("Next")
			var err error
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
