package intrinsics

import (
	"strconv"

	"github.com/tidwall/gjson"
)

// maxRangeItems is AWS's cap on the array States.ArrayRange may build.
const maxRangeItems = 1000

// States.Array(values...) returns its arguments as an array.
func statesArray(_ *callNode, args []gjson.Result) ([]byte, error) {
	n := 2
	for _, a := range args {
		n += len(a.Raw) + 1
	}
	out := make([]byte, 0, n)
	out = append(out, '[')
	for i, a := range args {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, a.Raw...)
	}
	return append(out, ']'), nil
}

// States.ArrayPartition(array, size) cuts the array into chunks of size items; the last chunk
// may be shorter. A fractional size is truncated (2.6 cuts chunks of 2); it must then be positive.
func statesArrayPartition(c *callNode, args []gjson.Result) ([]byte, error) {
	if err := c.wantArray(args, 0); err != nil {
		return nil, err
	}
	size, err := c.wantTruncated(args, 1)
	if err != nil {
		return nil, err
	}
	if size <= 0 {
		return nil, c.fail("the chunk size must be a positive integer, got %d", size)
	}
	out := make([]byte, 0, len(args[0].Raw)+16)
	out = append(out, '[')
	var n int64
	args[0].ForEach(func(_, e gjson.Result) bool {
		switch {
		case n == 0:
			out = append(out, '[')
		case n%size == 0:
			out = append(out, ']', ',', '[')
		default:
			out = append(out, ',')
		}
		out = append(out, e.Raw...)
		n++
		return true
	})
	if n > 0 {
		out = append(out, ']')
	}
	return append(out, ']'), nil
}

// States.ArrayContains(array, value) reports whether the array holds a value equal to the given
// one, comparing as Java compares JSON values (deepEqual).
func statesArrayContains(c *callNode, args []gjson.Result) ([]byte, error) {
	if err := c.wantArray(args, 0); err != nil {
		return nil, err
	}
	found := false
	args[0].ForEach(func(_, e gjson.Result) bool {
		found = deepEqual(e, args[1])
		return !found
	})
	return strconv.AppendBool(nil, found), nil
}

// States.ArrayRange(start, end, step) counts from start to end inclusive by step. Non-integer
// arguments are truncated, as AWS does (ArrayRange(1.6, 1.4, 1) is [1]); the step must not be
// zero and the result may hold at most 1000 items. A step pointing away from end gives an empty
// array.
func statesArrayRange(c *callNode, args []gjson.Result) ([]byte, error) {
	var v [3]int64
	for i := range v {
		n, err := c.wantTruncated(args, i)
		if err != nil {
			return nil, err
		}
		v[i] = n
	}
	start, end, step := v[0], v[1], v[2]
	if step == 0 {
		return nil, c.fail("the step (third argument) must not be zero")
	}
	var count int64
	if step > 0 && end >= start {
		count = (end-start)/step + 1
	} else if step < 0 && end <= start {
		count = (start-end)/(-step) + 1
	}
	if count > maxRangeItems {
		return nil, c.fail("the range would hold %d items, more than the %d allowed", count, maxRangeItems)
	}
	out := make([]byte, 0, 2+count*5)
	out = append(out, '[')
	for i := int64(0); i < count; i++ {
		if i > 0 {
			out = append(out, ',')
		}
		out = strconv.AppendInt(out, start+i*step, 10)
	}
	return append(out, ']'), nil
}

// States.ArrayGetItem(array, index) returns the item at a zero-based index; a fractional index
// is truncated. An index out of bounds fails, except that AWS answers null for any index into an
// empty array.
func statesArrayGetItem(c *callNode, args []gjson.Result) ([]byte, error) {
	if err := c.wantArray(args, 0); err != nil {
		return nil, err
	}
	idx, err := c.wantTruncated(args, 1)
	if err != nil {
		return nil, err
	}
	if idx >= 0 && len(args[0].Array()) == 0 {
		return []byte("null"), nil
	}
	var item gjson.Result
	var n int64
	args[0].ForEach(func(_, e gjson.Result) bool {
		if n == idx {
			item = e
		}
		n++
		return n <= idx
	})
	if idx < 0 || item.Raw == "" {
		if idx >= 0 {
			n = int64(len(args[0].Array()))
		}
		return nil, c.fail("the index %d is out of bounds for an array of length %d", idx, n)
	}
	return []byte(item.Raw), nil
}

// States.ArrayLength(array) returns the number of items.
func statesArrayLength(c *callNode, args []gjson.Result) ([]byte, error) {
	if err := c.wantArray(args, 0); err != nil {
		return nil, err
	}
	var n int64
	args[0].ForEach(func(_, _ gjson.Result) bool { n++; return true })
	return strconv.AppendInt(nil, n, 10), nil
}

// States.ArrayUnique(array) drops repeated values, keeping each one's first occurrence.
func statesArrayUnique(c *callNode, args []gjson.Result) ([]byte, error) {
	if err := c.wantArray(args, 0); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var key []byte
	out := make([]byte, 0, len(args[0].Raw))
	out = append(out, '[')
	args[0].ForEach(func(_, e gjson.Result) bool {
		key = appendEqualityKey(key[:0], e)
		if seen[string(key)] {
			return true
		}
		seen[string(key)] = true
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = append(out, e.Raw...)
		return true
	})
	return append(out, ']'), nil
}
