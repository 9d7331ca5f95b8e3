package validate

import (
	"bytes"
	"errors"
	"io"
	"strconv"

	"github.com/go-json-experiment/json/jsontext"
)

// kind is the JSON type of a node.
type kind byte

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindObject
	kindArray
)

// node is one parsed JSON value. Objects keep their members in document order (duplicates
// included, so the validator can name them); numbers keep their source text.
type node struct {
	kind    kind
	boolean bool
	text    string // string value, or the number's source text
	members []member
	items   []*node
}

type member struct {
	key string
	val *node
}

// get returns the first member named key, or nil.
func (n *node) get(key string) *node {
	if n == nil || n.kind != kindObject {
		return nil
	}
	for i := range n.members {
		if n.members[i].key == key {
			return n.members[i].val
		}
	}
	return nil
}

func (n *node) has(key string) bool { return n.get(key) != nil }

// duplicateError says an object holds the same key twice; offset is where the second one ends.
type duplicateError struct {
	key    string
	offset int64
	states bool   // the object is a States map: two states share a name
	loc    string // JSON pointer of the object holding the key
}

func (e *duplicateError) Error() string { return "duplicate field " + e.key }

// parse reads exactly one JSON value. It is strict: invalid UTF-8, invalid escapes and trailing
// content are errors, and a key repeated in one object is a *duplicateError.
func parse(def []byte) (*node, error) {
	dec := jsontext.NewDecoder(bytes.NewReader(def), jsontext.AllowDuplicateNames(true))
	root, err := readValue(dec, "", false)
	if err != nil {
		return nil, err
	}
	if _, err := dec.ReadToken(); !errors.Is(err, io.EOF) {
		if err == nil {
			err = errors.New("trailing content")
		}
		return nil, err
	}
	return root, nil
}

// readValue builds the node for the next value; statesMap marks the object under a "States" key,
// whose duplicate keys are duplicate state names.
func readValue(dec *jsontext.Decoder, loc string, statesMap bool) (*node, error) {
	tok, err := dec.ReadToken()
	if err != nil {
		return nil, err
	}
	switch tok.Kind() {
	case 'n':
		return &node{kind: kindNull}, nil
	case 't', 'f':
		return &node{kind: kindBool, boolean: tok.Bool()}, nil
	case '"':
		return &node{kind: kindString, text: tok.String()}, nil
	case '0':
		return &node{kind: kindNumber, text: tok.String()}, nil
	case '{':
		n := &node{kind: kindObject}
		seen := map[string]bool{}
		for dec.PeekKind() != '}' {
			kt, err := dec.ReadToken()
			if err != nil {
				return nil, err
			}
			key := kt.String()
			if seen[key] {
				return nil, &duplicateError{key: key, offset: dec.InputOffset(), states: statesMap, loc: loc}
			}
			seen[key] = true
			v, err := readValue(dec, loc+"/"+key, key == "States")
			if err != nil {
				return nil, err
			}
			n.members = append(n.members, member{key, v})
		}
		if _, err := dec.ReadToken(); err != nil {
			return nil, err
		}
		return n, nil
	case '[':
		n := &node{kind: kindArray}
		for dec.PeekKind() != ']' {
			v, err := readValue(dec, loc+"["+strconv.Itoa(len(n.items))+"]", false)
			if err != nil {
				return nil, err
			}
			n.items = append(n.items, v)
		}
		if _, err := dec.ReadToken(); err != nil {
			return nil, err
		}
		return n, nil
	}
	return nil, errors.New("unexpected token")
}
