package awsapi

import (
	"encoding/json"
	"math"

	"github.com/stepjet/stepjet/engine"
)

// inspectionData is what TestState shows at DEBUG and TRACE: the state's data at each step of
// its processing, as engine.RunState recorded it, and how an error was handled.
type inspectionData struct {
	Input                      string        `json:"input,omitempty"`
	AfterArguments             string        `json:"afterArguments,omitempty"`
	AfterInputPath             string        `json:"afterInputPath,omitempty"`
	AfterParameters            string        `json:"afterParameters,omitempty"`
	AfterItemsPath             string        `json:"afterItemsPath,omitempty"`
	Result                     string        `json:"result,omitempty"`
	AfterResultSelector        string        `json:"afterResultSelector,omitempty"`
	AfterResultPath            string        `json:"afterResultPath,omitempty"`
	ErrorDetails               *errorDetails `json:"errorDetails,omitempty"`
	MaxConcurrency             *int64        `json:"maxConcurrency,omitempty"`
	ToleratedFailureCount      *int64        `json:"toleratedFailureCount,omitempty"`
	ToleratedFailurePercentage *float64      `json:"toleratedFailurePercentage,omitempty"`
	// Variables are the workflow variables after the state: those given plus its assignments.
	Variables string `json:"variables,omitempty"`
}

// errorDetails says which Retry or Catch handled the state's error (InspectionErrorDetails).
type errorDetails struct {
	CatchIndex                  *int   `json:"catchIndex,omitempty"`
	RetryIndex                  *int   `json:"retryIndex,omitempty"`
	RetryBackoffIntervalSeconds *int64 `json:"retryBackoffIntervalSeconds,omitempty"`
}

func newInspectionData(res engine.StateResult) *inspectionData {
	in := res.Inspection
	d := &inspectionData{
		Input:                 string(in.Input),
		AfterArguments:        string(in.AfterArguments),
		AfterInputPath:        string(in.AfterInputPath),
		AfterParameters:       string(in.AfterParameters),
		AfterItemsPath:        string(in.AfterItemsPath),
		Result:                string(in.Result),
		AfterResultSelector:   string(in.AfterResultSelector),
		AfterResultPath:       string(in.AfterResultPath),
		MaxConcurrency:        in.MaxConcurrency,
		ToleratedFailureCount: in.ToleratedFailureCount,
	}
	if p := in.ToleratedFailurePercentage; p != nil {
		f := float64(*p)
		d.ToleratedFailurePercentage = &f
	}
	if len(res.Variables) > 0 {
		vars := make(map[string]json.RawMessage, len(res.Variables))
		for k, v := range res.Variables {
			vars[k] = v
		}
		if b, err := json.Marshal(vars); err == nil {
			d.Variables = string(b)
		}
	}
	switch {
	case in.CatchIndex >= 0:
		i := in.CatchIndex
		d.ErrorDetails = &errorDetails{CatchIndex: &i}
	case in.RetryIndex >= 0:
		i := in.RetryIndex
		d.ErrorDetails = &errorDetails{RetryIndex: &i}
		if res.Status == engine.StateRetriable {
			// AWS reports the backoff in whole seconds, rounded up; an exhausted retrier has none.
			secs := int64(math.Ceil(in.RetryBackoff.Seconds()))
			d.ErrorDetails.RetryBackoffIntervalSeconds = &secs
		}
	}
	return d
}
