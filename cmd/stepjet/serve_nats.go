package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nkeys"
	"github.com/stepjet/stepjet/transport/embedded"
	"github.com/stepjet/stepjet/transport/natsconn"
)

// usageError is a mistake in serve's flags: reported as is, exit 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// embeddedOptions turns serve's flags into the embedded server's options. The connection flags
// (--user/--password, --nkey) that log in to a joined server set the embedded server's
// credentials instead: the server then refuses clients without them, and serve itself
// connects with them.
func embeddedOptions(conn *natsconn.Options, dataDir, listen string) (embedded.Options, error) {
	host, portText, err := net.SplitHostPort(listen)
	port, perr := strconv.Atoi(portText)
	if err != nil || perr != nil {
		return embedded.Options{}, &usageError{fmt.Sprintf("bad --listen %q (want host:port)", listen)}
	}
	o := embedded.Options{Dir: dataDir, Host: host, Port: port, User: conn.User, Password: conn.Password}
	switch {
	case conn.Creds != "":
		return o, &usageError{"--creds (a JWT) works only with --nats-url; the embedded server takes --user/--password or --nkey"}
	case conn.TLSCert != "" || conn.TLSKey != "" || conn.TLSCA != "":
		return o, &usageError{"--tls-* configure the connection to a server given by --nats-url; the embedded server has no TLS"}
	case conn.Password != "" && conn.User == "":
		return o, &usageError{"--password needs --user"}
	case conn.User != "" && conn.Password == "":
		return o, &usageError{"--user needs --password for the embedded server"}
	}
	if conn.NKey != "" {
		pub, err := nkeyPublic(conn.NKey)
		if err != nil {
			return o, &usageError{fmt.Sprintf("--nkey %s: %v", conn.NKey, err)}
		}
		o.NKeys = []string{pub}
	}
	return o, nil
}

// nkeyPublic reads an NKey seed file and returns its public user key.
func nkeyPublic(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if line = strings.TrimSpace(line); strings.HasPrefix(line, "SU") {
			kp, err := nkeys.FromSeed([]byte(line))
			if err != nil {
				return "", err
			}
			defer kp.Wipe()
			return kp.PublicKey()
		}
	}
	return "", errors.New("no user seed (a line starting with SU) in the file")
}

// errNoJetStream marks a NATS server that has JetStream off: waiting for it cannot help.
var errNoJetStream = errors.New("JetStream is not enabled")

// checkJetStream makes sure the server answers JetStream requests. A server without JetStream
// answers nothing (no responders) or says so: that is an error at once (after a 2-second grace),
// since waiting cannot help. Any other error — a cluster still electing its leader — is retried
// until it clears or ctx ends, as provisioning is.
func checkJetStream(ctx context.Context, js jetstream.JetStream, url string, log *slog.Logger) error {
	start, warned := time.Now(), time.Time{}
	for {
		actx, cancel := context.WithTimeout(ctx, 5*time.Second)
		_, err := js.AccountInfo(actx)
		cancel()
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, jetstream.ErrJetStreamNotEnabledForAccount):
			return fmt.Errorf("%w for this account on %s: enable JetStream for the account (or use other credentials)", errNoJetStream, url)
		case errors.Is(err, jetstream.ErrJetStreamNotEnabled):
			if time.Since(start) > 2*time.Second {
				return fmt.Errorf("%w on %s: stepjet needs JetStream; start nats-server with -js (or jetstream {} in its config), or run stepjet serve without --nats-url to embed one", errNoJetStream, url)
			}
		case time.Since(warned) > 10*time.Second:
			log.Warn("JetStream does not answer yet; retrying", "nats", url, "err", err)
			warned = time.Now()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// serveConnect connects serve to the embedded server (in-process) or to the servers of
// --nats-url, with the same credentials options either way.
func serveConnect(conn *natsconn.Options, srv *embedded.Server, log *slog.Logger) (*nats.Conn, error) {
	if srv != nil {
		opts, err := conn.NATSOptions()
		if err != nil {
			return nil, err
		}
		return nats.Connect(srv.ClientURL(), append(opts, srv.InProcess())...)
	}
	return conn.Connect(
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) { log.Warn("NATS disconnected", "err", err) }),
		nats.ReconnectHandler(func(c *nats.Conn) { log.Info("NATS reconnected", "url", c.ConnectedUrl()) }),
	)
}
