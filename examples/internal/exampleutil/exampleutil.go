// Package exampleutil holds what every example program does before its workflow runs: connect,
// store the state machine, and print results.
package exampleutil

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/transport/natsconn"
	"github.com/stepjet/stepjet/transport/registry"
	"github.com/stepjet/stepjet/transport/wire"
)

// ConnectFromFlags registers the NATS connection flags and --serve (described by serveUsage),
// parses the command line and connects to NATS. It exits with status 1 when it cannot connect:
// the example needs a running `stepjet serve`.
func ConnectFromFlags(serveUsage string) (nc *nats.Conn, serve bool) {
	var conn natsconn.Options
	conn.Register(flag.CommandLine, natsconn.DefaultURL)
	serveFlag := flag.Bool("serve", false, serveUsage)
	flag.Parse()
	nc, err := conn.Connect()
	if err != nil {
		fmt.Fprintf(os.Stderr, "cannot connect to NATS at %s: %v (start `stepjet serve` first)\n", conn.URL, err)
		os.Exit(1)
	}
	return nc, *serveFlag
}

// PutMachine creates state machine name from definition, or updates it when it exists.
func PutMachine(ctx context.Context, js jetstream.JetStream, l wire.Layout, name, definition string) error {
	reg, err := registry.Open(ctx, js, l)
	if err != nil {
		return err
	}
	m := wire.Machine{Name: name, Arn: l.StateMachineArn(name), Definition: definition, Type: "EXPRESS",
		RoleArn: "arn:aws:iam::" + l.AccountOrDefault() + ":role/stepjet-example", CreationDate: time.Now().UTC()}
	for range 3 {
		old, rev, err := reg.Machine(ctx, name)
		if errors.Is(err, registry.ErrNotFound) {
			if err = reg.CreateMachine(ctx, m); !errors.Is(err, registry.ErrExists) {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		m.CreationDate = old.CreationDate
		if err = reg.PutMachine(ctx, m, rev); !errors.Is(err, registry.ErrConflict) {
			return err
		}
	}
	return errors.New("the state machine kept changing while it was being stored")
}

// PrintResult prints one execution result briefly: status, then output or error and cause.
func PrintResult(w io.Writer, label string, r wire.Result) {
	fmt.Fprintf(w, "%-22s %s\n", label, r.Status)
	if r.Output != "" {
		var v any
		if json.Unmarshal([]byte(r.Output), &v) == nil {
			b, _ := json.MarshalIndent(v, "    ", "  ")
			fmt.Fprintf(w, "    output: %s\n", b)
		}
	}
	if r.Error != "" {
		fmt.Fprintf(w, "    error:  %s\n    cause:  %s\n", r.Error, r.Cause)
	}
}

// SyncWriter serializes writes from several goroutines (results and notifications).
type SyncWriter struct {
	mu sync.Mutex
	W  io.Writer
}

func (s *SyncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.W.Write(p)
}
