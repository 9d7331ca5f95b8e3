package engine

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkCompile measures Compile (validation and compilation) on the bench workloads and the
// largest example, to show what reading the definition once into one tree costs against the two
// readers it replaced (docs/bench.md, "Compiling a definition").
func BenchmarkCompile(b *testing.B) {
	for _, f := range []string{
		"../bench/testdata/order.asl.json",
		"../bench/testdata/order-jsonata.asl.json",
		"../bench/testdata/chain100.asl.json",
		"../examples/ecommerce/order-processing.asl.json",
	} {
		def, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(filepath.Base(f), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(def)))
			for b.Loop() {
				if _, err := Compile(def, CompileOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
