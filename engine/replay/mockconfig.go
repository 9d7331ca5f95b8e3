package replay

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// ResponseName is the MockedResponses entry that holds state's answers in test case testCase.
func ResponseName(testCase, state string) string { return testCase + "/" + state }

// MockConfig writes the recording's answers as an AWS Step Functions Local mock configuration
// (MockConfigFile.json): state machine machine, test case testCase, one mocked response per
// Task state with an entry per invocation index ("0", or a range "1-3" of equal answers). An
// invocation the history has no answer for (the execution ended while it ran) has no entry.
// The output is indented JSON, the same for the same recording.
func (r *Recording) MockConfig(machine, testCase string) []byte {
	var b bytes.Buffer
	b.WriteString(`{"StateMachines":{`)
	writeString(&b, machine)
	b.WriteString(`:{"TestCases":{`)
	writeString(&b, testCase)
	b.WriteString(`:{`)
	var mocked []string // the states with an answer: one with none has no response to name
	for _, st := range r.states {
		if r.anyAnswer(st) {
			mocked = append(mocked, st)
		}
	}
	for n, st := range mocked {
		if n > 0 {
			b.WriteByte(',')
		}
		writeString(&b, st)
		b.WriteByte(':')
		writeString(&b, ResponseName(testCase, st))
	}
	b.WriteString(`}}}},"MockedResponses":{`)
	for n, st := range mocked {
		if n > 0 {
			b.WriteByte(',')
		}
		writeString(&b, ResponseName(testCase, st))
		b.WriteString(":{")
		calls := r.calls[st]
		m := 0
		for i := 0; i < len(calls); {
			a := calls[i].answer
			j := i + 1
			for j < len(calls) && a != nil && a.equal(calls[j].answer) {
				j++
			}
			if a != nil {
				if m > 0 {
					b.WriteByte(',')
				}
				m++
				key := strconv.Itoa(i)
				if j-1 > i {
					key += "-" + strconv.Itoa(j-1)
				}
				writeString(&b, key)
				b.WriteByte(':')
				writeAnswer(&b, a)
			}
			i = j
		}
		b.WriteByte('}')
	}
	b.WriteString("}}")
	var out bytes.Buffer
	if err := json.Indent(&out, b.Bytes(), "", "  "); err != nil {
		// Every piece above is valid JSON (answers were checked when read): unreachable.
		return b.Bytes()
	}
	out.WriteByte('\n')
	return out.Bytes()
}

func (r *Recording) anyAnswer(state string) bool {
	for _, c := range r.calls[state] {
		if c.answer != nil {
			return true
		}
	}
	return false
}

func writeString(b *bytes.Buffer, s string) {
	q, _ := json.Marshal(s) // a string always marshals
	b.Write(q)
}

func writeAnswer(b *bytes.Buffer, a *Answer) {
	if a.Throw != nil {
		b.WriteString(`{"Throw":{"Error":`)
		writeString(b, a.Throw.Error)
		b.WriteString(`,"Cause":`)
		writeString(b, a.Throw.Cause)
		b.WriteString("}}")
		return
	}
	b.WriteString(`{"Return":`)
	b.Write(a.Return)
	b.WriteByte('}')
}
