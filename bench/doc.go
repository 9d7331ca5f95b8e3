// Package bench holds stepjet's benchmarks on the fixed workloads of ../shared/bench (copied into
// testdata/): the order workflow, a 100-state Pass chain, and a Map over 10,000 items. Run them
// with
//
//	go test -run '^$' -bench . -benchmem ./bench/
//
// Each benchmark first checks one execution's output against the expected output, so a figure is
// never reported for a wrong answer.
package bench
