package engine_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stepjet/stepjet/engine"
)

// countingGate is engine.NewGate(n) that records the most threads it ever held at once.
type countingGate struct {
	engine.Gate
	in, most atomic.Int32
}

func (g *countingGate) Enter(ctx context.Context) error {
	if err := g.Gate.Enter(ctx); err != nil {
		return err
	}
	n := g.in.Add(1)
	for m := g.most.Load(); n > m && !g.most.CompareAndSwap(m, n); m = g.most.Load() {
	}
	return nil
}

func (g *countingGate) Leave() { g.in.Add(-1); g.Gate.Leave() }

// A gate of n slots never lets more than n threads compute, and a thread waiting on a task, a
// Wait or its branches holds no slot: with one slot, two Parallel branches whose tasks can only
// finish together (each waits for the other to be invoked) still complete.
func TestGate(t *testing.T) {
	for _, tc := range []struct {
		name, def string
		slots     int
	}{
		{"tasks wait outside the gate", `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
			{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:meet","End":true}}},
			{"StartAt":"B","States":{"B":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:meet","End":true}}}]}}}`, 1},
		{"map iterations take turns", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","End":true,
			"ItemProcessor":{"StartAt":"A","States":{
				"A":{"Type":"Pass","Next":"W"},
				"W":{"Type":"Wait","Seconds":0,"Next":"B"},
				"B":{"Type":"Pass","End":true}}}}}}`, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := engine.Compile([]byte(tc.def), engine.CompileOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var arrived sync.WaitGroup
			arrived.Add(2)
			if !strings.Contains(tc.def, "meet") {
				arrived.Add(-2)
			}
			both := make(chan struct{})
			go func() { arrived.Wait(); close(both) }()
			meet := engine.TaskFunc(func(ctx context.Context, _ engine.TaskRequest) ([]byte, error) {
				arrived.Done()
				select { // both branches' tasks are invoked at once, or neither ends
				case <-both:
					return []byte(`"met"`), nil
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			})
			g := &countingGate{Gate: engine.NewGate(tc.slots)}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second) // a deadlock ends here
			defer cancel()
			res := m.Run(ctx, []byte(`{"items":[1,2,3,4,5,6,7,8,9,10,11,12]}`), engine.RunOptions{
				Tasks: engine.Funcs{"arn:aws:lambda:us-east-1:123456789012:function:meet": meet}, Gate: g})
			if res.Status != engine.StatusSucceeded {
				t.Fatalf("status %s: %s %s", res.Status, res.Error, res.Cause)
			}
			if most := g.most.Load(); most > int32(tc.slots) {
				t.Errorf("%d threads computed at once through a gate of %d", most, tc.slots)
			}
			if in := g.in.Load(); in != 0 {
				t.Errorf("%d slots still held after the run", in)
			}
		})
	}
}
