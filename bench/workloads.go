package bench

import _ "embed"

// The order workload (../shared/bench), embedded so the harness (bench/harness, `stepjet bench`)
// runs from any directory.
var (
	//go:embed testdata/order.asl.json
	OrderDefinition []byte
	//go:embed testdata/order-input.json
	OrderInput []byte
	//go:embed testdata/order-expected-output.json
	OrderExpectedOutput []byte
)
