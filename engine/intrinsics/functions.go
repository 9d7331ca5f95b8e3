package intrinsics

import (
	"fmt"
	"math"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/tidwall/gjson"

	"github.com/stepjet/stepjet/engine/failure"
)

// function describes one States.X intrinsic: how many arguments it takes and what it does.
type function struct {
	name             string
	minArgs, maxArgs int // maxArgs < 0: no upper bound
	// prepare, when set, does parse-time work on a call (States.Format splits a literal template).
	prepare func(*callNode) error
	impl    func(c *callNode, args []gjson.Result) ([]byte, error)
}

// functions holds the 18 intrinsics of the Amazon States Language by name.
var functions = map[string]*function{}

func init() {
	for _, f := range []*function{
		{name: "States.Format", minArgs: 1, maxArgs: -1, prepare: prepareFormat, impl: statesFormat},
		{name: "States.StringToJson", minArgs: 1, maxArgs: 1, impl: statesStringToJSON},
		{name: "States.JsonToString", minArgs: 1, maxArgs: 1, impl: statesJSONToString},
		{name: "States.Array", minArgs: 0, maxArgs: -1, impl: statesArray},
		{name: "States.ArrayPartition", minArgs: 2, maxArgs: 2, impl: statesArrayPartition},
		{name: "States.ArrayContains", minArgs: 2, maxArgs: 2, impl: statesArrayContains},
		{name: "States.ArrayRange", minArgs: 3, maxArgs: 3, impl: statesArrayRange},
		{name: "States.ArrayGetItem", minArgs: 2, maxArgs: 2, impl: statesArrayGetItem},
		{name: "States.ArrayLength", minArgs: 1, maxArgs: 1, impl: statesArrayLength},
		{name: "States.ArrayUnique", minArgs: 1, maxArgs: 1, impl: statesArrayUnique},
		{name: "States.Base64Encode", minArgs: 1, maxArgs: 1, impl: statesBase64Encode},
		{name: "States.Base64Decode", minArgs: 1, maxArgs: 1, impl: statesBase64Decode},
		{name: "States.Hash", minArgs: 2, maxArgs: 2, impl: statesHash},
		{name: "States.JsonMerge", minArgs: 3, maxArgs: 3, impl: statesJSONMerge},
		{name: "States.MathRandom", minArgs: 2, maxArgs: 3, impl: statesMathRandom},
		{name: "States.MathAdd", minArgs: 2, maxArgs: 2, impl: statesMathAdd},
		{name: "States.StringSplit", minArgs: 2, maxArgs: 2, impl: statesStringSplit},
		{name: "States.UUID", minArgs: 0, maxArgs: 0, impl: statesUUID},
	} {
		functions[f.name] = f
	}
}

// Names returns the names of the intrinsic functions ASL defines.
func Names() []string {
	names := make([]string, 0, len(functions))
	for n := range functions {
		names = append(names, n)
	}
	return names
}

func (f *function) checkArity(n int) error {
	plural := func(k int) string {
		if k == 1 {
			return "argument"
		}
		return "arguments"
	}
	switch {
	case f.maxArgs < 0 && n < f.minArgs:
		return fmt.Errorf("%s takes at least %d %s, got %d", f.name, f.minArgs, plural(f.minArgs), n)
	case f.maxArgs >= 0 && f.minArgs == f.maxArgs && n != f.minArgs:
		return fmt.Errorf("%s takes %d %s, got %d", f.name, f.minArgs, plural(f.minArgs), n)
	case f.maxArgs >= 0 && (n < f.minArgs || n > f.maxArgs):
		return fmt.Errorf("%s takes %d to %d arguments, got %d", f.name, f.minArgs, f.maxArgs, n)
	}
	return nil
}

// fail returns the error a function raises on arguments it cannot use. AWS names it
// States.Runtime (not States.IntrinsicFailure) and its cause is the same generic text whatever
// was wrong: "Invalid arguments in States.MathAdd" (observed on AWS executions; see
// engine/testdata/cases/aws_observed.json). The reason is kept in the Go error for debugging only.
func (c *callNode) fail(format string, args ...any) error {
	return &argError{
		fe:     failure.Error{Name: failure.Runtime, Cause: "Invalid arguments in " + c.fn.name},
		reason: fmt.Sprintf(format, args...),
	}
}

// argError is an intrinsic's States.Runtime failure with the reason AWS does not print.
// errors.As finds the *failure.Error inside it.
type argError struct {
	fe     failure.Error
	reason string
}

func (e *argError) Error() string { return e.fe.Error() + " (" + e.reason + ")" }
func (e *argError) Unwrap() error { return &e.fe }

// ordinal names argument i (0-based) for a cause text.
func ordinal(i int) string {
	switch i {
	case 0:
		return "first"
	case 1:
		return "second"
	case 2:
		return "third"
	}
	return fmt.Sprintf("argument %d", i+1)
}

// typeName names a JSON value's type for a cause text.
func typeName(v gjson.Result) string {
	switch v.Type {
	case gjson.String:
		return "a string"
	case gjson.Number:
		return "a number"
	case gjson.True, gjson.False:
		return "a boolean"
	case gjson.Null:
		return "null"
	}
	if v.IsArray() {
		return "an array"
	}
	if v.IsObject() {
		return "an object"
	}
	return "nothing"
}

func (c *callNode) wantString(args []gjson.Result, i int) (string, error) {
	if args[i].Type != gjson.String {
		return "", c.fail("the %s argument must be a string, got %s", ordinal(i), typeName(args[i]))
	}
	return args[i].Str, nil
}

func (c *callNode) wantArray(args []gjson.Result, i int) error {
	if !args[i].IsArray() {
		return c.fail("the %s argument must be an array, got %s", ordinal(i), typeName(args[i]))
	}
	return nil
}

func (c *callNode) wantObject(args []gjson.Result, i int) error {
	if !args[i].IsObject() {
		return c.fail("the %s argument must be a JSON object, got %s", ordinal(i), typeName(args[i]))
	}
	return nil
}

// wantRounded takes a number and rounds it to the nearest integer as Java's Math.round does
// (halves toward positive infinity), which is what AWS does for MathAdd (recorded: 1.49 + 1.5
// = 3); the result must fit a Java int.
func (c *callNode) wantRounded(args []gjson.Result, i int) (int64, error) {
	v := args[i]
	if v.Type != gjson.Number {
		return 0, c.fail("the %s argument must be a number, got %s", ordinal(i), typeName(v))
	}
	r := javaRound(v.Float())
	if r < math.MinInt32 || r > math.MaxInt32 {
		return 0, c.fail("the %s argument must be an integer between %d and %d, got %s",
			ordinal(i), math.MinInt32, math.MaxInt32, string(appendJavaNumber(nil, v.Raw)))
	}
	return int64(r), nil
}

// wantTruncated takes a number and drops its fractional part, as Java's (int) cast does; AWS
// reads the integer arguments of ArrayPartition, ArrayRange, ArrayGetItem and MathRandom so
// (observed: ArrayRange(1.6, 1.4, 1) is [1], ArrayPartition(a, 2.6) cuts chunks of 2,
// ArrayGetItem(a, 1.2) is a[1], MathRandom(1.4, 1.6) fails as an empty range), while MathAdd
// rounds. The result must fit a Java int.
func (c *callNode) wantTruncated(args []gjson.Result, i int) (int64, error) {
	v := args[i]
	if v.Type != gjson.Number {
		return 0, c.fail("the %s argument must be a number, got %s", ordinal(i), typeName(v))
	}
	t := math.Trunc(v.Float())
	if !(t >= math.MinInt32 && t <= math.MaxInt32) {
		return 0, c.fail("the %s argument must be an integer between %d and %d, got %s",
			ordinal(i), math.MinInt32, math.MaxInt32, string(appendJavaNumber(nil, v.Raw)))
	}
	return int64(t), nil
}

// javaRound is Java's Math.round: the closest integer, halves rounded up (-2.5 -> -2).
func javaRound(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	r := math.Floor(x)
	if x-r >= 0.5 {
		r++
	}
	return r
}

// javaLength is a string's length as Java counts it (UTF-16 code units), which is what AWS's
// character limits count.
func javaLength(s string) int {
	n := 0
	for _, r := range s {
		if r == utf8.RuneError {
			n++
			continue
		}
		n += utf16.RuneLen(r)
	}
	return n
}
