package definitions

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/stepjet/stepjet/engine/validate"
)

// Machine is one state machine read from a directory.
type Machine struct {
	Name       string // the file name up to its first dot: order.asl.json → order
	File       string
	Definition string
	Settings   Settings
}

// Settings are a machine's CreateStateMachine parameters besides its definition. The zero value
// means AWS's defaults: logging OFF, tracing off, no tags, the role arn:aws:iam::ACCOUNT:role/stepjet.
type Settings struct {
	RoleArn              string            `json:"roleArn,omitempty"`
	LoggingConfiguration *Logging          `json:"loggingConfiguration,omitempty"`
	TracingConfiguration *Tracing          `json:"tracingConfiguration,omitempty"`
	Tags                 map[string]string `json:"tags,omitempty"`
}

// Logging is AWS's LoggingConfiguration. Its field order is the API's (package awsapi), so the
// stored bytes compare equal whichever wrote them.
type Logging struct {
	Level                string        `json:"level"`
	IncludeExecutionData bool          `json:"includeExecutionData"`
	Destinations         []Destination `json:"destinations,omitzero"`
}

// Destination is a log destination: a CloudWatch log group ARN, recorded as AWS would (stepjet
// publishes log events on its logs stream).
type Destination struct {
	CloudWatchLogsLogGroup *struct {
		LogGroupArn string `json:"logGroupArn"`
	} `json:"cloudWatchLogsLogGroup,omitempty"`
}

// Tracing is AWS's TracingConfiguration.
type Tracing struct {
	Enabled bool `json:"enabled"`
}

const (
	definitionSuffix = ".asl.json"
	settingsSuffix   = ".settings.json"
)

// Load reads every NAME.asl.json in dir (and NAME.settings.json when present) and checks them
// all — strict settings, valid names, definitions valid for an EXPRESS machine — before anything
// is applied, so one bad file changes nothing. Other files are ignored, except a settings file
// with no definition beside it (a misspelt name). Symbolic links are followed: a Kubernetes
// ConfigMap volume is made of them.
func Load(dir string) ([]Machine, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("definitions: %w", err)
	}
	names := map[string]bool{}
	var out []Machine
	var errs []error
	for _, e := range entries {
		file := e.Name()
		if strings.HasPrefix(file, "..") { // a ConfigMap volume's own bookkeeping
			continue
		}
		name, _, _ := strings.Cut(file, ".")
		switch {
		case strings.HasSuffix(file, settingsSuffix):
			if file != name+settingsSuffix {
				errs = append(errs, fmt.Errorf("definitions: %s: want NAME%s with no other dot in NAME", file, settingsSuffix))
			} else if _, err := os.Stat(filepath.Join(dir, name+definitionSuffix)); err != nil {
				errs = append(errs, fmt.Errorf("definitions: %s has no %s beside it", file, name+definitionSuffix))
			}
			continue
		case !strings.HasSuffix(file, definitionSuffix):
			continue
		}
		m, err := loadMachine(dir, file, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if names[m.Name] {
			errs = append(errs, fmt.Errorf("definitions: %s: a second definition of machine %q", file, m.Name))
			continue
		}
		names[m.Name] = true
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, errors.Join(errs...)
}

func loadMachine(dir, file, name string) (Machine, error) {
	if !validName(name) {
		return Machine{}, fmt.Errorf("definitions: %s: %q is not a state machine name (1–80 letters, digits, - and _)", file, name)
	}
	def, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		return Machine{}, fmt.Errorf("definitions: %w", err)
	}
	m := Machine{Name: name, File: file, Definition: strings.TrimSpace(string(def))}
	if diags := validate.Definition([]byte(m.Definition), validate.Options{Type: "EXPRESS"}); validate.HasErrors(diags) {
		return Machine{}, fmt.Errorf("definitions: %s: %s", file, validate.InvalidDefinitionMessage(diags))
	}
	sb, err := os.ReadFile(filepath.Join(dir, name+settingsSuffix))
	if errors.Is(err, os.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return Machine{}, fmt.Errorf("definitions: %w", err)
	}
	// Strict as the API is: names are case-sensitive, unknown or duplicate members refused.
	if err := jsonv2.Unmarshal(sb, &m.Settings, jsonv2.RejectUnknownMembers(true)); err != nil {
		return Machine{}, fmt.Errorf("definitions: %s%s: %v", name, settingsSuffix, err)
	}
	if err := m.Settings.check(); err != nil {
		return Machine{}, fmt.Errorf("definitions: %s%s: %v", name, settingsSuffix, err)
	}
	return m, nil
}

// check applies CreateStateMachine's rules to the settings.
func (s *Settings) check() error {
	if s.RoleArn != "" && !strings.HasPrefix(s.RoleArn, "arn:") {
		return fmt.Errorf("roleArn %q is not an ARN", s.RoleArn)
	}
	if l := s.LoggingConfiguration; l != nil {
		if l.Level == "" {
			l.Level = "OFF"
		}
		switch l.Level {
		case "ALL", "ERROR", "FATAL", "OFF":
		default:
			return fmt.Errorf("loggingConfiguration.level %q: want ALL, ERROR, FATAL or OFF", l.Level)
		}
		if len(l.Destinations) > 1 {
			return errors.New("loggingConfiguration: at most one destination")
		}
		for _, d := range l.Destinations {
			if d.CloudWatchLogsLogGroup == nil || !strings.HasPrefix(d.CloudWatchLogsLogGroup.LogGroupArn, "arn:") ||
				!strings.Contains(d.CloudWatchLogsLogGroup.LogGroupArn, ":log-group:") {
				return errors.New("loggingConfiguration.destinations: want cloudWatchLogsLogGroup.logGroupArn, a log group ARN")
			}
		}
	}
	for k, v := range s.Tags {
		if k == "" || len(k) > 128 || len(v) > 256 {
			return fmt.Errorf("tag %q: keys are 1–128 characters, values at most 256", k)
		}
	}
	return nil
}

func validName(n string) bool {
	if n == "" || len(n) > 80 {
		return false
	}
	for _, r := range n {
		if !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}
