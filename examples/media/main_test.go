package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stepjet/stepjet/examples/internal/examplestest"
	"github.com/stepjet/stepjet/transport/wire"
	"github.com/tidwall/gjson"
)

func TestMediaFlow(t *testing.T) {
	nc := examplestest.Serve(t)
	var out bytes.Buffer
	res, err := runMedia(context.Background(), nc, wire.Layout{}, &out, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	tp := res["3P (HTTP + extract)"]
	if tp.Status != "SUCCEEDED" || gjson.Get(tp.Output, "result.text").String() != "Stepjet ships Express workflows on NATS." ||
		gjson.Get(tp.Output, "result.words").Int() != 6 {
		t.Errorf("3P: %+v", tp)
	}
	in := res["internal"]
	if in.Status != "SUCCEEDED" || gjson.Get(in.Output, "result.summary").String() != "mp4, 93s, demo/internal" {
		t.Errorf("internal: %+v", in)
	}
}
