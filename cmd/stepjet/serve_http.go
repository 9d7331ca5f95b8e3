package main

import (
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// httpLimits bound what one client can hold of serve's HTTP server: without them, connections
// that send their body a byte at a time (or never finish their headers) pile up until the
// process runs out of file descriptors, and the embedded NATS server with it.
type httpLimits struct {
	// ReadTimeout bounds reading one request, headers and body.
	ReadTimeout time.Duration
	// IdleTimeout closes keep-alive connections that send nothing.
	IdleTimeout time.Duration
	// HandlerTimeout is the longest a handler may take (a StartSyncExecution waits for its
	// execution): the response must be written within it, plus a margin.
	HandlerTimeout time.Duration
	// MaxConns bounds the connections served at once; more wait in the kernel's accept queue,
	// costing this process nothing.
	MaxConns int
}

// maxHeaderBytes bounds a request's headers; SigV4 and the SDKs need a few KiB.
const maxHeaderBytes = 64 << 10

// newHTTPServer returns an http.Server for h under limits and the listener to serve it on.
//
// The body's deadline is set per request (bodyDeadline) rather than with http.Server's
// ReadTimeout, which would also end the connection's background read — and with it the
// request's context — while a long StartSyncExecution is still running.
func newHTTPServer(h http.Handler, ln net.Listener, l httpLimits) (*http.Server, net.Listener) {
	hs := &http.Server{
		Handler:           bodyDeadline(h, l.ReadTimeout),
		ReadHeaderTimeout: min(l.ReadTimeout, 10*time.Second),
		WriteTimeout:      l.HandlerTimeout + 30*time.Second,
		IdleTimeout:       l.IdleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
	}
	if l.MaxConns > 0 {
		ln = limitListener(ln, l.MaxConns)
	}
	return hs, ln
}

// bodyDeadline gives a request's body until d after its headers to arrive; reading it to the
// end lifts the deadline, so the handler may then take as long as it needs.
func bodyDeadline(h http.Handler, d time.Duration) http.Handler {
	if d <= 0 {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			rc := http.NewResponseController(w)
			if rc.SetReadDeadline(time.Now().Add(d)) == nil {
				r.Body = &deadlineBody{ReadCloser: r.Body, rc: rc}
			}
		}
		h.ServeHTTP(w, r)
	})
}

type deadlineBody struct {
	io.ReadCloser
	rc   *http.ResponseController
	done bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF && !b.done {
		b.done = true
		_ = b.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}

// limitListener accepts at most n connections at once: Accept waits for a served connection to
// close before taking the next one from the kernel's queue.
func limitListener(ln net.Listener, n int) net.Listener {
	return &limitedListener{Listener: ln, slots: make(chan struct{}, n), done: make(chan struct{})}
}

type limitedListener struct {
	net.Listener
	slots     chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

func (l *limitedListener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitedConn{Conn: c, release: func() { <-l.slots }}, nil
}

func (l *limitedListener) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return l.Listener.Close()
}

type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
