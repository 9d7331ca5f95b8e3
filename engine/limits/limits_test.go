package limits

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stepjet/stepjet/engine/failure"
)

func TestDepthExceeds(t *testing.T) {
	cases := []struct {
		s    string
		max  int
		want bool
	}{
		{`[[1]]`, 2, false},
		{`[[[1]]]`, 2, true},
		{`{"a":{"b":[]}}`, 3, false},
		{`{"a":"[[[[[[","b":"\"[[["}`, 1, false}, // brackets in strings do not count
		{`[1],[2],[3]`, 1, false},                // depth, not count
	}
	for _, c := range cases {
		if got := DepthExceeds(c.s, c.max); got != c.want {
			t.Errorf("DepthExceeds(%s, %d) = %v", c.s, c.max, got)
		}
	}
}

func TestMeter(t *testing.T) {
	m := (&Budget{Bytes: 10, Items: 2}).Meter()
	if m.Bytes(10) != nil || m.Items(2) != nil {
		t.Fatal("within the budget")
	}
	var fe *failure.Error
	if err := m.Bytes(1); !errors.As(err, &fe) || fe.Name != failure.DataLimitExceeded || !strings.Contains(fe.Cause, "10 bytes") {
		t.Fatalf("over: %v", err)
	}
	// The zero budget has the defaults and no deadline.
	var nilBudget *Budget
	if nilBudget.MaxBytes() != EvalBytes || nilBudget.MaxItems() != EvalItems || nilBudget.Context() == nil {
		t.Fatal("nil budget")
	}
	ctx, cancel := context.WithCancel(context.Background())
	m = (&Budget{Ctx: ctx}).Meter()
	cancel()
	var err error
	for i := 0; i < 2*tickEvery && err == nil; i++ {
		err = m.Tick()
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Tick after cancel: %v", err)
	}
}

// TestPool: the evaluations of one execution that run at once share PoolFactor times one
// evaluation's limits, and give back what they drew when they end.
func TestPool(t *testing.T) {
	var pool Pool
	b := &Budget{Bytes: 1 << 20, Pool: &pool}
	meters := make([]Meter, PoolFactor+1)
	var err error
	for i := range meters {
		meters[i] = b.Meter()
		if err = meters[i].Bytes(1<<20 - 1); err != nil {
			break
		}
	}
	var fe *failure.Error
	if !errors.As(err, &fe) || !strings.Contains(fe.Cause, "together") {
		t.Fatalf("%d evaluations of almost 1 MiB each: %v", len(meters), err)
	}
	for i := range meters {
		meters[i].Release()
	}
	if by, it := pool.InUse(); by != 0 || it != 0 {
		t.Fatalf("after release the pool holds %d bytes, %d items", by, it)
	}
}
