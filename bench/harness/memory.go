package harness

import (
	"os"
	"runtime/metrics"
	"runtime/pprof"
)

// Memory is where the process's memory is at one moment, from runtime/metrics and
// /proc/self/status, in bytes. The classes add up to Total (the Go runtime's whole mapping);
// RSS also counts what the runtime mapped but the kernel has not paged in, and memory outside
// Go (none here).
type Memory struct {
	InFlight   int64 `json:"inflight"`   // the executor's in-flight gauge
	Goroutines int64 `json:"goroutines"` // /sched/goroutines
	RSS        int64 `json:"rss"`        // VmRSS
	// HeapObjects is the heap's objects, live and not yet swept (/memory/classes/heap/objects);
	// HeapLive the live ones as the last GC marked them (/gc/heap/live).
	HeapObjects int64 `json:"heap_objects"`
	HeapLive    int64 `json:"heap_live"`
	// HeapSpare is heap memory mapped and resident but holding no object
	// (/memory/classes/heap/free + unused): the GC's headroom and fragmentation.
	HeapSpare int64 `json:"heap_spare"`
	// Stacks are the goroutine stacks (/memory/classes/heap/stacks + os-stacks);
	// StackStart is the size a new goroutine's stack starts at (/gc/stack/starting-size, the
	// average scanned stack at the last GC).
	Stacks     int64 `json:"stacks"`
	StackStart int64 `json:"stack_start"`
	// Runtime is the runtime's own metadata (spans, GC bits, profiling buckets, ...).
	Runtime int64 `json:"runtime"`
	Total   int64 `json:"total"` // /memory/classes/total
}

var memorySamples = []string{
	"/sched/goroutines:goroutines",
	"/memory/classes/heap/objects:bytes",
	"/gc/heap/live:bytes",
	"/memory/classes/heap/free:bytes",
	"/memory/classes/heap/unused:bytes",
	"/memory/classes/heap/stacks:bytes",
	"/memory/classes/os-stacks:bytes",
	"/gc/stack/starting-size:bytes",
	"/memory/classes/metadata/mcache/free:bytes",
	"/memory/classes/metadata/mcache/inuse:bytes",
	"/memory/classes/metadata/mspan/free:bytes",
	"/memory/classes/metadata/mspan/inuse:bytes",
	"/memory/classes/metadata/other:bytes",
	"/memory/classes/profiling/buckets:bytes",
	"/memory/classes/other:bytes",
	"/memory/classes/total:bytes",
}

// ReadMemory reads the process's memory now (no GC).
func ReadMemory() Memory {
	s := make([]metrics.Sample, len(memorySamples))
	for i, name := range memorySamples {
		s[i].Name = name
	}
	metrics.Read(s)
	v := func(i int) int64 {
		if s[i].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return int64(s[i].Value.Uint64())
	}
	return Memory{
		Goroutines:  v(0),
		HeapObjects: v(1),
		HeapLive:    v(2),
		HeapSpare:   v(3) + v(4),
		Stacks:      v(5) + v(6),
		StackStart:  v(7),
		Runtime:     v(8) + v(9) + v(10) + v(11) + v(12) + v(13) + v(14),
		Total:       v(15),
		RSS:         ReadProc().RSS,
	}
}

// writeHeapProfile writes the heap profile (in-use and allocated, as of the last GC) to path.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
