package payload

import (
	"errors"
	"strings"
	"testing"

	"github.com/stepjet/stepjet/engine/failure"
	"github.com/stepjet/stepjet/engine/limits"
)

// TestCheckCompactDepth: every entry path refuses documents nested deeper than
// limits.MaxDepth, telling that apart from invalid JSON.
func TestCheckCompactDepth(t *testing.T) {
	deep := func(n int) []byte {
		return []byte(strings.Repeat(`{"a": [`, n/2) + "1" + strings.Repeat("] }", n/2))
	}
	if doc, err := CheckCompact(deep(limits.MaxDepth), "input"); err != nil || len(doc) == 0 {
		t.Fatalf("%d levels: %v", limits.MaxDepth, err)
	}
	var fe *failure.Error
	if _, err := CheckCompact(deep(limits.MaxDepth+2), "The input"); !errors.As(err, &fe) || fe.Name != failure.DataLimitExceeded {
		t.Fatalf("too deep: %v", err)
	}
	if _, ok := ValidCompact(deep(limits.MaxDepth + 2)); ok {
		t.Fatal("ValidCompact accepted a document deeper than the limit")
	}
	if _, err := CheckCompact([]byte(`{"a": [1,}`), "input"); err != ErrInvalidJSON {
		t.Fatalf("invalid: %v", err)
	}
}
