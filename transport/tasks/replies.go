package tasks

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/nats-io/nats.go"
)

// replyMux receives the replies to the worker requests StartTask sends, on one wildcard
// subscription per connection, and hands each to its call: a request waiting for its reply
// holds a map entry and a context watch, not a goroutine (as nats.go's RequestMsgWithContext
// needs, blocked on a channel).
type replyMux struct {
	nc     *nats.Conn
	prefix string // "<inbox>.", each request's reply subject is prefix + a token
	next   atomic.Uint64

	mu      sync.Mutex
	pending map[string]*replyCall
}

type replyCall struct {
	done func(*nats.Msg, error)
	stop func() bool // stops the context watch
}

// replyPendingLimit bounds the replies queued on the subscription: one per request in flight
// at most, so far above any MaxInFlight.
const replyPendingLimit = 1 << 20

// replies is the connection's reply mux, subscribed on first use.
func (l *Lambda) replies() (*replyMux, error) {
	l.muxOnce.Do(func() {
		// An inbox of its own: nats.go's request mux has its own wildcard subscription.
		m := &replyMux{nc: l.NC, prefix: l.NC.NewInbox() + ".", pending: map[string]*replyCall{}}
		sub, err := l.NC.Subscribe(m.prefix+"*", m.reply)
		if err == nil {
			err = sub.SetPendingLimits(replyPendingLimit, -1)
		}
		l.mux, l.muxErr = m, err
	})
	return l.mux, l.muxErr
}

// start sends msg as a request; done gets its reply, or ctx's error when ctx ends first, or the
// publish's error. done is called once, on the subscription's or a context's goroutine.
func (m *replyMux) start(ctx context.Context, msg *nats.Msg, done func(*nats.Msg, error)) {
	token := strconv.FormatUint(m.next.Add(1), 36)
	c := &replyCall{done: done}
	// c.stop is set under the lock that reply's take reads c under: the reply may arrive on
	// the subscription's goroutine as soon as the request is out. The watch's function takes
	// the lock too, so it waits for the registration even when ctx has already ended.
	m.mu.Lock()
	m.pending[token] = c
	c.stop = context.AfterFunc(ctx, func() {
		if m.take(token) != nil {
			done(nil, ctx.Err())
		}
	})
	m.mu.Unlock()
	msg.Reply = m.prefix + token
	if err := m.nc.PublishMsg(msg); err != nil {
		if m.take(token) != nil {
			c.stop()
			done(nil, err)
		}
	}
}

func (m *replyMux) take(token string) *replyCall {
	m.mu.Lock()
	c := m.pending[token]
	delete(m.pending, token)
	m.mu.Unlock()
	return c
}

// reply delivers a reply to its call; a reply whose call has ended (its context did) is dropped.
func (m *replyMux) reply(msg *nats.Msg) {
	c := m.take(strings.TrimPrefix(msg.Subject, m.prefix))
	if c == nil {
		return
	}
	c.stop()
	// The server answers a request no one subscribes to with a 503 status and no body.
	if len(msg.Data) == 0 && msg.Header.Get("Status") == "503" {
		c.done(nil, nats.ErrNoResponders)
		return
	}
	c.done(msg, nil)
}
