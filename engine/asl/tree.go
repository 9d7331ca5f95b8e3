// Package asl reads a state machine definition (Amazon States Language) once, into one tree of
// positioned nodes that the validator (engine/validate) and the compiler (engine.Compile) both
// walk, as text/template/parse builds one tree that execution, escaping and printing all consume.
//
// Two readers of the same text disagree sooner or later: one takes the last of two equal keys and
// the other the first, one reads "{% 3 %}" as absent and the other as an expression. With one tree
// there is one answer to "what does this field hold", and each node knows where it stands in the
// definition, so a diagnostic from either reader names the same place.
//
// The tree keeps what both readers need and nothing more:
//   - object members in document order (schema messages follow the order the author wrote);
//   - numbers as their source text (AWS checks "1.0" against an Integer field by its text);
//   - each value's raw bytes (payload templates compile from them without re-marshalling);
//   - each node's place, as AWS writes diagnostic locations (Location: /States/A/Choices[0]/Next)
//     and as a JSON pointer (Pointer: /States/A/Choices/0/Next).
//
// Parsing is strict, as AWS's Jackson reader is: invalid UTF-8, invalid escapes and trailing
// content are errors, and a key repeated in one object is a *DuplicateError (AWS refuses such a
// definition; which copy would win is never decided). The tree is immutable once Parse returns
// and may be shared across goroutines.
//
// Example:
//
//	root, err := asl.Parse([]byte(`{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`))
//	if err != nil { ... }
//	a := root.Get("States").Get("A")
//	a.Get("Type").Text       // "Pass"
//	a.Get("End").Location()  // "/States/A/End"
package asl

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// Kind is the JSON type of a node.
type Kind byte

// The JSON types.
const (
	Null Kind = iota
	Boolean
	Number
	String
	Object
	Array
)

// Node is one JSON value of the definition.
type Node struct {
	Kind Kind
	// Bool is a Boolean's value.
	Bool bool
	// Text is a String's value, or a Number's source text ("1.0" stays "1.0").
	Text string
	// Members are an Object's members in document order.
	Members []Member
	// Items are an Array's elements.
	Items []*Node
	// Raw is the value exactly as written, from its first byte to its last (no surrounding
	// space). It aliases Parse's own copy of the definition: do not modify it.
	Raw []byte

	parent *Node  // nil for the root
	key    string // the member name under an Object parent
	index  int    // the position under an Array parent
}

// Member is one name/value pair of an Object.
type Member struct {
	Key string
	Val *Node
}

// Get returns the value of the member named key, or nil when n is not an Object or has no such
// member. A nil n has no members, so lookups chain: root.Get("States").Get("A").
func (n *Node) Get(key string) *Node {
	if n == nil || n.Kind != Object {
		return nil
	}
	for i := range n.Members {
		if n.Members[i].Key == key {
			return n.Members[i].Val
		}
	}
	return nil
}

// Has reports whether n is an Object with a member named key.
func (n *Node) Has(key string) bool { return n.Get(key) != nil }

// IsNull reports whether n is a JSON null (a nil n is absent, not null).
func (n *Node) IsNull() bool { return n != nil && n.Kind == Null }

// Str returns a String's value; ok is false for any other kind (or a nil n).
func (n *Node) Str() (s string, ok bool) {
	if n == nil || n.Kind != String {
		return "", false
	}
	return n.Text, true
}

// Float returns a Number's value; ok is false for any other kind (or a nil n).
func (n *Node) Float() (f float64, ok bool) {
	if n == nil || n.Kind != Number {
		return 0, false
	}
	f, err := strconv.ParseFloat(n.Text, 64)
	return f, err == nil
}

// Location is where n stands in the definition as AWS writes diagnostic locations: member names
// after "/", array positions in brackets, "" for the root ("/States/A/Choices[0]/Next").
func (n *Node) Location() string { return n.place(true) }

// Pointer is where n stands as a JSON pointer, array positions as segments
// ("/States/P/Branches/1"), "" for the root. Names are not escaped (AWS's locations never are,
// and state names hold no "/" in practice); it is for reading, not for resolving.
func (n *Node) Pointer() string { return n.place(false) }

func (n *Node) place(brackets bool) string {
	if n == nil || n.parent == nil {
		return ""
	}
	var segs []*Node
	for p := n; p.parent != nil; p = p.parent {
		segs = append(segs, p)
	}
	var b strings.Builder
	for i := len(segs) - 1; i >= 0; i-- {
		s := segs[i]
		switch {
		case s.parent.Kind == Object:
			b.WriteByte('/')
			b.WriteString(s.key)
		case brackets:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
		default:
			b.WriteByte('/')
			b.WriteString(strconv.Itoa(s.index))
		}
	}
	return b.String()
}

// DuplicateError says an object holds the same key twice.
type DuplicateError struct {
	Key string
	// Offset is the byte offset in the definition just after the second occurrence of Key.
	Offset int64
	// Object is the object holding Key, as far as it was read (its place is known).
	Object *Node
}

func (e *DuplicateError) Error() string { return "duplicate field " + strconv.Quote(e.Key) }

// StateNames reports whether the object is a States map, so the two members are two states of
// the same name (AWS's DUPLICATE_STATE_NAME rather than a JSON error).
func (e *DuplicateError) StateNames() bool {
	return e.Object != nil && e.Object.parent != nil && e.Object.parent.Kind == Object && e.Object.key == "States"
}

// Parse reads exactly one JSON value. Errors are a *DuplicateError, or jsontext's syntactic error
// (a *jsontext.SyntacticError carries the byte offset) for anything else.
func Parse(def []byte) (*Node, error) {
	src := bytes.Clone(def) // Raw slices alias this copy, never the caller's buffer
	p := &parser{src: src, dec: jsontext.NewDecoder(bytes.NewReader(src), jsontext.AllowDuplicateNames(true))}
	root := &Node{}
	if err := p.value(root); err != nil {
		return nil, err
	}
	if _, err := p.dec.ReadToken(); !errors.Is(err, io.EOF) {
		if err == nil {
			err = errors.New("trailing content")
		}
		return nil, err
	}
	return root, nil
}

type parser struct {
	src []byte
	dec *jsontext.Decoder
}

// value fills n (whose place is already set) from the next value.
// jsontext bounds the nesting depth, so the recursion is bounded too.
func (p *parser) value(n *Node) error {
	start := p.dec.InputOffset()
	tok, err := p.dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case 'n':
		n.Kind = Null
	case 't', 'f':
		n.Kind, n.Bool = Boolean, tok.Bool()
	case '"':
		n.Kind, n.Text = String, tok.String()
	case '0':
		n.Kind, n.Text = Number, tok.String()
	case '{':
		n.Kind = Object
		seen := map[string]bool{}
		for p.dec.PeekKind() != '}' {
			kt, err := p.dec.ReadToken()
			if err != nil {
				return err
			}
			key := kt.String()
			if seen[key] {
				return &DuplicateError{Key: key, Offset: p.dec.InputOffset(), Object: n}
			}
			seen[key] = true
			v := &Node{parent: n, key: key}
			if err := p.value(v); err != nil {
				return err
			}
			n.Members = append(n.Members, Member{key, v})
		}
		if _, err := p.dec.ReadToken(); err != nil {
			return err
		}
	case '[':
		n.Kind = Array
		for p.dec.PeekKind() != ']' {
			v := &Node{parent: n, index: len(n.Items)}
			if err := p.value(v); err != nil {
				return err
			}
			n.Items = append(n.Items, v)
		}
		if _, err := p.dec.ReadToken(); err != nil {
			return err
		}
	default:
		return errors.New("unexpected token")
	}
	// The decoder's offset before a value lies after the previous token, so what precedes the
	// value here is space and the ':' or ',' that separate it.
	n.Raw = bytes.TrimLeft(p.src[start:p.dec.InputOffset()], " \t\r\n:,")
	return nil
}
