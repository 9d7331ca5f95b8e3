//go:build ignore

// teststate_schema_gen writes teststate_schemas.json.gz, the output shapes of the AWS service
// operations whose mocked results TestState validates (fieldValidationMode), from botocore's
// service models (the AWS SDK for Python's data directory):
//
//	go run teststate_schema_gen.go -botocore $(python3 -c 'import botocore,os;print(os.path.dirname(botocore.__file__))')/data
//
// Only what validation needs is kept: types, required members, ranges, lengths and enums of the
// shapes reachable from each operation's output.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"log"
	"os"
	"path/filepath"
	"sort"
)

// services are the botocore service directories kept: the services of Step Functions'
// optimized integrations and the AWS SDK integrations most used from workflows.
var services = []string{
	"athena", "batch", "bedrock", "bedrock-runtime", "cloudwatch", "codebuild", "comprehend",
	"databrew", "dynamodb", "ecs", "eks", "emr", "emr-containers", "emr-serverless",
	"events", "firehose", "glue", "kinesis", "kms", "lambda", "logs", "mediaconvert", "rekognition",
	"s3", "sagemaker", "secretsmanager", "ses", "sesv2", "sns", "sqs", "ssm", "stepfunctions",
	"sts", "textract", "translate",
}

type shape struct {
	Type     string            `json:"type"`
	Required []string          `json:"required,omitempty"`
	Members  map[string]string `json:"members,omitempty"`
	Member   string            `json:"member,omitempty"`
	Value    string            `json:"value,omitempty"`
	Min      *float64          `json:"min,omitempty"`
	Max      *float64          `json:"max,omitempty"`
	Enum     []string          `json:"enum,omitempty"`
	Payload  string            `json:"payload,omitempty"`
}

type service struct {
	Ops    map[string]string `json:"ops"`
	Shapes map[string]*shape `json:"shapes"`
}

type ref struct {
	Shape string `json:"shape"`
}

type model struct {
	Operations map[string]struct {
		Output *ref `json:"output"`
	} `json:"operations"`
	Shapes map[string]struct {
		Type     string         `json:"type"`
		Required []string       `json:"required"`
		Members  map[string]ref `json:"members"`
		Member   *ref           `json:"member"`
		Value    *ref           `json:"value"`
		Min      *float64       `json:"min"`
		Max      *float64       `json:"max"`
		Enum     []string       `json:"enum"`
		Payload  string         `json:"payload"`
	} `json:"shapes"`
}

func main() {
	dir := flag.String("botocore", "", "botocore's data directory")
	out := flag.String("o", "teststate_schemas.json.gz", "output file")
	flag.Parse()
	all := map[string]*service{}
	for _, name := range services {
		versions, _ := filepath.Glob(filepath.Join(*dir, name, "*", "service-2.json*"))
		if len(versions) == 0 {
			log.Fatalf("%s: no service model", name)
		}
		sort.Strings(versions)
		m := load(versions[len(versions)-1])
		svc := &service{Ops: map[string]string{}, Shapes: map[string]*shape{}}
		var keep func(string)
		keep = func(n string) {
			if _, ok := svc.Shapes[n]; ok {
				return
			}
			s := m.Shapes[n]
			o := &shape{Type: s.Type, Required: s.Required, Min: s.Min, Max: s.Max, Enum: s.Enum, Payload: s.Payload}
			svc.Shapes[n] = o
			if len(s.Members) > 0 {
				o.Members = map[string]string{}
				for k, r := range s.Members {
					o.Members[k] = r.Shape
					keep(r.Shape)
				}
			}
			if s.Member != nil {
				o.Member = s.Member.Shape
				keep(o.Member)
			}
			if s.Value != nil {
				o.Value = s.Value.Shape
				keep(o.Value)
			}
		}
		for op, o := range m.Operations {
			if o.Output != nil {
				svc.Ops[op] = o.Output.Shape
				keep(o.Output.Shape)
			}
		}
		all[name] = svc
	}
	b, err := json.Marshal(all)
	if err != nil {
		log.Fatal(err)
	}
	var gz bytes.Buffer
	w, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	w.Write(b)
	w.Close()
	if err := os.WriteFile(*out, gz.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("%d services, %d bytes (%d uncompressed)", len(all), gz.Len(), len(b))
}

func load(path string) *model {
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	var r interface{ Read([]byte) (int, error) } = f
	if filepath.Ext(path) == ".gz" {
		z, err := gzip.NewReader(f)
		if err != nil {
			log.Fatal(err)
		}
		r = z
	}
	var m model
	if err := json.NewDecoder(r).Decode(&m); err != nil {
		log.Fatalf("%s: %v", path, err)
	}
	return &m
}
