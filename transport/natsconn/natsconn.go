// Package natsconn turns the connection flags every stepjet command shares (as the `nats` CLI
// takes them: --nats-url, --creds, --nkey, --user/--password, --tls-cert/--tls-key/--tls-ca)
// into a NATS connection.
package natsconn

import (
	"errors"
	"flag"
	"os"
	"time"

	"github.com/nats-io/nats.go"
)

// DefaultURL is where `stepjet serve` listens by default.
const DefaultURL = "nats://127.0.0.1:4222"

// Options are the connection settings.
type Options struct {
	URL      string // comma-separated list of server URLs
	Creds    string // a credentials (JWT + NKey seed) file
	NKey     string // an NKey seed file
	User     string
	Password string
	TLSCert  string
	TLSKey   string
	TLSCA    string
	Name     string // the connection's name, shown by the server's monitoring
}

// Register adds the flags to fs, defaulting --nats-url to def (and $NATS_URL when set, as the
// nats CLI does). stepjet serve clears that default after Register: for serve an empty URL means
// "embed a server", which an exported NATS_URL must not silently change.
func (o *Options) Register(fs *flag.FlagSet, def string) {
	if env := os.Getenv("NATS_URL"); env != "" {
		def = env
	}
	fs.StringVar(&o.URL, "nats-url", def, "NATS server URL(s), comma-separated")
	fs.StringVar(&o.Creds, "creds", "", "NATS credentials file (JWT + NKey seed)")
	fs.StringVar(&o.NKey, "nkey", "", "NKey seed file")
	fs.StringVar(&o.User, "user", "", "NATS user name")
	fs.StringVar(&o.Password, "password", "", "NATS password")
	fs.StringVar(&o.TLSCert, "tls-cert", "", "client TLS certificate file")
	fs.StringVar(&o.TLSKey, "tls-key", "", "client TLS private key file")
	fs.StringVar(&o.TLSCA, "tls-ca", "", "TLS CA certificate file to verify the server")
}

// NATSOptions converts to nats.go options (reconnecting forever, as a service should).
func (o *Options) NATSOptions() ([]nats.Option, error) {
	opts := []nats.Option{nats.MaxReconnects(-1), nats.ReconnectWait(time.Second)}
	if o.Name != "" {
		opts = append(opts, nats.Name(o.Name))
	}
	if o.Creds != "" {
		opts = append(opts, nats.UserCredentials(o.Creds))
	}
	if o.NKey != "" {
		opt, err := nats.NkeyOptionFromSeed(o.NKey)
		if err != nil {
			return nil, err
		}
		opts = append(opts, opt)
	}
	if o.User != "" || o.Password != "" {
		opts = append(opts, nats.UserInfo(o.User, o.Password))
	}
	if (o.TLSCert == "") != (o.TLSKey == "") {
		return nil, errors.New("--tls-cert and --tls-key go together")
	}
	if o.TLSCert != "" {
		opts = append(opts, nats.ClientCert(o.TLSCert, o.TLSKey))
	}
	if o.TLSCA != "" {
		opts = append(opts, nats.RootCAs(o.TLSCA))
	}
	return opts, nil
}

// Connect dials the servers.
func (o *Options) Connect(extra ...nats.Option) (*nats.Conn, error) {
	opts, err := o.NATSOptions()
	if err != nil {
		return nil, err
	}
	url := o.URL
	if url == "" {
		url = DefaultURL
	}
	return nats.Connect(url, append(opts, extra...)...)
}
