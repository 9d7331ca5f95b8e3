package charttest

import (
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestDefaultScenario(t *testing.T) {
	r := render(t, scenarioValues(t, "default"))
	c := r.Deployment.Spec.Template.Spec.Containers[0]
	a := args(t, c)
	if a["nats-url"] != "nats://nats.nats.svc:4222" || a["replicas"] != "3" || a["prefix"] != "stepjet" {
		t.Errorf("args %v", a)
	}
	for name, key := range map[string]string{"STEPJET_ACCESS_KEY_ID": "access-key-id", "STEPJET_SECRET_ACCESS_KEY": "secret-access-key"} {
		e := env(c, name)
		if e == nil || e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil || e.ValueFrom.SecretKeyRef.Name != "stepjet-api" || e.ValueFrom.SecretKeyRef.Key != key {
			t.Errorf("%s: %+v: want it from Secret stepjet-api key %s", name, e, key)
		}
	}
	if r.Deployment.Spec.Replicas == nil || *r.Deployment.Spec.Replicas != 2 {
		t.Errorf("replicas %v", r.Deployment.Spec.Replicas)
	}
	if r.PDB == nil || r.PDB.Spec.MaxUnavailable.IntVal != 1 || !maps.Equal(r.PDB.Spec.Selector.MatchLabels, r.Deployment.Spec.Selector.MatchLabels) {
		t.Errorf("PDB %+v: want maxUnavailable 1 over the executors", r.PDB)
	}
	if r.HPA != nil || r.ScaledObject != nil || r.ServiceMonitor != nil || len(r.ConfigMaps) != 0 {
		t.Error("optional objects rendered by default")
	}
	if _, ok := a["definitions"]; ok {
		t.Error("--definitions without definitions")
	}
	if g := *r.Deployment.Spec.Template.Spec.TerminationGracePeriodSeconds; g != 5+30+15 {
		t.Errorf("grace %d", g)
	}
}

func TestHAScenarioWithTheNATSChart(t *testing.T) {
	r := render(t, scenarioValues(t, "ha"))
	pod := r.Deployment.Spec.Template.Spec
	c := pod.Containers[0]
	a := args(t, c)
	// The NATS chart's client Service is named after the release; its cluster is 3 nodes.
	if a["nats-url"] != "nats://"+release+"-nats."+namespace+".svc:4222" || a["replicas"] != "3" {
		t.Errorf("--nats-url=%s --replicas=%s", a["nats-url"], a["replicas"])
	}
	if a["drain-timeout"] != "60s" || *pod.TerminationGracePeriodSeconds != 5+60+15 {
		t.Errorf("drain %s, grace %d", a["drain-timeout"], *pod.TerminationGracePeriodSeconds)
	}
	if len(r.ConfigMaps) != 1 {
		t.Fatalf("%d ConfigMaps", len(r.ConfigMaps))
	}
	cm := r.ConfigMaps[0]
	var keys []string
	for k := range cm.Data {
		keys = append(keys, k)
	}
	if strings.Join(sorted(keys), " ") != "double.asl.json hello.asl.json hello.settings.json" {
		t.Errorf("definitions ConfigMap keys %v", keys)
	}
	if a["definitions"] != "/etc/stepjet/definitions" || !mounted(c.VolumeMounts, "definitions", a["definitions"]) {
		t.Errorf("--definitions=%s not the mounted ConfigMap: %+v", a["definitions"], c.VolumeMounts)
	}
	found := false
	for _, v := range pod.Volumes {
		found = found || v.ConfigMap != nil && v.ConfigMap.Name == cm.Name
	}
	if !found {
		t.Errorf("ConfigMap %s is not a volume", cm.Name)
	}
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(r.Deployment.Spec.Template.Annotations["checksum/definitions"]) {
		t.Error("no checksum of the definitions on the pod template: helm upgrade would not roll the executors")
	}
	if r.PDB == nil {
		t.Error("no PDB with 3 replicas")
	}

	// With KEDA, the scaler reads the NATS chart's headless Service (whose DNS names each server).
	vals := scenarioValues(t, "ha")
	vals["autoscaling"] = map[string]any{"keda": map[string]any{"enabled": true}}
	k := render(t, vals)
	if got := k.ScaledObject.Spec.Triggers[0].Metadata["natsServerMonitoringEndpoint"]; got != release+"-nats-headless."+namespace+".svc.cluster.local:8222" {
		t.Errorf("KEDA monitoring endpoint %s", got)
	}
}

func TestKEDAScenario(t *testing.T) {
	r := render(t, scenarioValues(t, "keda"))
	c := r.Deployment.Spec.Template.Spec.Containers[0]
	a := args(t, c)
	if r.Deployment.Spec.Replicas != nil {
		t.Error("replicas set on a Deployment KEDA scales")
	}
	so := r.ScaledObject
	if so == nil || r.HPA != nil {
		t.Fatalf("ScaledObject %v, HPA %v", so, r.HPA)
	}
	if so.Spec.ScaleTargetRef.Name != r.Deployment.Name || *so.Spec.MinReplicaCount != 2 || *so.Spec.MaxReplicaCount != 30 {
		t.Errorf("scale target %+v min %d max %d", so.Spec.ScaleTargetRef, *so.Spec.MinReplicaCount, *so.Spec.MaxReplicaCount)
	}
	if len(so.Spec.Triggers) != 1 || so.Spec.Triggers[0].Type != "nats-jetstream" {
		t.Fatalf("triggers %+v", so.Spec.Triggers)
	}
	// prefix orders.prod → stream ORDERS_PROD_EXECUTIONS, durable orders.prod-executors (package wire).
	want := map[string]string{"natsServerMonitoringEndpoint": "nats.nats.svc.cluster.local:8222", "account": "$G",
		"stream": "ORDERS_PROD_EXECUTIONS", "consumer": "orders.prod-executors", "lagThreshold": "500",
		"activationLagThreshold": "0", "useHttps": "false"}
	if got := so.Spec.Triggers[0].Metadata; !maps.Equal(got, want) {
		t.Errorf("trigger metadata %v\nwant %v", got, want)
	}
	if a["prefix"] != "orders.prod" || a["creds"] != "/etc/stepjet/nats-creds/nats.creds" || !mounted(c.VolumeMounts, "nats-creds", "/etc/stepjet/nats-creds") {
		t.Errorf("args %v mounts %+v", a, c.VolumeMounts)
	}
	if r.PDB == nil {
		t.Error("no PDB with a minimum of 2 replicas")
	}
}

func TestServiceMonitorScenario(t *testing.T) {
	r := render(t, scenarioValues(t, "servicemonitor"))
	c := r.Deployment.Spec.Template.Spec.Containers[0]
	a := args(t, c)
	sm := r.ServiceMonitor
	if sm == nil || len(sm.Spec.Endpoints) != 1 || sm.Spec.Endpoints[0].Port != "http" || sm.Spec.Endpoints[0].Path != "/metrics" || sm.Spec.Endpoints[0].Interval != "15s" {
		t.Fatalf("ServiceMonitor %+v", sm)
	}
	if !maps.Equal(sm.Spec.Selector.MatchLabels, r.Service.Spec.Selector) && !selects(sm.Spec.Selector.MatchLabels, r.Service.Labels) {
		t.Error("the ServiceMonitor does not select the Service")
	}
	if sm.Metadata.Labels["release"] != "prometheus" {
		t.Errorf("labels %v", sm.Metadata.Labels)
	}
	// The dashboard ships as the sidecar's ConfigMap, byte for byte the repository's file.
	want, err := os.ReadFile(filepath.Join(chartDir, "dashboards", "stepjet-dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.ConfigMaps) != 1 || r.ConfigMaps[0].Labels["grafana_dashboard"] != "1" ||
		r.ConfigMaps[0].Data["stepjet-dashboard.json"] != strings.TrimRight(string(want), "\n") {
		t.Errorf("dashboard ConfigMaps: %d, want one labelled grafana_dashboard=1 holding dashboards/stepjet-dashboard.json", len(r.ConfigMaps))
	}
	if r.HPA == nil || r.HPA.Spec.MinReplicas == nil || *r.HPA.Spec.MinReplicas != 2 || r.HPA.Spec.Metrics[0].Resource.Name != "cpu" || r.HPA.Spec.ScaleTargetRef.Name != r.Deployment.Name {
		t.Errorf("HPA %+v", r.HPA)
	}
	if a["user"] != "$(NATS_USER)" || a["password"] != "$(NATS_PASSWORD)" || env(c, "NATS_PASSWORD") == nil || env(c, "NATS_PASSWORD").ValueFrom.SecretKeyRef.Name != "stepjet-nats-user" {
		t.Errorf("NATS user/password wiring: %v", a)
	}
	if a["tls-ca"] != "/etc/stepjet/nats-ca/ca.crt" || !mounted(c.VolumeMounts, "nats-ca", "/etc/stepjet/nats-ca") {
		t.Errorf("--tls-ca=%s", a["tls-ca"])
	}
	if env(c, "STEPJET_ACCESS_KEY_ID") != nil {
		t.Error("credentials with allowUnauthenticated and no Secret")
	}
}

func TestExternalNATSScenario(t *testing.T) {
	r := render(t, scenarioValues(t, "external-nats"))
	c := r.Deployment.Spec.Template.Spec.Containers[0]
	a := args(t, c)
	if a["nats-url"] != "nats://nats.example.internal:4222" || a["replicas"] != "1" {
		t.Errorf("args %v", a)
	}
	if r.PDB != nil {
		t.Error("a PDB over a single replica blocks node drains")
	}
	if a["nkey"] != "/etc/stepjet/nats-nkey/nkey.seed" || !mounted(c.VolumeMounts, "nats-nkey", "/etc/stepjet/nats-nkey") {
		t.Errorf("--nkey=%s mounts %+v", a["nkey"], c.VolumeMounts)
	}
	if len(r.ConfigMaps) != 0 || a["definitions"] == "" {
		t.Errorf("existingConfigMap: %d ConfigMaps rendered, --definitions=%q", len(r.ConfigMaps), a["definitions"])
	}
	for _, v := range r.Deployment.Spec.Template.Spec.Volumes {
		if v.Name == "definitions" && (v.ConfigMap == nil || v.ConfigMap.Name != "my-workflows") {
			t.Errorf("definitions volume %+v", v)
		}
	}
}

// The chart refuses what cannot work or is unsafe, saying what to change; the schema refuses
// unknown keys and wrong types.
func TestRefusals(t *testing.T) {
	base := func() map[string]any { return scenarioValues(t, "default") }
	set := func(v map[string]any, path string, val any) map[string]any {
		keys := strings.Split(path, ".")
		m := v
		for _, k := range keys[:len(keys)-1] {
			next, ok := m[k].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[k] = next
			}
			m = next
		}
		m[keys[len(keys)-1]] = val
		return v
	}
	for _, tc := range []struct {
		name string
		vals map[string]any
		want string
	}{
		{"an exposed API without credentials", set(base(), "api.credentials.existingSecret", ""), "without authentication"},
		{"no NATS", set(base(), "externalNats.url", ""), "needs NATS JetStream"},
		{"both NATS sources", set(base(), "nats.enabled", true), "not both"},
		{"HPA and KEDA", set(set(set(base(), "autoscaling.hpa.enabled", true), "autoscaling.keda.enabled", true), "externalNats.monitoringEndpoint", "n:8222"), "mutually exclusive"},
		{"KEDA to zero", set(set(set(base(), "autoscaling.keda.enabled", true), "autoscaling.keda.minReplicaCount", 0), "externalNats.monitoringEndpoint", "n:8222"), "allowScaleToZero"},
		{"KEDA without monitoring", set(base(), "autoscaling.keda.enabled", true), "monitoring endpoint"},
		{"an unknown key", set(base(), "replicaCont", 3), "replicaCont"},
		{"an unknown nested key", set(base(), "executor.maxInflight", 3), "maxInflight"},
		{"a wrong type", set(base(), "replicaCount", "two"), "replicaCount"},
		{"a bad duration", set(base(), "executor.timeout", "five minutes"), "timeout"},
		{"a setting the executors would refuse", set(base(), "definitions.machines", map[string]any{"m": map[string]any{"definition": "{}", "settings": map[string]any{"description": "x"}}}), "description"},
		{"a bad log level", set(base(), "definitions.machines", map[string]any{"m": map[string]any{"definition": "{}", "settings": map[string]any{"loggingConfiguration": map[string]any{"level": "LOUD"}}}}), "level"},
		{"a bad machine name", set(base(), "definitions.machines", map[string]any{"a b": map[string]any{"definition": "{}"}}), "a b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if msg := renderError(t, tc.vals); !strings.Contains(msg, tc.want) {
				t.Errorf("refusal %q does not mention %q", msg, tc.want)
			}
		})
	}
	// allowUnauthenticated is the explicit way out.
	render(t, set(set(base(), "api.credentials.existingSecret", ""), "api.allowUnauthenticated", true))
	render(t, set(set(set(base(), "autoscaling.keda.enabled", true), "autoscaling.keda.allowScaleToZero", true), "externalNats.monitoringEndpoint", "n:8222"))
}

// Every flag the chart passes exists in `stepjet serve --help` of this tree.
func TestEveryFlagExists(t *testing.T) {
	help, _ := exec.Command(stepjetBinary(t), "serve", "--help").CombinedOutput()
	for _, name := range scenarios(t) {
		vals := scenarioValues(t, name)
		r := render(t, vals)
		for flag := range args(t, r.Deployment.Spec.Template.Spec.Containers[0]) {
			if !regexp.MustCompile(`(?m)^\s+-` + regexp.QuoteMeta(flag) + `\b`).Match(help) {
				t.Errorf("%s: --%s is not a flag of `stepjet serve`", name, flag)
			}
		}
	}
}

func mounted(ms []corev1VolumeMount, name, path string) bool {
	for _, m := range ms {
		if m.Name == name && m.MountPath == path {
			return true
		}
	}
	return false
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
