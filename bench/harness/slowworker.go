package harness

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
)

// slowWorkerEnv, set in a child's environment, makes Main serve the inflight phase's slow
// worker instead of measuring: "<nats url> <prefix> <max concurrent> <hold>".
const slowWorkerEnv = "STEPJET_BENCH_SLOW_WORKER"

// startSlowWorker starts the slow worker, in this process or in a child, and returns how to
// stop it (with the child's peak RSS in bytes, 0 in process).
func (e *Env) startSlowWorker(ctx context.Context, r InFlightRun) (stop func() (int64, error), err error) {
	if !r.WorkerProcess {
		nc, err := e.connect("stepjet-bench-slow-worker")
		if err != nil {
			return nil, err
		}
		svc, err := slowWorker(nc, e.cfg.Prefix, r.N, r.Hold)
		if err != nil {
			return nil, err
		}
		return func() (int64, error) { return 0, svc.Stop() }, nil
	}
	if e.cfg.Conn == ConnInProcess && e.srv != nil {
		return nil, errors.New("the slow worker's process reaches the server over TCP: use --conn tcp, or run the worker in process")
	}
	url := e.cfg.NATSURL
	if e.srv != nil {
		url = e.srv.ClientURL()
	}
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("slow worker: %w", err)
	}
	cmd := exec.Command(self, os.Args[1:]...)
	cmd.Env = append(os.Environ(), slowWorkerEnv+"="+strings.Join([]string{url, e.cfg.Prefix, strconv.Itoa(r.N), r.Hold.String()}, " "))
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe() // closed by the parent (or its death): the child then exits
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("slow worker: %w", err)
	}
	lines := bufio.NewScanner(out)
	ready := make(chan error, 1)
	go func() {
		if lines.Scan() && lines.Text() == "ready" {
			ready <- nil
			return
		}
		ready <- errors.New("slow worker: the child process did not start serving")
	}()
	kill := func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
	select {
	case err = <-ready:
	case <-time.After(30 * time.Second):
		err = errors.New("slow worker: the child process was not ready in 30 s")
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		kill()
		return nil, err
	}
	return func() (int64, error) {
		in.Close()
		var peak int64
		if lines.Scan() {
			peak, _ = strconv.ParseInt(strings.TrimPrefix(lines.Text(), "peak-rss "), 10, 64)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			return peak, err
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Signal(syscall.SIGKILL)
			<-done
			return peak, errors.New("slow worker: the child process did not exit; killed")
		}
	}, nil
}

// serveSlowWorker is the child's side: it serves the slow worker until stdin closes, printing
// "ready" once serving and "peak-rss <bytes>" as it stops.
func serveSlowWorker(spec string, stdin io.Reader, stdout, stderr io.Writer) int {
	f := strings.Fields(spec)
	if len(f) != 4 {
		fmt.Fprintln(stderr, "stepjet-bench slow worker: bad "+slowWorkerEnv)
		return 2
	}
	n, err1 := strconv.Atoi(f[2])
	hold, err2 := time.ParseDuration(f[3])
	if err := errors.Join(err1, err2); err != nil {
		fmt.Fprintln(stderr, "stepjet-bench slow worker:", err)
		return 2
	}
	nc, err := nats.Connect(f[0], nats.Name("stepjet-bench-slow-worker"), nats.MaxReconnects(-1))
	if err != nil {
		fmt.Fprintln(stderr, "stepjet-bench slow worker:", err)
		return 1
	}
	defer nc.Close()
	svc, err := slowWorker(nc, f[1], n, hold)
	if err != nil {
		fmt.Fprintln(stderr, "stepjet-bench slow worker:", err)
		return 1
	}
	fmt.Fprintln(stdout, "ready")
	_, _ = io.Copy(io.Discard, stdin) // until the parent closes it or dies
	_ = svc.Stop()
	fmt.Fprintf(stdout, "peak-rss %d\n", ReadProc().PeakRSS)
	return 0
}
