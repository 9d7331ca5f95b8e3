package main

import (
	"io"

	"github.com/stepjet/stepjet/bench/harness"
)

func init() {
	register(command{
		name:    "bench",
		summary: "measure throughput, latency and concurrency on this machine (embedded NATS)",
		run: func(args []string, stdout, stderr io.Writer) int {
			return harness.Main(args, stdout, stderr)
		},
	})
}
