package embedded

import (
	"errors"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/nats-io/nats.go"
)

// Two servers on one store directory would overwrite each other's files: the second refuses at
// once, naming the directory and the holder's PID, and may start once the first has stopped.
func TestStartRefusesALockedDirectory(t *testing.T) {
	dir := t.TempDir()
	first, err := Start(Options{Dir: dir, Port: -1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Start(Options{Dir: dir, Port: -1})
	if !errors.Is(err, ErrDirInUse) {
		t.Fatalf("second Start on %s: %v, want ErrDirInUse", dir, err)
	}
	if msg := err.Error(); !strings.Contains(msg, dir) || !strings.Contains(msg, "process "+strconv.Itoa(os.Getpid())) {
		t.Errorf("the message must name the directory and the PID holding it: %s", msg)
	}
	first.Shutdown()
	second, err := Start(Options{Dir: dir, Port: -1})
	if err != nil {
		t.Fatalf("after the first server stopped: %v", err)
	}
	second.Shutdown()
	second.Shutdown() // safe twice
}

// A taken client port fails at once with the address, instead of a 10-second wait for a
// server that never becomes ready.
func TestStartNamesATakenPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	_, err = Start(Options{Dir: t.TempDir(), Port: port})
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:"+strconv.Itoa(port)) || !strings.Contains(err.Error(), "address already in use") {
		t.Fatalf("Start on a taken port: %v", err)
	}
}

// With a user and password (or an NKey) the server refuses anonymous clients.
func TestStartWithAuthRefusesAnonymousClients(t *testing.T) {
	srv, err := Start(Options{Dir: t.TempDir(), Port: -1, User: "app", Password: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	if nc, err := nats.Connect(srv.ClientURL(), nats.MaxReconnects(0)); err == nil {
		nc.Close()
		t.Fatal("an anonymous client connected")
	}
	for _, opt := range []nats.Option{nil, srv.InProcess()} {
		opts := []nats.Option{nats.UserInfo("app", "s3cret")}
		if opt != nil {
			opts = append(opts, opt)
		}
		nc, err := nats.Connect(srv.ClientURL(), opts...)
		if err != nil {
			t.Fatalf("with the credentials: %v", err)
		}
		nc.Close()
	}
}
