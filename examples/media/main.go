// Command media runs the media workflow against a running `stepjet serve`: it stores the state
// machine, serves its task workers and a stand-in third-party HTTP API (which fails its first
// call with 503, so the HTTP Task's Retry shows), then runs a "3P" input and an internal one.
//
//	stepjet serve &            # in another terminal
//	go run ./examples/media
package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/examples/internal/exampleutil"
	"github.com/stepjet/stepjet/transport/client"
	"github.com/stepjet/stepjet/transport/wire"
)

//go:embed media.asl.json
var definition string

//go:embed inputs/internal.json
var internalInput []byte

const machine = "media-processing"

func main() {
	nc, serve := exampleutil.ConnectFromFlags("keep serving the workers and the third-party API afterwards (Ctrl-C stops)")
	defer nc.Close()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if _, err := runMedia(ctx, nc, wire.Layout{}, os.Stdout, serve); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// thirdPartyAPI stands in for the provider: GET /media?mediaId=X answers a JSON document; the
// very first call answers 503.
func thirdPartyAPI() (url string, closeFn func(), err error) {
	var calls atomic.Int32
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			http.Error(w, "warming up", http.StatusServiceUnavailable)
			return
		}
		id := r.URL.Query().Get("mediaId")
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{
			"title": "Press release " + id,
			"html":  "<html><body><h1>Stepjet ships</h1><p>Express workflows on <b>NATS</b>.</p></body></html>",
		})
	}), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String() + "/media", func() { _ = srv.Close() }, nil
}

func runMedia(ctx context.Context, nc *nats.Conn, l wire.Layout, out io.Writer, serve bool) (map[string]wire.Result, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, err
	}
	if err := exampleutil.PutMachine(ctx, js, l, machine, definition); err != nil {
		return nil, fmt.Errorf("storing the state machine: %w", err)
	}
	svc, err := startWorkers(nc)
	if err != nil {
		return nil, err
	}
	defer svc.Stop()
	api, closeAPI, err := thirdPartyAPI()
	if err != nil {
		return nil, err
	}
	defer closeAPI()
	thirdParty, _ := json.Marshal(map[string]string{"mediaId": "m-100", "source": "3P", "apiEndpoint": api})
	results := map[string]wire.Result{}
	for _, in := range []struct {
		label string
		input []byte
	}{{"3P (HTTP + extract)", thirdParty}, {"internal", internalInput}} {
		rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		res, err := client.StartSync(rctx, nc, l, machine, in.input, client.StartOptions{})
		cancel()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", in.label, err)
		}
		exampleutil.PrintResult(out, in.label, res)
		results[in.label] = res
	}
	if serve {
		fmt.Fprintf(out, "workers and the third-party API (%s) are serving; try:\n  stepjet sync %s --input examples/media/inputs/internal.json\n", api, machine)
		<-ctx.Done()
	}
	return results, nil
}
