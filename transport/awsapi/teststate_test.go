package awsapi

import (
	"testing"
)

func TestCheckMockResult(t *testing.T) {
	tests := []struct {
		resource, mode, result string
		want                   string // the message's text after AWS's prefix; "" = accepted
	}{
		{"arn:aws:states:::states:startExecution", "", `{}`, "Required field 'ExecutionArn' is missing"},
		{"arn:aws:states:::states:startExecution", "STRICT", `{"ExecutionArn":"a","StartDate":1}`, "Field 'StartDate' must be a string"},
		{"arn:aws:states:::states:startExecution", "PRESENT", `{}`, ""},
		{"arn:aws:states:::states:startExecution", "NONE", `{"StartDate":true}`, ""},
		{"arn:aws:states:::aws-sdk:sfn:startExecution", "", `{"ExecutionArn":"a","StartDate":"d","Extra":1}`, ""},
		{"arn:aws:states:::aws-sdk:s3:getObject", "", `{"StorageClass":"Papyrus"}`, "Field 'StorageClass' is not an expected value"},
		{"arn:aws:states:::aws-sdk:s3:getObject", "", `{"ContentLength":"9"}`, "Field 'ContentLength' must be a number"},
		{"arn:aws:states:::aws-sdk:lambda:getFunction", "", `{"Configuration":{"MemorySize":127}}`, "Field 'MemorySize' is less than the minimum value"},
		{"arn:aws:states:::events:putEvents", "", `{"Entries":[{"EventId":"a"},{"EventId":[]}]}`, "Field 'EventId' must be a string"},
		{"arn:aws:states:::events:putEvents", "", `{"Entries":"x"}`, "Field 'Entries' must be an array"},
		{"arn:aws:states:::aws-sdk:kms:encrypt", "PRESENT", `{"CiphertextBlob":""}`, "Field 'CiphertextBlob' is smaller than the minimum length"},
		{"arn:aws:states:::dynamodb:putItem", "", `{"ConsumedCapacity":{"CapacityUnits":"1.5"}}`, "Field 'CapacityUnits' must be a number"},
		// The optimized Lambda integration's Payload is JSON, not the SDK's blob.
		{"arn:aws:states:::lambda:invoke", "", `{"Payload":{"a":1},"StatusCode":200}`, ""},
		{"arn:aws:states:::lambda:invoke", "", `{"StatusCode":"200"}`, "Field 'StatusCode' must be a number"},
		{"arn:aws:states:::aws-sdk:lambda:invoke", "", `{"Payload":{"a":1}}`, "Field 'Payload' must be a string"},
		// No known shape: not checked.
		{"arn:aws:states:::sqs:sendMessage.waitForTaskToken", "", `{"x":1}`, ""},
		{"arn:aws:lambda:us-east-1:111111111111:function:f", "", `{"x":1}`, ""},
		{"arn:aws:states:::aws-sdk:nosuchservice:doIt", "", `{"x":1}`, ""},
		{"arn:aws:states:::http:invoke", "", `[]`, ""},
	}
	for _, tt := range tests {
		e := checkMockResult(tt.resource, tt.mode, []byte(tt.result))
		got := ""
		if e != nil {
			got = e.Message
			if e.Name != "ValidationException" {
				t.Errorf("%s %s: error %s", tt.resource, tt.result, e.Name)
			}
		}
		want := tt.want
		if want != "" {
			want = "Mock result schema validation error: " + want
		}
		if got != want {
			t.Errorf("%s %s %s: %q, want %q", tt.resource, tt.mode, tt.result, got, want)
		}
	}
}

func TestCheckContext(t *testing.T) {
	tests := []struct{ ctx, want string }{
		{`{"Execution":{"Id":"a","Input":{"x":1},"Name":"n"},"State":{"RetryCount":2},"Task":{"Token":"t"}}`, ""},
		{`{"Map":{}}`, "'Map' field is not supported when mocking a Context object"},
		{`{"Pokedex":{}}`, "Field 'Pokedex' is not allowed"},
		{`{"Execution":{"pokemon":"squirtle"}}`, "Field 'pokemon' is not allowed"},
		{`{"Execution":{"Id":1}}`, "Execution.Id must be a string"},
		{`{"State":{"RetryCount":1.5}}`, "State.RetryCount must be an integer"},
	}
	for _, tt := range tests {
		e := checkContext(tt.ctx)
		got := ""
		if e != nil {
			got = e.Message
		}
		want := tt.want
		if want != "" {
			want = "Invalid Context object provided: " + want
		}
		if got != want {
			t.Errorf("%s: %q, want %q", tt.ctx, got, want)
		}
	}
}

func TestCheckCompositeMock(t *testing.T) {
	three := 3
	four := 4
	tests := []struct {
		typ      string
		writer   bool
		result   string
		failures *int
		want     string
	}{
		{"Map", false, `[1,2,3]`, &three, ""},
		{"Map", false, `[1,2,3]`, &four, "Map iteration failure count must be less than or equal to the number of Map iterations"},
		{"Map", false, `{}`, nil, "Mocked result must be an array."},
		{"Map", true, `[]`, nil, "Mocked result must be a JSON object."},
		{"Map", true, `{"a":1}`, nil, ""},
		{"Parallel", false, `"x"`, nil, "Mocked result must be an array."},
		{"Parallel", false, `[1]`, nil, "Mocked result must contain the same number of items as number of Parallel branches."},
		{"Parallel", false, `[1,2]`, nil, ""},
	}
	for _, tt := range tests {
		conf := &testStateConfiguration{MapIterationFailureCount: tt.failures}
		e := checkCompositeMock(tt.typ, tt.writer, 2, &tt.result, conf)
		got := ""
		if e != nil {
			got = e.Message
		}
		if got != tt.want {
			t.Errorf("%s %s: %q, want %q", tt.typ, tt.result, got, tt.want)
		}
	}
}

// FuzzCheckMockResult feeds arbitrary mocked results to the schema check: it must never panic.
func FuzzCheckMockResult(f *testing.F) {
	f.Add("arn:aws:states:::states:startExecution", `{"ExecutionArn":"a"}`)
	f.Add("arn:aws:states:::aws-sdk:s3:getObject", `{"Metadata":{"a":1},"StorageClass":7}`)
	f.Add("arn:aws:states:::events:putEvents", `{"Entries":[{"EventId":[null]}]}`)
	f.Add("arn:aws:states:::aws-sdk:x", `[`)
	f.Fuzz(func(t *testing.T, resource, result string) {
		for _, mode := range []string{"STRICT", "PRESENT"} {
			_ = checkMockResult(resource, mode, []byte(result))
		}
	})
}

// FuzzCheckContext feeds arbitrary context objects to checkContext: it must never panic.
func FuzzCheckContext(f *testing.F) {
	f.Add(`{"Execution":{"Id":1}}`)
	f.Add(`{"State":null}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, doc string) {
		_ = checkContext(doc)
	})
}

// TestTestStateRequests checks answers the recorded cases do not cover.
func TestTestStateRequests(t *testing.T) {
	e := startEnv(t, Config{})
	task := `{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},"Assign":{"v.$":"$.Payload"},"End":true}`
	tests := []struct {
		name    string
		params  map[string]any
		status  int
		want    string // the error message, or a member of the answer as JSON
		inspect string // inspectionData.variables, when checked
	}{
		{"mock without result or error", map[string]any{"definition": task, "mock": map[string]any{}}, 400,
			"A mock must specify exactly one of result and errorOutput", ""},
		{"variables after the state", map[string]any{"definition": task, "inspectionLevel": "DEBUG",
			"variables": `{"w":1}`, "mock": map[string]any{"result": `{"Payload":2}`}}, 200, "", `{"v":2,"w":1}`},
		{"variables not shown at INFO", map[string]any{"definition": task,
			"variables": `{"w":1}`, "mock": map[string]any{"result": `{"Payload":2}`}}, 200, "", ""},
	}
	for _, tt := range tests {
		status, body, err := post(e.srv.URL, "TestState", tt.params)
		if err != nil {
			t.Fatal(err)
		}
		if status != tt.status {
			t.Errorf("%s: HTTP %d %v, want %d", tt.name, status, body, tt.status)
			continue
		}
		if tt.want != "" && body["message"] != tt.want {
			t.Errorf("%s: message %v, want %q", tt.name, body["message"], tt.want)
		}
		insp, _ := body["inspectionData"].(map[string]any)
		vars, _ := insp["variables"].(string)
		if vars != tt.inspect {
			t.Errorf("%s: variables %q, want %q", tt.name, vars, tt.inspect)
		}
	}
}
