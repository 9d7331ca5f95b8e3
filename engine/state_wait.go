package engine

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/engine/jsonpath"
	"github.com/tidwall/gjson"
)

// wait runs a Wait state: it waits on the execution's clock for Seconds, or until Timestamp.
func (r *stateRun) wait() ([]byte, int, *stateError) {
	st := r.st
	w := st.wait
	var b *bindings
	if st.jsonata {
		b = r.bindings()
	}
	var d time.Duration
	switch {
	case w.seconds.path != nil:
		v, err := r.waitPath(w.seconds.path, "SecondsPath")
		if err != nil {
			return nil, end, err
		}
		n, ok := parseLong(v)
		if !ok {
			return nil, end, r.runtime(failure.New(failure.Runtime,
				"The SecondsPath parameter cannot be parsed as a long value: %s == %s", w.seconds.path.String(), string(v)))
		}
		if n < 0 {
			return nil, end, r.runtime(failure.New(failure.Runtime,
				"The SecondsPath parameter references a negative value: %s == %s", w.seconds.path.String(), string(v)))
		}
		d = time.Duration(n) * time.Second
	case w.seconds.set:
		n, err := r.intValue(&w.seconds, b)
		if err != nil {
			return nil, end, err
		}
		if n < 0 && w.seconds.expr != nil {
			return nil, end, r.runtime(failure.New(failure.QueryEvaluationError,
				"The JSONata expression '%s' specified for the field 'Seconds' returned a negative value: %d", w.seconds.expr.String(), n))
		}
		d = time.Duration(n) * time.Second
	case w.hasTimestamp:
		ts := w.timestamp
		field := "Timestamp"
		switch {
		case w.timestampPath != nil:
			v, err := r.waitPath(w.timestampPath, "TimestampPath")
			if err != nil {
				return nil, end, err
			}
			res := gjson.ParseBytes(v)
			t, ok := parseTimestamp(res.Str)
			if res.Type != gjson.String || !ok {
				// AWS prints a string value bare (`$.t == 2016-12-05T21:29:29`), other values as JSON.
				shown := string(v)
				if res.Type == gjson.String {
					shown = res.Str
				}
				return nil, end, r.runtime(failure.New(failure.Runtime,
					"The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: %s == %s", w.timestampPath.String(), shown))
			}
			d = t.Sub(r.f.ex.clock.Now())
			ts = ""
		case w.timestampExpr != nil:
			v, err := b.evalDefined(w.timestampExpr, "Timestamp")
			if err != nil {
				return nil, end, err
			}
			res := gjson.ParseBytes(v)
			if res.Type != gjson.String {
				return nil, end, r.runtime(failure.New(failure.QueryEvaluationError,
					"The JSONata expression '%s' specified for the field 'Timestamp' returned an unexpected result type. Expected 'string', but was '%s' for value: %s",
					w.timestampExpr.String(), jsonTypeName(v, true), string(v)))
			}
			ts = res.Str
			field = "Timestamp"
		}
		if ts != "" {
			t, ok := parseTimestamp(ts)
			if !ok && w.timestampExpr != nil {
				return nil, end, r.runtime(failure.New(failure.QueryEvaluationError,
					"The %s field cannot be parsed as an ISO-8601 extended offset date-time format string: %s", field, ts))
			}
			if !ok {
				return nil, end, r.runtime(failure.New(failure.Runtime,
					"The %s parameter does not reference a valid ISO-8601 extended offset date-time format string: %s", field, ts))
			}
			d = t.Sub(r.f.ex.clock.Now())
		}
	}
	if r.f.parks && d > 0 {
		if err := r.park(d); err != nil {
			return nil, end, err // errParked: Resume goes on from here
		}
	} else if err := r.f.sleep(d); err != nil {
		return nil, end, err
	}
	out, err := r.finishNoResult()
	return out, r.next(), err
}

// waitPath reads SecondsPath or TimestampPath from the effective input. A path that selects
// nothing fails with AWS's own wording for the field, not the JSONPath library's "Invalid path"
// text: "The SecondsPath parameter does not reference an input value: $.x".
func (r *stateRun) waitPath(p *jsonpath.Path, field string) ([]byte, *stateError) {
	e := r.envOf(r.waitInput())
	v, err := e.Eval(p)
	if err == nil {
		return v, nil
	}
	var nf *jsonpath.NotFoundError
	if errors.As(err, &nf) {
		return nil, r.runtime(failure.New(failure.Runtime,
			"The %s parameter does not reference an input value: %s", field, p.String()))
	}
	return nil, r.runtime(err)
}

// waitInput is the document SecondsPath and TimestampPath read: the effective input.
func (r *stateRun) waitInput() []byte {
	if r.st.inputPathNull {
		return emptyObject
	}
	if r.st.inputPath != nil {
		if v, err := r.env(r.input).Eval(r.st.inputPath); err == nil {
			return v
		}
	}
	return r.input
}

// parseLong accepts a JSON integer (no fraction, no exponent beyond an integral value).
func parseLong(v []byte) (int64, bool) {
	s := string(v)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	if strings.ContainsAny(s, "eE") {
		if f, err := strconv.ParseFloat(s, 64); err == nil && f == float64(int64(f)) {
			return int64(f), true
		}
	}
	return 0, false
}

// parseTimestamp parses an ISO-8601 / RFC 3339 timestamp as Wait accepts it.
func parseTimestamp(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05.999999999Z0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
