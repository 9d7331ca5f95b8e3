package provision_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/transport/provision"
	"github.com/stepjet/stepjet/transport/wire"
)

// startCluster runs a 3-node JetStream cluster in-process on loopback and returns a client URL
// list; the servers stop when the test ends.
func startCluster(t *testing.T) string {
	t.Helper()
	ports := make([]int, 3)
	for i := range ports {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ports[i] = ln.Addr().(*net.TCPAddr).Port
		ln.Close()
	}
	var routes []string
	for _, p := range ports {
		routes = append(routes, fmt.Sprintf("nats://127.0.0.1:%d", p))
	}
	var urls []string
	for i, p := range ports {
		ns, err := server.NewServer(&server.Options{ServerName: fmt.Sprintf("n%d", i), Host: "127.0.0.1", Port: -1,
			JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true,
			Cluster: server.ClusterOpts{Name: "stepjet", Host: "127.0.0.1", Port: p},
			Routes:  server.RoutesFromStr(strings.Join(routes, ","))})
		if err != nil {
			t.Fatal(err)
		}
		go ns.Start()
		t.Cleanup(func() { ns.Shutdown(); ns.WaitForShutdown() })
		if !ns.ReadyForConnections(30 * time.Second) {
			t.Fatalf("server n%d not ready", i)
		}
		urls = append(urls, ns.ClientURL())
	}
	return strings.Join(urls, ",")
}

// The attack of issue 14 item 11: a cluster's streams provisioned with 3 replicas, then an
// executor started with the default --replicas 1. The streams keep their 3 replicas, and the
// difference is logged.
func TestEnsureKeepsAClustersReplicas(t *testing.T) {
	url := startCluster(t)
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	l := wire.Layout{Prefix: "rep"}
	ensure := func(c provision.Config) {
		t.Helper()
		deadline := time.Now().Add(2 * time.Minute) // the cluster elects its leaders first
		for {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			err := provision.Ensure(ctx, js, c)
			cancel()
			if err == nil {
				return
			}
			if time.Now().After(deadline) {
				t.Fatal(err)
			}
			time.Sleep(500 * time.Millisecond)
		}
	}
	ensure(provision.Config{Layout: l, Replicas: 3, Memory: true})
	var logs logBuffer
	ensure(provision.Config{Layout: l, Replicas: 1, Memory: true, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	for _, name := range []string{l.ExecutionsStream(), l.ResultsStream(), l.LogsStream()} {
		s, err := js.Stream(context.Background(), name)
		if err != nil {
			t.Fatal(err)
		}
		if r := s.CachedInfo().Config.Replicas; r != 3 {
			t.Errorf("%s: %d replicas after an executor with --replicas 1 provisioned", name, r)
		}
		if !strings.Contains(logs.String(), "stream="+name+" setting=Replicas kept=3 asked=1") {
			t.Errorf("no warning for %s:\n%s", name, logs.String())
		}
	}
}
