package main

import (
	"fmt"
	"io"

	"github.com/nats-io/nats.go"
	"github.com/stepjet/stepjet/transport/natsconn"
)

// connectNATS connects client command cmd to the NATS server of a running service; when it
// cannot, it says so on stderr (the usual cause: no `stepjet serve` running) and ok is false.
func connectNATS(cmd string, conn *natsconn.Options, stderr io.Writer) (nc *nats.Conn, ok bool) {
	nc, err := conn.Connect()
	if err != nil {
		fmt.Fprintf(stderr, "stepjet %s: cannot connect to NATS at %s: %v (is `stepjet serve` running?)\n", cmd, conn.URL, err)
		return nil, false
	}
	return nc, true
}
