// Package charttest proves the Helm chart in ../stepjet on a machine without a Kubernetes API
// server: it renders the chart with Helm's own engine for every scenario in ../stepjet/ci,
// decodes every manifest strictly into k8s.io/api types (an unknown or misspelt field fails),
// lints it, and runs what the rendered Deployment would run (run_test.go).
package charttest

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	"helm.sh/helm/v4/pkg/chart/v2/lint"
	"helm.sh/helm/v4/pkg/chart/v2/lint/support"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/engine"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/yaml"
)

const (
	chartDir  = "../stepjet"
	release   = "wf"
	namespace = "workflows"
)

// rendered is one chart rendering, decoded.
type rendered struct {
	Deployment     *appsv1.Deployment
	Service        *corev1.Service
	ServiceAccount *corev1.ServiceAccount
	ConfigMaps     []*corev1.ConfigMap
	PDB            *policyv1.PodDisruptionBudget
	HPA            *autoscalingv2.HorizontalPodAutoscaler
	ScaledObject   *scaledObject
	ServiceMonitor *serviceMonitor
	TestPod        *corev1.Pod
	Notes          string
}

// The two custom resources the chart renders, with the fields the chart sets; decoding is
// strict, so a field the chart writes that is not here (a typo) fails the test.
type scaledObject struct {
	APIVersion string         `json:"apiVersion"`
	Kind       string         `json:"kind"`
	Metadata   objectMetadata `json:"metadata"`
	Spec       struct {
		ScaleTargetRef struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Name       string `json:"name"`
		} `json:"scaleTargetRef"`
		MinReplicaCount *int32 `json:"minReplicaCount"`
		MaxReplicaCount *int32 `json:"maxReplicaCount"`
		PollingInterval *int32 `json:"pollingInterval"`
		CooldownPeriod  *int32 `json:"cooldownPeriod"`
		Triggers        []struct {
			Type     string            `json:"type"`
			Metadata map[string]string `json:"metadata"`
		} `json:"triggers"`
	} `json:"spec"`
}

type serviceMonitor struct {
	APIVersion string         `json:"apiVersion"`
	Kind       string         `json:"kind"`
	Metadata   objectMetadata `json:"metadata"`
	Spec       struct {
		Selector          struct{ MatchLabels map[string]string } `json:"selector"`
		NamespaceSelector struct {
			MatchNames []string `json:"matchNames"`
		} `json:"namespaceSelector"`
		Endpoints []struct {
			Port          string `json:"port"`
			Path          string `json:"path"`
			Interval      string `json:"interval"`
			ScrapeTimeout string `json:"scrapeTimeout"`
		} `json:"endpoints"`
	} `json:"spec"`
}

type objectMetadata struct {
	Name        string            `json:"name"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// scenarios lists ../stepjet/ci/*-values.yaml by name ("default", "ha", ...).
func scenarios(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(chartDir, "ci", "*-values.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios in %s/ci: %v", chartDir, err)
	}
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(filepath.Base(f), "-values.yaml"))
	}
	sort.Strings(names)
	return names
}

func scenarioValues(t *testing.T, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(chartDir, "ci", name+"-values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := yaml.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s-values.yaml: %v", name, err)
	}
	return v
}

// renderChart renders the chart as `helm template` would (values validated against
// values.schema.json), returning the manifests by template path.
func renderChart(vals map[string]any) (map[string]string, error) {
	ch, err := loader.Load(chartDir)
	if err != nil {
		return nil, err
	}
	caps := common.DefaultCapabilities.Copy()
	kv, err := common.ParseKubeVersion("v1.33.0")
	if err != nil {
		return nil, err
	}
	caps.KubeVersion = *kv
	opts := common.ReleaseOptions{Name: release, Namespace: namespace, Revision: 1, IsInstall: true}
	rv, err := util.ToRenderValuesWithSchemaValidation(ch, vals, opts, caps, false)
	if err != nil {
		return nil, err
	}
	return engine.Render(ch, rv)
}

// render renders and strictly decodes every manifest.
func render(t *testing.T, vals map[string]any) rendered {
	t.Helper()
	files, err := renderChart(vals)
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	var r rendered
	for path, text := range files {
		if strings.HasSuffix(path, "NOTES.txt") {
			r.Notes = text
			continue
		}
		if strings.HasSuffix(path, ".tpl") {
			continue
		}
		for _, doc := range strings.Split(text, "\n---") {
			if strings.TrimSpace(stripComments(doc)) == "" {
				continue
			}
			decodeInto(t, path, doc, &r)
		}
	}
	if r.Deployment == nil || r.Service == nil {
		t.Fatal("no Deployment or Service rendered")
	}
	return r
}

func stripComments(doc string) string {
	var b strings.Builder
	for _, l := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// decodeInto decodes one manifest strictly into the type its kind names; unknown kinds fail.
func decodeInto(t *testing.T, path, doc string, r *rendered) {
	t.Helper()
	var head struct{ APIVersion, Kind string }
	if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
		t.Fatalf("%s: not YAML: %v\n%s", path, err, doc)
	}
	var into any
	switch head.APIVersion + " " + head.Kind {
	case "apps/v1 Deployment":
		r.Deployment = new(appsv1.Deployment)
		into = r.Deployment
	case "v1 Service":
		r.Service = new(corev1.Service)
		into = r.Service
	case "v1 ServiceAccount":
		r.ServiceAccount = new(corev1.ServiceAccount)
		into = r.ServiceAccount
	case "v1 ConfigMap":
		cm := new(corev1.ConfigMap)
		r.ConfigMaps = append(r.ConfigMaps, cm)
		into = cm
	case "policy/v1 PodDisruptionBudget":
		r.PDB = new(policyv1.PodDisruptionBudget)
		into = r.PDB
	case "autoscaling/v2 HorizontalPodAutoscaler":
		r.HPA = new(autoscalingv2.HorizontalPodAutoscaler)
		into = r.HPA
	case "keda.sh/v1alpha1 ScaledObject":
		r.ScaledObject = new(scaledObject)
		into = r.ScaledObject
	case "monitoring.coreos.com/v1 ServiceMonitor":
		r.ServiceMonitor = new(serviceMonitor)
		into = r.ServiceMonitor
	case "v1 Pod":
		r.TestPod = new(corev1.Pod)
		into = r.TestPod
	default:
		t.Fatalf("%s: unexpected %s %s", path, head.APIVersion, head.Kind)
	}
	if err := yaml.UnmarshalStrict([]byte(doc), into); err != nil {
		t.Fatalf("%s: strict decode of %s: %v\n%s", path, head.Kind, err, doc)
	}
}

// renderError renders expecting a refusal and returns its message.
func renderError(t *testing.T, vals map[string]any) string {
	t.Helper()
	_, err := renderChart(vals)
	if err == nil {
		t.Fatal("the chart rendered; want a refusal")
	}
	return err.Error()
}

// missingNATSDependency is the one lint finding allowed: the NATS chart is a dependency
// fetched by `helm dependency build`, which needs the internet these machines do not have.
const missingNATSDependency = "chart directory is missing these dependencies: nats"

func natsVendored() bool {
	m, _ := filepath.Glob(filepath.Join(chartDir, "charts", "nats*"))
	return len(m) > 0
}

func TestLintEveryScenario(t *testing.T) {
	for _, name := range scenarios(t) {
		t.Run(name, func(t *testing.T) {
			l := lint.RunAll(chartDir, scenarioValues(t, name), namespace)
			for _, m := range l.Messages {
				if m.Severity >= support.WarningSev { // what `helm lint --strict` fails on
					if !natsVendored() && strings.Contains(m.Err.Error(), missingNATSDependency) {
						continue
					}
					t.Errorf("lint: %s", m)
				}
			}
		})
	}
}

func TestEveryScenarioDecodesStrictly(t *testing.T) {
	for _, name := range scenarios(t) {
		t.Run(name, func(t *testing.T) {
			r := render(t, scenarioValues(t, name))
			checkCommon(t, r)
		})
	}
}

// args returns the serve flags of the rendered container as name → value.
func args(t *testing.T, c corev1.Container) map[string]string {
	t.Helper()
	if len(c.Args) == 0 || c.Args[0] != "serve" {
		t.Fatalf("args %q: want `serve` first", c.Args)
	}
	out := map[string]string{}
	for _, a := range c.Args[1:] {
		name, val, _ := strings.Cut(strings.TrimPrefix(a, "--"), "=")
		if _, dup := out[name]; dup {
			t.Errorf("flag --%s given twice", name)
		}
		out[name] = val
	}
	return out
}

func env(c corev1.Container, name string) *corev1.EnvVar {
	for i := range c.Env {
		if c.Env[i].Name == name {
			return &c.Env[i]
		}
	}
	return nil
}

// checkCommon asserts what every scenario must have: secure pods, probes, the grace period,
// the wiring of the http port.
func checkCommon(t *testing.T, r rendered) {
	t.Helper()
	d := r.Deployment
	pod := d.Spec.Template.Spec
	if len(pod.Containers) != 1 {
		t.Fatalf("%d containers", len(pod.Containers))
	}
	c := pod.Containers[0]
	if fmt.Sprint(c.Command) != "[/stepjet]" {
		t.Errorf("command %q: want the image's /stepjet", c.Command)
	}
	ps := pod.SecurityContext
	if ps == nil || ps.RunAsNonRoot == nil || !*ps.RunAsNonRoot || ps.RunAsUser == nil || *ps.RunAsUser != 65532 ||
		ps.SeccompProfile == nil || ps.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("pod security context %+v", ps)
	}
	sc := c.SecurityContext
	if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
		sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
		sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot || sc.RunAsUser == nil || *sc.RunAsUser != 65532 ||
		sc.Capabilities == nil || fmt.Sprint(sc.Capabilities.Drop) != "[ALL]" || len(sc.Capabilities.Add) != 0 ||
		sc.SeccompProfile == nil || sc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("container security context %+v", sc)
	}
	for name, p := range map[string]*corev1.Probe{"/readyz startup": c.StartupProbe, "/readyz readiness": c.ReadinessProbe, "/healthz liveness": c.LivenessProbe} {
		path, _, _ := strings.Cut(name, " ")
		if p == nil || p.HTTPGet == nil || p.HTTPGet.Path != path || p.HTTPGet.Port.StrVal != "http" {
			t.Errorf("%s probe: %+v", name, p)
		}
	}
	if len(c.Ports) != 1 || c.Ports[0].Name != "http" {
		t.Errorf("ports %+v: want one named http", c.Ports)
	}
	sp := r.Service.Spec.Ports
	if len(sp) != 1 || sp[0].Name != "http" || sp[0].TargetPort.StrVal != "http" || sp[0].Port != c.Ports[0].ContainerPort {
		t.Errorf("service ports %+v", sp)
	}
	a := args(t, c)
	if a["http-addr"] != fmt.Sprintf("0.0.0.0:%d", c.Ports[0].ContainerPort) {
		t.Errorf("--http-addr=%s does not serve the http port on the pod's address", a["http-addr"])
	}
	if a["nats-url"] == "" || a["replicas"] == "" {
		t.Errorf("--nats-url=%q --replicas=%q", a["nats-url"], a["replicas"])
	}
	// The grace period covers preStop + the whole drain, with room to close NATS.
	drain := durationSeconds(t, a["drain-timeout"])
	preStop := int64(0)
	if c.Lifecycle != nil && c.Lifecycle.PreStop != nil && c.Lifecycle.PreStop.Sleep != nil {
		preStop = c.Lifecycle.PreStop.Sleep.Seconds
	}
	if g := pod.TerminationGracePeriodSeconds; g == nil || *g < preStop+drain+10 {
		t.Errorf("terminationGracePeriodSeconds %v < preStop %d + drain %d + 10", g, preStop, drain)
	}
	if d.Spec.Strategy.RollingUpdate == nil || d.Spec.Strategy.RollingUpdate.MaxUnavailable.IntVal != 0 {
		t.Errorf("rolling update %+v: want maxUnavailable 0", d.Spec.Strategy.RollingUpdate)
	}
	if len(pod.TopologySpreadConstraints) == 0 || pod.TopologySpreadConstraints[0].TopologyKey != "kubernetes.io/hostname" {
		t.Errorf("topology spread %+v: want across hosts", pod.TopologySpreadConstraints)
	}
	for k, v := range d.Spec.Selector.MatchLabels {
		if d.Spec.Template.Labels[k] != v || r.Service.Spec.Selector[k] != v {
			t.Errorf("selector label %s=%s not on the pods or the Service", k, v)
		}
	}
	if r.TestPod == nil || r.TestPod.Annotations["helm.sh/hook"] != "test" {
		t.Fatal("no helm test hook pod")
	}
	if selects(r.Service.Spec.Selector, r.TestPod.Labels) {
		t.Error("the Service selects the helm test pod")
	}
	if !strings.Contains(r.Notes, "--endpoint-url http://localhost:") {
		t.Errorf("NOTES.txt has no aws --endpoint-url example:\n%s", r.Notes)
	}
}

func selects(selector, labels map[string]string) bool {
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return len(selector) > 0
}

func durationSeconds(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	if _, err := fmt.Sscanf(s, "%ds", &n); err != nil {
		t.Fatalf("--drain-timeout=%q: want whole seconds", s)
	}
	return n
}
