// Command ecommerce runs the e-commerce order workflow against a running `stepjet serve`: it
// stores the state machine, serves its task workers, runs the sample orders and prints each
// result. With --serve it keeps the workers running afterwards.
//
//	stepjet serve &            # in another terminal
//	go run ./examples/ecommerce
package main

import (
	"context"
	"embed"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path"
	"sort"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stepjet/stepjet/examples/internal/exampleutil"
	"github.com/stepjet/stepjet/transport/client"
	"github.com/stepjet/stepjet/transport/tasks"
	"github.com/stepjet/stepjet/transport/wire"
)

//go:embed order-processing.asl.json
var definition string

//go:embed orders/*.json
var orders embed.FS

const machine = "order-processing"

func main() {
	nc, serve := exampleutil.ConnectFromFlags("keep serving the workers after the sample orders (Ctrl-C stops)")
	defer nc.Close()
	if _, err := runOrders(context.Background(), nc, wire.Layout{}, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if serve {
		svc, err := startWorkers(nc)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println("workers are serving; try: stepjet sync order-processing --input examples/ecommerce/orders/ok.json")
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
		defer stop()
		<-ctx.Done()
		_ = svc.Stop()
	}
}

// runOrders stores the machine, serves the workers, runs every sample order synchronously and
// prints the results; it returns them by order file name.
func runOrders(ctx context.Context, nc *nats.Conn, l wire.Layout, out io.Writer) (map[string]wire.Result, error) {
	out = &exampleutil.SyncWriter{W: out}
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
	// Customer notifications go to SNS topic order-notifications, i.e. NATS subject
	// stepjet.sns.order-notifications: show them as they come.
	sub, err := nc.Subscribe((&tasks.Notify{Layout: l}).SNSSubject("order-notifications"), func(m *nats.Msg) {
		fmt.Fprintf(out, "    notification: %s\n", m.Data)
	})
	if err == nil {
		defer sub.Unsubscribe()
	}
	entries, _ := orders.ReadDir("orders")
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	results := map[string]wire.Result{}
	for _, name := range names {
		input, _ := orders.ReadFile(path.Join("orders", name))
		rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		res, err := client.StartSync(rctx, nc, l, machine, input, client.StartOptions{})
		cancel()
		if err != nil {
			return nil, fmt.Errorf("order %s: %w", name, err)
		}
		_ = nc.Flush()
		exampleutil.PrintResult(out, name, res)
		results[name] = res
	}
	return results, nil
}
