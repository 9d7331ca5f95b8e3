package jsonpath

import (
	"fmt"
	"strings"
	"testing"
)

// benchDoc is a ~1 KiB state input: a few scalars, a nested object and an array of orders.
var benchDoc = func() []byte {
	var b strings.Builder
	b.WriteString(`{"id":"exec-0001","customer":{"name":"Ada Lovelace","email":"ada@example.com","tier":"gold","address":{"city":"London","zip":"N1 9GU"}},"orders":[`)
	for i := range 8 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"sku":"SKU-%04d","qty":%d,"price":%d.99,"status":"%s"}`, i, i+1, 10*i+5, []string{"open", "shipped"}[i%2])
	}
	b.WriteString(`],"flags":{"express":true,"gift":false},"note":"` + strings.Repeat("x", 300) + `"}`)
	return []byte(b.String())
}()

func BenchmarkEvalDefinite(b *testing.B) {
	p := MustCompile("$.customer.address.city")
	b.ReportAllocs()
	b.SetBytes(int64(len(benchDoc)))
	for b.Loop() {
		if _, err := p.Eval(benchDoc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEvalDefiniteIndex(b *testing.B) {
	p := MustCompile("$.orders[-1].price")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Eval(benchDoc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEvalFilter(b *testing.B) {
	p := MustCompile("$.orders[?(@.qty > 2 && @.status == 'open')].sku")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Eval(benchDoc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEvalDeepScan(b *testing.B) {
	p := MustCompile("$..sku")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Eval(benchDoc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSetNew(b *testing.B) {
	p := MustCompile("$.result.payload")
	v := []byte(`{"ok":true,"n":42}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Set(benchDoc, p, v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSetReplace(b *testing.B) {
	p := MustCompile("$.customer.tier")
	v := []byte(`"platinum"`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Set(benchDoc, p, v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile("$.orders[?(@.qty > 2 && @.status == 'open')].sku"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSetMember is the common ResultPath, one new top-level member ($.result), by the
// fast route and by the general one.
func BenchmarkSetMember(b *testing.B) {
	p := MustCompile("$.result")
	v := []byte(`{"ok":true,"n":42}`)
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Set(benchDoc, p, v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("general", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := setPath(benchDoc, p, v); err != nil {
				b.Fatal(err)
			}
		}
	})
}
