package engine

import (
	"strconv"

	"github.com/stepjet/stepjet/internal/ids"
)

// timeFormat is how AWS writes times in the context object: UTC with milliseconds.
const timeFormat = "2006-01-02T15:04:05.000Z"

// Defaults for the context object when RunOptions leave names out.
const (
	defaultRegion  = "us-east-1"
	defaultAccount = "123456789012"
)

// identity is who the execution is, with what RunOptions left out generated.
type identity struct {
	name, arn, smName, smArn string
}

// identity returns the execution's identity, made on first use.
func (ex *execution) identity() *identity {
	if id := ex.ids.Load(); id != nil {
		return id
	}
	o := &ex.opts
	id := &identity{name: o.Name, arn: o.ExecutionArn, smName: o.StateMachineName, smArn: o.StateMachineArn}
	if id.smName == "" {
		id.smName = "stateMachine"
	}
	if id.smArn == "" {
		id.smArn = "arn:aws:states:" + defaultRegion + ":" + defaultAccount + ":stateMachine:" + id.smName
	}
	if id.name == "" {
		id.name = ids.New()
	}
	if id.arn == "" {
		id.arn = "arn:aws:states:" + defaultRegion + ":" + defaultAccount + ":express:" + id.smName + ":" + id.name + ":" + ids.New()
	}
	ex.ids.CompareAndSwap(nil, id)
	return ex.ids.Load()
}

// head returns the members of the context object that are the same for every state of the
// execution ("Execution" and "StateMachine"), built on first use.
func (ex *execution) head() []byte {
	if p := ex.ctxHead.Load(); p != nil {
		return *p
	}
	id := ex.identity()
	b := make([]byte, 0, 256+len(ex.input))
	b = append(b, `{"Execution":{"Id":`...)
	b = jsonString(b, id.arn)
	b = append(b, `,"Input":`...)
	b = append(b, ex.input...)
	b = append(b, `,"Name":`...)
	b = jsonString(b, id.name)
	b = append(b, `,"RoleArn":`...)
	b = jsonString(b, ex.opts.RoleArn)
	b = append(b, `,"StartTime":`...)
	b = jsonString(b, ex.start.UTC().Format(timeFormat))
	if rd := ex.opts.Redrive; rd != nil {
		// AWS's context object has these once an execution was redriven.
		b = append(b, `,"RedriveCount":`...)
		b = strconv.AppendInt(b, int64(rd.count), 10)
		if !rd.at.IsZero() {
			b = append(b, `,"RedriveTime":`...)
			b = jsonString(b, rd.at.UTC().Format(timeFormat))
		}
	}
	b = append(b, `},"StateMachine":{"Id":`...)
	b = jsonString(b, id.smArn)
	b = append(b, `,"Name":`...)
	b = jsonString(b, id.smName)
	b = append(b, '}')
	ex.ctxHead.CompareAndSwap(nil, &b)
	return *ex.ctxHead.Load()
}

// context returns the context object ($$) for this state entry.
func (r *stateRun) context() []byte {
	if r.ctxDoc != nil {
		return r.ctxDoc
	}
	head := r.f.ex.head()
	b := make([]byte, 0, len(head)+160+len(r.mapValue))
	b = append(b, head...)
	b = append(b, `,"State":{"Name":`...)
	b = jsonString(b, r.st.name)
	b = append(b, `,"EnteredTime":`...)
	entered := r.entered
	if entered.IsZero() {
		entered = r.f.ex.clock.Now()
	}
	b = jsonString(b, entered.UTC().Format(timeFormat))
	// Execution states (Task, Map, Parallel) count their retries; others have no RetryCount.
	if t := r.st.typ; t == typeTask || t == typeMap || t == typeParallel {
		b = append(b, `,"RetryCount":`...)
		b = strconv.AppendInt(b, int64(r.retryCount), 10)
	}
	b = append(b, '}')
	if r.mapValue != nil {
		b = append(b, `,"Map":{"Item":{"Index":`...)
		b = strconv.AppendInt(b, int64(r.mapIndex), 10)
		b = append(b, `,"Value":`...)
		b = append(b, r.mapValue...)
		// Where the item came from: AWS's Context object page gives "STATE_DATA" for items from
		// the state input, the only source stepjet reads (no ItemReader), in inline and
		// distributed Maps alike.
		b = append(b, `,"Source":"STATE_DATA"}}`...)
	}
	b = append(b, '}')
	r.ctxDoc = b
	return b
}
