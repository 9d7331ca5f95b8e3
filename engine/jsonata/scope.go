package jsonata

import (
	"unsafe"

	"github.com/stepjet/stepjet/engine/limits"
	"github.com/tidwall/gjson"
)

// Scope is the bindings of one evaluation context — typically one state entry: its Arguments,
// Output, Assign and Condition expressions all see the same $states and variables — with each
// binding looked up and decoded at most once, however many expressions read it.
//
// Pass a *Scope wherever a Bindings goes (Expr.Eval, EvalContext, and anything that hands its
// Bindings on to them, such as payload templates): Eval recognizes it and reuses the values it
// has decoded. With any other Bindings, Eval decodes what it needs afresh on every call.
//
// A Scope is a snapshot: it remembers what the Bindings returned the first time, so make a new
// one (or Reset it) when the bindings change, e.g. once a Task's result joins $states or when
// a catcher's $states.errorOutput appears. Values are never modified by evaluation, so results
// are the same as with fresh bindings. A Scope is not safe for concurrent use; it is meant to
// live for one state's evaluation on one goroutine. The zero Scope is ready after Reset.
//
// For example, a state's Output and Assign, which AWS evaluates with the same $states:
//
//	sc := jsonata.NewScope(b)
//	out, err := output.Eval(sc) // a payload template over the same Bindings interface
//	vars, err := assign.Eval(sc)
type Scope struct {
	b Bindings
	// vars are the variables looked up, in order; past len, what a Reset kept for reuse.
	vars   []namedVar
	states statesDoc
	// nodes index the objects and arrays plain paths have walked (rawindex.go), this phase's
	// and those carried from the phase before.
	nodes []rawNode
	// canonNow and canonPrev are the results this phase and the one before wrote that are
	// known canonical (markCanon).
	canonNow, canonPrev []canonMark
	// keys and scratch are scratch space for writing values out.
	keys    []string
	scratch []byte
	// merge is $merge's scratch space (compose.go), taken by the outermost $merge;
	// mergeIndex is where the members of what it wrote are.
	merge      merged
	mergeIndex []rawMember
	// mergeKeys and mergeAt are composite.splice's scratch space.
	mergeKeys []string
	mergeAt   []int
	// trusted says what the Scope carries from phase to phase keeps its bytes (TrustCarried).
	trusted bool
	// budget bounds the evaluations in this scope (SetBudget); meter counts the current one.
	budget *limits.Budget
	meter  limits.Meter
}

// SetBudget makes every evaluation in this scope stop when the budget's context ends and fail
// with States.DataLimitExceeded when it builds more than the budget allows. Without one, an
// evaluation has no deadline and the default limits. Reset keeps the budget.
func (s *Scope) SetBudget(b *limits.Budget) { s.budget = b }

// scopeVar is one binding: its raw JSON and, once an expression needed it, its decoded value.
type scopeVar struct {
	raw     []byte
	found   bool
	decoded bool
	val     any
	err     error
	// str is raw as a string, converted once: the decoder and the fast paths slice it without
	// copying. A member of $states has only str, a substring of the whole.
	str    string
	hasStr bool
	// check is 1 once the text is known to be valid JSON, -1 once known not to be.
	check int8
	// canon says the text is known Canonical: vouched for by the Bindings (Known), or found
	// so when checked; strict says it is known valid as the strict reading finds it.
	canon, strict bool
}

// known is what is known of the binding's text before it is read.
func (v *scopeVar) known() Known {
	switch {
	case v.canon:
		return KnownCanonical
	case v.strict:
		return KnownStrict
	}
	return Unchecked
}

type namedVar struct {
	name string
	v    *scopeVar
}

// text returns the binding's JSON text.
//
// The text shares raw's memory: a Bindings' values are documents the engine never changes
// once made (as the JSONPath side reads them, engine/payload/fetch.go), and a Scope lives
// for one state's evaluation. Everything Eval returns is written into a new buffer, so no
// result keeps the text.
func (v *scopeVar) text() string {
	if !v.hasStr {
		v.str, v.hasStr = bytesString(v.raw), true
	}
	return v.str
}

// bytesString is b as a string without a copy; b must not change while the string is used.
func bytesString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// statesDoc is $states, decoded by field: an expression that reads only $states.input does
// not pay for $states.context.
type statesDoc struct {
	raw     []byte
	asked   bool
	found   bool
	indexed bool
	fields  []statesField // in order of first appearance in raw
	all     scopeVar      // the whole of $states, for expressions that use it other than by field
	// members, when the Bindings offer them, gives $states member by member (states_members.go):
	// its object is then never built unless an expression uses $states whole.
	members  StatesMembers
	parts    []statesPart // listed once, then never grown: pointers into it stay valid
	listed   bool
	partsOff bool // a member was not plain JSON: read $states whole, as without members
}

type statesField struct {
	name string
	v    scopeVar
}

// NewScope returns a Scope over b.
func NewScope(b Bindings) *Scope {
	s := &Scope{b: b}
	s.states.members, _ = b.(StatesMembers)
	return s
}

// Reset makes s a fresh Scope over b, keeping its allocations. What the phase before indexed
// stays known for the documents it read, found by their memory: the engine never changes a
// document, so the same bytes in the same place are the same JSON (rawindex.go). Use a new
// Scope instead over Bindings whose values may change in place.
func (s *Scope) Reset(b Bindings) {
	s.b = b
	s.vars = s.vars[:0]
	s.states = statesDoc{fields: s.states.fields[:0], parts: s.states.parts[:0]}
	s.states.members, _ = b.(StatesMembers)
	s.carry()
}

// Lookup implements Bindings: it returns what the underlying Bindings gives, asking it only
// once per name.
func (s *Scope) Lookup(name string) ([]byte, bool) {
	if name == "states" {
		s.lookupStates()
		return s.states.raw, s.states.found
	}
	v := s.lookupVar(name)
	return v.raw, v.found
}

func (s *Scope) lookupStates() {
	if s.states.asked {
		return
	}
	s.states.asked = true
	if s.b != nil {
		s.states.raw, s.states.found = s.b.Lookup("states")
	}
}

func (s *Scope) lookupVar(name string) *scopeVar {
	for i := range s.vars {
		if s.vars[i].name == name {
			return s.vars[i].v
		}
	}
	var v *scopeVar
	if n := len(s.vars); n < cap(s.vars) && s.vars[:n+1][n].v != nil {
		s.vars = s.vars[:n+1] // a variable from before a Reset: reuse it
		v = s.vars[n].v
		*v = scopeVar{}
		s.vars[n].name = name
	} else {
		v = &scopeVar{}
		if s.vars == nil {
			s.vars = make([]namedVar, 0, 4)
		}
		s.vars = append(s.vars, namedVar{name, v})
	}
	if s.b != nil {
		v.raw, v.found = s.b.Lookup(name)
	}
	return v
}

// value returns a variable's decoded value.
func (v *scopeVar) value() (any, error) {
	if !v.decoded {
		v.decoded = true
		v.val, v.err = decodeString(v.text())
	}
	return v.val, v.err
}

// statesIndex lists the top-level members of $states. Like the fields an expression does not
// read, the members are found leniently (with gjson); each is decoded strictly when read.
func (s *Scope) statesIndex() []statesField {
	s.lookupStates()
	d := &s.states
	if d.indexed {
		return d.fields
	}
	d.indexed = true
	d.all.raw = d.raw
	gjson.Parse(d.all.text()).ForEach(func(k, v gjson.Result) bool {
		for i := range d.fields {
			if d.fields[i].name == k.Str { // a repeated key: the last value, at the first place
				d.fields[i].v = scopeVar{str: v.Raw, hasStr: true, found: true}
				return true
			}
		}
		d.fields = append(d.fields, statesField{name: k.Str, v: scopeVar{str: v.Raw, hasStr: true, found: true}})
		return true
	})
	return d.fields
}

// statesField returns the raw member name of $states, if there is one.
func (s *Scope) statesField(name string) (*scopeVar, bool) {
	if v, found, ok := s.statesMember(name); ok {
		return v, found
	}
	fields := s.statesIndex()
	for i := range fields {
		if fields[i].name == name {
			return &fields[i].v, true
		}
	}
	return nil, false
}

// statesValue returns $states as expression e needs it: the whole object decoded when e uses
// $states other than as "$states.<field>", else an object holding just the fields e reads.
func (s *Scope) statesValue(fields []string) (any, error) {
	if fields == nil {
		s.lookupStates()
		if !s.states.all.hasStr {
			s.states.all.raw = s.states.raw
		}
		return s.states.all.value()
	}
	obj := newObject()
	if obj == nil {
		return s.statesValueSlow(fields)
	}
	if ok, err := s.statesMembersInto(obj, fields); ok || err != nil {
		return obj, err
	}
	index := s.statesIndex()
	for i := range index {
		f := &index[i]
		for _, want := range fields {
			if f.name == want {
				v, err := f.v.value()
				if err != nil {
					return nil, err
				}
				obj.Set(f.name, v)
				break
			}
		}
	}
	return obj, nil
}

// statesValueSlow builds the partial $states as JSON text for gnata to decode, for a gnata
// version whose objects cannot be made directly.
func (s *Scope) statesValueSlow(fields []string) (any, error) {
	buf := make([]byte, 0, 64)
	buf = append(buf, '{')
	for _, f := range s.statesIndex() {
		for _, want := range fields {
			if f.name == want {
				if len(buf) > 1 {
					buf = append(buf, ',')
				}
				buf = appendString(buf, f.name)
				buf = append(buf, ':')
				buf = append(buf, f.v.text()...)
				break
			}
		}
	}
	buf = append(buf, '}')
	return decode(buf)
}
