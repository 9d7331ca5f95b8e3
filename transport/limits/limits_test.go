package limits_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/internal/testenv"
	"github.com/stepjet/stepjet/transport/limits"
	"github.com/stepjet/stepjet/transport/provision"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		tags map[string]string
		want limits.Limits
		bad  bool
	}{
		{nil, limits.Limits{}, false},
		{map[string]string{"team": "x"}, limits.Limits{}, false},
		{map[string]string{limits.TagConcurrency: "10"}, limits.Limits{Concurrency: 10}, false},
		{map[string]string{limits.TagConcurrency: " 7 ", limits.TagRate: "0.5"}, limits.Limits{Concurrency: 7, Rate: 0.5}, false},
		{map[string]string{limits.TagConcurrency: "0"}, limits.Limits{}, true},
		{map[string]string{limits.TagConcurrency: "100001"}, limits.Limits{}, true},
		{map[string]string{limits.TagConcurrency: "2.5"}, limits.Limits{}, true},
		{map[string]string{limits.TagRate: "0"}, limits.Limits{}, true},
		{map[string]string{limits.TagRate: "Inf"}, limits.Limits{}, true},
		{map[string]string{limits.TagRate: "NaN"}, limits.Limits{}, true},
		// An invalid tag leaves the other one in force.
		{map[string]string{limits.TagRate: "x", limits.TagConcurrency: "3"}, limits.Limits{Concurrency: 3}, true},
	} {
		got, err := limits.Parse(c.tags)
		if got != c.want || (err != nil) != c.bad {
			t.Errorf("Parse(%v) = %+v, %v; want %+v, error %v", c.tags, got, err, c.want, c.bad)
		}
	}
	if d := (limits.Limits{Rate: 4}).Interval(); d != 250*time.Millisecond {
		t.Errorf("interval at 4/s: %s", d)
	}
}

// TestRateBudgetIsSharedByExecutors: four takers on separate connections, each reserving start
// times in batches of 1 to 3, never get two times closer than the interval. (The times are
// taken, not waited for: 200 of them at 10/s reach 20 s ahead.)
func TestRateBudgetIsSharedByExecutors(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	names := limits.Names{Layout: env.Layout}
	if _, err := provision.EnsureBucket(ctx, env.JS, names.BucketConfig(1, true)); err != nil {
		t.Fatal(err)
	}
	const rate, interval = 10.0, 100 * time.Millisecond
	var mu sync.Mutex
	var times []time.Time
	var wg sync.WaitGroup
	for i := range 4 {
		js, err := jetstream.New(env.Connect())
		if err != nil {
			t.Fatal(err)
		}
		kv, err := js.KeyValue(ctx, names.Bucket())
		if err != nil {
			t.Fatal(err)
		}
		r := &limits.Rate{KV: kv}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 25 {
				n := 1 + (i+j)%3
				at, err := r.Reserve(ctx, "m.1", rate, n)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				for k := range n {
					times = append(times, at.Add(time.Duration(k)*interval))
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	for i := 1; i < len(times); i++ {
		if d := times[i].Sub(times[i-1]); d < interval {
			t.Fatalf("start times %d and %d are %s apart, under the interval %s", i-1, i, d, interval)
		}
	}
	// The budget is spent well into the future now: a try takes nothing.
	kv, _ := env.JS.KeyValue(ctx, names.Bucket())
	r := &limits.Rate{KV: kv}
	if ok, err := r.TryTake(ctx, "m.1", rate); err != nil || ok {
		t.Fatalf("TryTake with the budget spent: %v %v", ok, err)
	}
	if ok, err := r.TryTake(ctx, "other", rate); err != nil || !ok {
		t.Fatalf("TryTake of a fresh budget: %v %v", ok, err)
	}
}
