//go:build !linux

package bench

import "time"

// threadCPU is not read on this system: BenchmarkOrderPair reports wall-clock time only.
func threadCPU() (time.Duration, bool) { return 0, false }
