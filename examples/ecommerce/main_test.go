package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stepjet/stepjet/examples/internal/examplestest"
	"github.com/stepjet/stepjet/transport/wire"
	"github.com/tidwall/gjson"
)

func TestOrderFlow(t *testing.T) {
	nc := examplestest.Serve(t)
	countReservations := func() int {
		n := 0
		reservations.Range(func(k, v any) bool { n++; return true })
		return n
	}
	before := countReservations()
	var out bytes.Buffer
	res, err := runOrders(context.Background(), nc, wire.Layout{}, &out)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	ok := res["ok.json"]
	if ok.Status != "SUCCEEDED" || gjson.Get(ok.Output, "trackingNumber").String() != "1Z1001GB" ||
		gjson.Get(ok.Output, "paymentId").String() != "pay-1001-33.00" {
		t.Errorf("ok: %+v", ok)
	}
	if r := res["flaky-payment.json"]; r.Status != "SUCCEEDED" {
		t.Errorf("flaky payment was not retried: %+v", r)
	}
	if r := res["declined.json"]; r.Status != "FAILED" || r.Error != "PaymentFailed" {
		t.Errorf("declined: %+v", r)
	}
	if r := res["out-of-stock.json"]; r.Status != "FAILED" || r.Error != "OutOfStock" {
		t.Errorf("out of stock: %+v", r)
	}
	// the compensation ran: the declined order's reservation was released
	if n := countReservations() - before; n != 2 { // ok and flaky keep theirs; declined released its own
		t.Errorf("%d new reservations left, want 2", n)
	}
	if !strings.Contains(out.String(), "PAYMENT_FAILED") {
		t.Log("note: the PAYMENT_FAILED notification printed after the results")
	}
}
