package jsonata

// StatesMembers is a Bindings that can also give $states member by member. A Scope over one
// reads "$states.<field>" from the member alone: the engine need not write the whole $states
// object (the state input, the context object, the result) for each state, nor build the
// context object when no expression reads it, and the Scope need not scan all of it to find
// one member.
//
// Lookup("states") must still return the whole object: exactly the members StatesMember
// lists, in that order, with the values StatesValue returns. $states always exists.
type StatesMembers interface {
	Bindings
	// StatesMember returns the name of the i-th member of $states (from 0) and what is known
	// of its value without a check; ok is false past the last member.
	StatesMember(i int) (name string, known Known, ok bool)
	// StatesValue returns the JSON of the i-th member.
	StatesValue(i int) []byte
}

// Known is what a Bindings vouches for about a member of $states, so that the Scope need not
// read it to find out.
type Known uint8

const (
	// Unchecked: the member is read strictly before use.
	Unchecked Known = iota
	// KnownValid: the member is one valid JSON value, as a lenient reading finds it: where
	// it ends is sure, and it is read strictly when used.
	KnownValid
	// KnownStrict: the member is valid JSON as the strict reading finds it (RFC 8259, valid
	// UTF-8, nested at most limits.MaxDepth deep): it is indexed without a strict read.
	KnownStrict
	// KnownCanonical: the member is Canonical (valid, compact, no repeated keys, strings and
	// numbers as JSON.stringify writes them): it is indexed without a strict read and copied
	// as it is.
	KnownCanonical
)

// statesPart is one member of $states read through StatesMembers.
type statesPart struct {
	name    string
	known   Known // vouched for by the Bindings
	fetched bool
	v       scopeVar
}

// statesParts lists the members of $states, their values not yet fetched.
func (s *Scope) statesParts() []statesPart {
	d := &s.states
	if !d.listed {
		d.listed = true
		if d.parts == nil {
			d.parts = make([]statesPart, 0, 4)
		}
		for i := 0; ; i++ {
			name, known, ok := d.members.StatesMember(i)
			if !ok {
				break
			}
			d.parts = append(d.parts, statesPart{name: name, known: known})
		}
	}
	return d.parts
}

// fetch returns the i-th member's value.
func (s *Scope) fetch(i int) *scopeVar {
	p := &s.states.parts[i]
	if !p.fetched {
		p.fetched = true
		// The member's text as a lenient reading of the whole object gives it (gjson's Raw):
		// without the whitespace around it.
		text := trimSpace(bytesString(s.states.members.StatesValue(i)))
		p.v = scopeVar{str: text, hasStr: true, found: true}
		if text != "" {
			// Vouched for: the first step indexes it without a strict read (checked).
			p.v.canon = p.known == KnownCanonical
			p.v.strict = p.known == KnownStrict
		}
	}
	return &p.v
}

// statesMember returns member name of $states read on its own. ok is false when it cannot be
// read so, and $states must be read whole: there are no members to read from, or the member
// or one before it is not plain, valid JSON — reading the whole object leniently, as statesIndex
// does, would then find other boundaries than the members have.
func (s *Scope) statesMember(name string) (v *scopeVar, found, ok bool) {
	i, found, ok := s.statesMemberIndex(name)
	if !ok || !found {
		return nil, found, ok
	}
	return &s.states.parts[i].v, true, true
}

func (s *Scope) statesMemberIndex(name string) (i int, found, ok bool) {
	d := &s.states
	if d.members == nil || d.partsOff {
		return 0, false, false
	}
	parts := s.statesParts()
	for i := range parts {
		p := &parts[i]
		if p.name != name && p.known != Unchecked {
			continue
		}
		v := s.fetch(i)
		if p.known == Unchecked && !s.checked(v) {
			d.partsOff = true
			return 0, false, false
		}
		if p.name == name {
			return i, true, true
		}
	}
	return 0, false, true // $states has no such member: undefined
}

// statesMembersInto sets in obj the members of $states that fields name, in their order in
// $states, read on their own. ok is false, with obj untouched, when they cannot be read so
// (see statesMember).
func (s *Scope) statesMembersInto(obj orderedSetter, fields []string) (ok bool, err error) {
	if s.states.members == nil || s.states.partsOff {
		return false, nil
	}
	// Read (and check) every member first, so that a fallback leaves obj empty.
	var buf [4]int
	idx := buf[:0]
	for i, p := range s.statesParts() {
		for _, want := range fields {
			if p.name == want {
				if _, _, ok := s.statesMemberIndex(want); !ok {
					return false, nil
				}
				idx = append(idx, i)
				break
			}
		}
	}
	for _, i := range idx {
		p := &s.states.parts[i]
		val, err := p.v.value()
		if err != nil {
			return true, err
		}
		obj.Set(p.name, val)
	}
	return true, nil
}

// hasStates reports whether $states is bound.
func (s *Scope) hasStates() bool {
	if s.states.members != nil {
		return true
	}
	s.lookupStates()
	return s.states.found
}

// trimSpace is text without the JSON whitespace around it.
func trimSpace(text string) string {
	text = text[skipSpace(text, 0):]
	end := len(text)
	for end > 0 && (text[end-1] == ' ' || text[end-1] == '\t' || text[end-1] == '\n' || text[end-1] == '\r') {
		end--
	}
	return text[:end]
}
