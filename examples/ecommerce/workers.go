package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/nats-io/nats.go"
	"github.com/stepjet/stepjet/transport/worker"
)

// The shop's task workers. Each is a few lines: decode the payload, do the work, return a
// result or worker.Fail(errorName, message) — the errorName is what the definition's Retry and
// Catch match.

type item struct {
	SKU   string  `json:"sku"`
	Qty   int     `json:"qty"`
	Price float64 `json:"price"`
}

type order struct {
	OrderID string `json:"orderId"`
	Items   []item `json:"items"`
}

var (
	reservations sync.Map // reservationId → orderId: the "inventory database"
	nextID       atomic.Int64
	flaky        sync.Map // card → attempts so far
)

func checkInventory(ctx context.Context, o order) (map[string]any, error) {
	total := 0.0
	for _, it := range o.Items {
		if strings.HasPrefix(it.SKU, "GONE") {
			return nil, worker.Fail("OutOfStock", "no stock left for "+it.SKU)
		}
		total += float64(it.Qty) * it.Price
	}
	id := fmt.Sprintf("res-%d", nextID.Add(1))
	reservations.Store(id, o.OrderID)
	return map[string]any{"reservationId": id, "total": total}, nil
}

type paymentRequest struct {
	OrderID string                `json:"orderId"`
	Amount  float64               `json:"amount"`
	Payment struct{ Card string } `json:"payment"`
}

func processPayment(ctx context.Context, p paymentRequest) (map[string]string, error) {
	switch card := p.Payment.Card; {
	case strings.HasPrefix(card, "4000-0000-0000-0002"):
		return nil, worker.Fail("PaymentDeclined", "the card was declined")
	case strings.HasSuffix(card, "flaky"):
		// The payment provider times out on the first try; Retry takes care of it.
		n, _ := flaky.LoadOrStore(card, new(atomic.Int32))
		if n.(*atomic.Int32).Add(1) == 1 {
			return nil, worker.Fail("Payment.Transient", "the payment provider did not answer")
		}
	}
	return map[string]string{"paymentId": fmt.Sprintf("pay-%s-%.2f", p.OrderID, p.Amount)}, nil
}

func releaseInventory(ctx context.Context, r struct {
	ReservationID string `json:"reservationId"`
}) (map[string]bool, error) {
	_, existed := reservations.LoadAndDelete(r.ReservationID)
	return map[string]bool{"released": existed}, nil
}

func fulfilOrder(ctx context.Context, o order) (map[string]string, error) {
	return map[string]string{"packageId": "pkg-" + o.OrderID, "warehouse": "LON-1"}, nil
}

func shipOrder(ctx context.Context, s struct {
	OrderID string `json:"orderId"`
	Address string `json:"address"`
}) (map[string]string, error) {
	return map[string]string{"trackingNumber": "1Z" + s.OrderID + "GB", "carrier": "UPS"}, nil
}

// startWorkers serves every function the workflow calls, as one micro service ("shop").
func startWorkers(nc *nats.Conn) (*worker.Service, error) {
	svc, err := worker.New(nc, "shop", worker.Options{Description: "e-commerce example workers"})
	if err != nil {
		return nil, err
	}
	for name, h := range map[string]worker.Handler{
		"check-inventory":   worker.JSON(checkInventory),
		"process-payment":   worker.JSON(processPayment),
		"release-inventory": worker.JSON(releaseInventory),
		"fulfil-order":      worker.JSON(fulfilOrder),
		"ship-order":        worker.JSON(shipOrder),
	} {
		if err := svc.Handle(name, h); err != nil {
			return nil, err
		}
	}
	return svc, nil
}
