// Package embedded runs a NATS server with JetStream inside the stepjet process, so that
// `stepjet serve` alone gives a working system that workers and the `nats` CLI can connect to.
//
//	srv, err := embedded.Start(embedded.Options{Dir: "./stepjet-data"})
//	if err != nil { ... }
//	defer srv.Shutdown()
//	nc, err := nats.Connect(srv.ClientURL())
package embedded

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// Defaults for Options.
const (
	DefaultHost     = "127.0.0.1"
	DefaultPort     = 4222
	DefaultDir      = "./stepjet-data"
	DefaultReadyFor = 10 * time.Second
)

// Options configure the embedded server. The zero value listens on 127.0.0.1:4222 and stores
// JetStream data under ./stepjet-data.
type Options struct {
	// Dir is the JetStream file store directory.
	Dir string
	// Host and Port are the client listener; Port -1 picks a free port (tests).
	Host string
	Port int
	// ServerName names the server in cluster-less deployments (defaults to "stepjet").
	ServerName string
	// ReadyTimeout bounds the wait for the server to accept connections.
	ReadyTimeout time.Duration
	// MaxPayload overrides the server's maximum message size (default 1 MiB, which fits the
	// 256 KiB Express payload limit with room for headers).
	MaxPayload int32
	// Logging turns on the server's own log output (to standard error).
	Logging bool
	// User and Password, when set, make the server refuse clients that do not present them.
	User     string
	Password string
	// NKeys are public user NKeys (U…) the server accepts, each proving itself by signing the
	// server's nonce with its seed. Either or both of User/Password and NKeys may be set; with
	// none the server accepts any client that can reach its port.
	NKeys []string
}

// RequiresAuth reports whether the server refuses anonymous clients.
func (o Options) RequiresAuth() bool { return o.User != "" || len(o.NKeys) > 0 }

// Server is a running embedded NATS server.
type Server struct {
	ns   *server.Server
	lock *dirLock
}

// Start launches the server and waits until it accepts client connections and JetStream is
// ready.
func Start(o Options) (*Server, error) {
	if o.Dir == "" {
		o.Dir = DefaultDir
	}
	if o.Host == "" {
		o.Host = DefaultHost
	}
	if o.Port == 0 {
		o.Port = DefaultPort
	}
	if o.ServerName == "" {
		o.ServerName = "stepjet"
	}
	if o.ReadyTimeout == 0 {
		o.ReadyTimeout = DefaultReadyFor
	}
	if o.Password != "" && o.User == "" {
		return nil, errors.New("embedded nats: a password needs a user name")
	}
	// Lock the store before anything touches it: a second server on the same files would
	// silently overwrite the first one's streams and buckets.
	lock, err := lockDir(o.Dir)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			lock.release()
		}
	}()
	if err := checkPort(o.Host, o.Port); err != nil {
		return nil, err
	}
	opts := &server.Options{
		ServerName: o.ServerName,
		Host:       o.Host,
		Port:       o.Port,
		JetStream:  true,
		StoreDir:   o.Dir,
		MaxPayload: o.MaxPayload,
		NoSigs:     true, // the process owns signal handling, not the server
		NoLog:      !o.Logging,
	}
	if o.User != "" {
		opts.Users = []*server.User{{Username: o.User, Password: o.Password}}
	}
	for _, pub := range o.NKeys {
		opts.Nkeys = append(opts.Nkeys, &server.NkeyUser{Nkey: pub})
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("embedded nats: %w", err)
	}
	if o.Logging {
		ns.ConfigureLogger()
	}
	go ns.Start()
	if !ns.ReadyForConnections(o.ReadyTimeout) {
		ns.Shutdown()
		return nil, errors.New("embedded nats: server not ready for connections within " + o.ReadyTimeout.String())
	}
	// ReadyForConnections covers JetStream's start when JetStream is enabled, but check so a
	// misconfigured store fails here rather than at the first stream creation.
	if !ns.JetStreamEnabled() {
		ns.Shutdown()
		return nil, errors.New("embedded nats: JetStream did not start (check the store directory " + o.Dir + ")")
	}
	ok = true
	return &Server{ns: ns, lock: lock}, nil
}

// checkPort fails at once, naming the address, when the client port is taken: the server
// itself would only log it and never become ready.
func checkPort(host string, port int) error {
	if port <= 0 {
		return nil // -1 picks a free port
	}
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("embedded nats: cannot listen on %s: %w (is another NATS server or stepjet serve running? choose another --listen, or join it with --nats-url)", addr, err)
	}
	return ln.Close()
}

// ClientURL is the URL clients connect to, e.g. nats://127.0.0.1:4222.
func (s *Server) ClientURL() string { return s.ns.ClientURL() }

// InProcess is a nats.Option that connects without a TCP socket, for the executor running in the
// same process (about 20% faster than loopback TCP).
//
// Known issue (nats.go v1.55.0, nats-server v2.15.2): a long-lived pull consumer (jetstream
// Consume or Messages) can stop receiving until its missing-heartbeat timer (2 × PullHeartbeat,
// 30 s by default) fires. The cause is a race in nats.go's client: a threshold crossing seen while
// its previous pull request is still being sent is ignored and never re-checked, so if that
// request is fully served before the sending goroutine runs again no further request is made.
// Nothing is lost on the server. In-process connections make the race likely under load; TCP is
// not immune. The executor pulls with a Fetch bounded to 1 s instead; other long-lived pull
// consumers should set a short PullHeartbeat (500 ms bounds the stall to about 1 s).
// TestInProcessPullConsumerStall reproduces it and documents the mechanism.
func (s *Server) InProcess() nats.Option { return nats.InProcessServer(s.ns) }

// NATSServer exposes the underlying server (for monitoring or advanced configuration).
func (s *Server) NATSServer() *server.Server { return s.ns }

// Shutdown stops the server, waits for it to finish and unlocks the store directory. Safe to
// call more than once.
func (s *Server) Shutdown() {
	s.ns.Shutdown()
	s.ns.WaitForShutdown()
	s.lock.release()
}
