// Command stepjet-bench measures stepjet end to end on this machine; see package
// github.com/stepjet/stepjet/bench/harness and docs/bench.md.
//
//	go run ./bench/cmd/stepjet-bench --json out.json --svg out.svg
package main

import (
	"os"

	"github.com/stepjet/stepjet/bench/harness"
)

func main() { os.Exit(harness.Main(os.Args[1:], os.Stdout, os.Stderr)) }
