package triggers

import (
	"errors"
	"testing"

	"github.com/stepjet/stepjet/transport/wire"
)

func TestValidate(t *testing.T) {
	l := wire.Layout{}
	for subject, ok := range map[string]bool{
		"orders.placed": true, "orders.*": true, "events.>": true, "a": true,
		"": false, "orders..x": false, ".a": false, "a.": false, "a b": false, "a.>.b": false, "a.b*": false,
		"stepjet.start.x": false, "stepjet": false, ">": false, "*.x": false, "$JS.API.x": false, "_INBOX.x": false,
	} {
		err := Validate(l, subject)
		if (err == nil) != ok {
			t.Errorf("Validate(%q) = %v, want ok=%v", subject, err, ok)
		}
		if err != nil && !errors.Is(err, ErrInvalidSubject) {
			t.Errorf("Validate(%q): %v is not ErrInvalidSubject", subject, err)
		}
	}
	if Validate(wire.Layout{Prefix: "acme"}, "stepjet.x") != nil {
		t.Error("another prefix's subjects are fine")
	}
}

func FuzzValidate(f *testing.F) {
	f.Add("orders.placed")
	f.Add("a.>.b")
	f.Fuzz(func(t *testing.T, s string) {
		if Validate(wire.Layout{}, s) == nil {
			if s == "" || s[0] == '.' {
				t.Fatalf("accepted %q", s)
			}
		}
	})
}

func TestDecode(t *testing.T) {
	if _, ok := Decode([]byte(`{"subject":"a","machine":"m"}`)); !ok {
		t.Error("valid binding refused")
	}
	for _, v := range []string{``, `{}`, `{"subject":"a"}`, `[]`} {
		if _, ok := Decode([]byte(v)); ok {
			t.Errorf("%q accepted", v)
		}
	}
}
