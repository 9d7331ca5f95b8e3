package jsonata

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/stepjet/stepjet/engine/limits"
	"hash"
	"hash/fnv"
	"math"
	mrand "math/rand/v2"
	"reflect"
	"strconv"
	"time"

	"github.com/stepjet/stepjet/engine/jsonata/internal/gnata"

	"github.com/stepjet/stepjet/internal/ids"
)

// builtin is the shape of a gnata function: evaluated arguments and the context value.
type builtin = func(args []any, focus any) (any, error)

// awsFunctions are the functions Step Functions adds to JSONata. They are bound per
// evaluation, only when an expression names them, as gnata values of its internal function type.
var awsFunctions = map[string]any{}

// hidden are JSONata functions Step Functions does not offer: naming them yields undefined, and
// calling them fails with T1006 as on AWS.
var hidden = map[string]bool{"eval": true}

func init() {
	impls := map[string]builtin{
		"partition": fnPartition,
		"range":     fnRange,
		"hash":      fnHash,
		"random":    fnRandom,
		"uuid":      fnUUID,
		"parse":     fnParse,
		"now":       fnNow,
		"pad":       fnPad,
	}
	// gnata only exports a way to register functions that first converts their arguments to
	// plain Go maps (losing key order). Take the type of a function it registered and convert
	// ours to it, so ours receive gnata's values unchanged.
	env := gnata.NewCustomEnv(map[string]gnata.CustomFunc{"probe": func([]any, any) (any, error) { return nil, nil }})
	probe, _ := env.Lookup("probe")
	fnType := reflect.TypeOf(probe)
	if now, ok := env.Lookup("now"); ok && reflect.TypeOf(now) == fnType {
		gnataNow = reflect.ValueOf(now)
	}
	for name, impl := range impls {
		awsFunctions[name] = reflect.ValueOf(impl).Convert(fnType).Interface()
	}
}

// gnataNow is gnata's own $now, which formats with a picture string.
var gnataNow reflect.Value

// fnNow is $now([picture [, timezone]]). Without a picture JSONata writes the time as
// JavaScript's Date.toISOString does, with milliseconds; gnata writes nanoseconds.
func fnNow(args []any, focus any) (any, error) {
	if len(args) == 0 || args[0] == nil || !gnataNow.IsValid() {
		return time.Now().UTC().Format("2006-01-02T15:04:05.000Z"), nil
	}
	out := gnataNow.Call([]reflect.Value{reflect.ValueOf(args), reflect.ValueOf(&focus).Elem()})
	err, _ := out[1].Interface().(error)
	return out[0].Interface(), err
}

// signatureError is JSONata's T0410 for a function of ours.
func signatureError(fn string, index int) error {
	return queryError("T0410", fmt.Sprintf("Argument %d of function %q does not match function signature", index, fn))
}

// toNumber reads a JSONata number.
func toNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		return f, err == nil
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	return 0, false
}

// toArray reads a JSONata array or sequence; a single value stands for an array of one, as
// JSONata's "a" signature type coerces it.
func toArray(v any) []any {
	switch x := v.(type) {
	case []any:
		return x
	case nil:
		return nil
	}
	if vals, _, ok := sequenceValues(v); ok {
		return vals
	}
	return []any{v}
}

// fnPartition is $partition(array, size): the array cut into chunks of size items, the last
// one possibly shorter.
func fnPartition(args []any, _ any) (any, error) {
	if len(args) != 2 {
		return nil, signatureError("partition", len(args)+1)
	}
	if args[0] == nil {
		return nil, nil
	}
	size, ok := toNumber(args[1])
	if !ok || size != math.Trunc(size) || size <= 0 {
		return nil, signatureError("partition", 2)
	}
	items := toArray(args[0])
	n := int(min(size, float64(len(items)+1)))
	out := make([]any, 0, (len(items)+n-1)/n)
	for i := 0; i < len(items); i += n {
		out = append(out, items[i:min(i+n, len(items))])
	}
	return out, nil
}

// maxRange bounds $range as JSONata bounds its ".." operator.
const maxRange = 1e7

// fnRange is $range(start, end, step): start, start+step, ... up to and including end. Like a
// JSONata sequence, one item comes out as that item and none as undefined (AWS answers
// $range(1, 9, 9) with 1).
func fnRange(args []any, _ any) (any, error) {
	if len(args) != 3 {
		return nil, signatureError("range", len(args)+1)
	}
	var n [3]float64
	for i := range n {
		f, ok := toNumber(args[i])
		if !ok || f != math.Trunc(f) {
			return nil, signatureError("range", i+1)
		}
		n[i] = f
	}
	start, end, step := n[0], n[1], n[2]
	if step == 0 {
		return nil, signatureError("range", 3)
	}
	count := math.Floor((end-start)/step) + 1
	if count <= 0 {
		return nil, nil
	}
	if count > maxRange {
		return nil, queryError("D2014", fmt.Sprintf("The size of the sequence allocated by the range operator (..) must not exceed 1e6.  Attempted to allocate %s.", strconv.FormatFloat(count, 'f', -1, 64)))
	}
	if count > limits.EvalItems {
		// More than one evaluation may build: refuse before allocating, not after.
		return nil, limits.Exceeded(limits.EvalItems, "items")
	}
	out := make([]any, 0, int(count))
	for v := start; (step > 0 && v <= end) || (step < 0 && v >= end); v += step {
		out = append(out, v)
	}
	if len(out) == 1 {
		return out[0], nil
	}
	return out, nil
}

// fnHash is $hash(value, algorithm): the lowercase hex digest of a string with MD5, SHA-1,
// SHA-256, SHA-384 or SHA-512.
func fnHash(args []any, _ any) (any, error) {
	if len(args) != 2 {
		return nil, signatureError("hash", len(args)+1)
	}
	if args[0] == nil {
		return nil, nil
	}
	s, ok := args[0].(string)
	if !ok {
		return nil, signatureError("hash", 1)
	}
	alg, ok := args[1].(string)
	if !ok {
		return nil, signatureError("hash", 2)
	}
	var h hash.Hash
	switch alg {
	case "MD5":
		h = md5.New()
	case "SHA-1":
		h = sha1.New()
	case "SHA-256":
		h = sha256.New()
	case "SHA-384":
		h = sha512.New384()
	case "SHA-512":
		h = sha512.New()
	default:
		return nil, queryError("", fmt.Sprintf("The hashing algorithm %q is not supported. Supported algorithms are: MD5, SHA-1, SHA-256, SHA-384, SHA-512", alg))
	}
	h.Write([]byte(s))
	return hex.EncodeToString(h.Sum(nil)), nil
}

// fnRandom is $random([seed]): a number in [0, 1); the same seed always gives the same number.
func fnRandom(args []any, _ any) (any, error) {
	if len(args) == 0 || args[0] == nil {
		return mrand.Float64(), nil
	}
	if len(args) > 1 {
		return nil, signatureError("random", 2)
	}
	h := fnv.New64a()
	switch x := args[0].(type) {
	case string:
		h.Write([]byte(x))
	default:
		f, ok := toNumber(x)
		if !ok {
			return nil, signatureError("random", 1)
		}
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(f))
		h.Write(b[:])
	}
	seed := h.Sum64()
	return mrand.New(mrand.NewPCG(seed, seed^0x9e3779b97f4a7c15)).Float64(), nil
}

// fnUUID is $uuid(): a random version 4 UUID.
func fnUUID(args []any, _ any) (any, error) {
	if len(args) != 0 {
		return nil, signatureError("uuid", 1)
	}
	return ids.New(), nil
}

// fnParse is $parse(jsonString): the JSON value the string holds.
func fnParse(args []any, _ any) (any, error) {
	if len(args) != 1 {
		return nil, signatureError("parse", len(args)+1)
	}
	if args[0] == nil {
		return nil, nil
	}
	s, ok := args[0].(string)
	if !ok {
		return nil, signatureError("parse", 1)
	}
	if limits.DepthExceeds(s, limits.MaxDepth) {
		return nil, limits.TooDeep("The argument of $parse")
	}
	if !json.Valid([]byte(s)) {
		return nil, queryError("", fmt.Sprintf("The string %s is not valid JSON", appendString(nil, s)))
	}
	return decode([]byte(s))
}
