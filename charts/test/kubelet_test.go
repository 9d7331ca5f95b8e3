package charttest

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// kubelet runs a rendered pod template as a local process, doing what a kubelet does with the
// parts of it that matter here: the container's command, args (with $(VAR) expansion) and env
// (Secret keys, the memory limit), its volumes (ConfigMaps and Secrets laid out with the
// kubelet's ..data links, emptyDirs), its user (runAsUser/runAsGroup, when the test runs as
// root), its probes, preStop sleep and termination grace period.
//
// Two translations stand in for what a container runtime would give: the command's /stepjet is
// the binary the image holds (built the same way), and each pod gets its own loopback port for
// the container port, since pods here share one network namespace instead of having an IP each.
// A volume's mount path becomes a directory under the pod's own root, and the args naming it
// are rewritten to that directory.
type kubelet struct {
	t          *testing.T
	bin        string
	base       string
	secrets    map[string]map[string]string
	configMaps map[string]*corev1.ConfigMap
}

type pod struct {
	name      string
	spec      corev1.PodSpec
	container corev1.Container
	httpAddr  string
	cmd       *exec.Cmd
	logs      *lockedBuffer
	done      chan struct{}
	exitErr   error
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newKubelet(t *testing.T, bin string, secrets map[string]map[string]string, cms []*corev1.ConfigMap) *kubelet {
	t.Helper()
	base, err := os.MkdirTemp("", "stepjet-pods-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	// The pods may run as 65532: they must reach their files and the binary.
	for _, d := range []string{base, filepath.Dir(bin)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	k := &kubelet{t: t, bin: bin, base: base, secrets: secrets, configMaps: map[string]*corev1.ConfigMap{}}
	for _, cm := range cms {
		k.configMaps[cm.Name] = cm
	}
	return k
}

var varRef = regexp.MustCompile(`\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)

// expand does Kubernetes' $(VAR) expansion of command and args ($$ is a literal $; an unknown
// reference stays as written).
func expand(s string, env map[string]string) string {
	return varRef.ReplaceAllStringFunc(s, func(m string) string {
		if m == "$$" {
			return "$"
		}
		if v, ok := env[m[2:len(m)-1]]; ok {
			return v
		}
		return m
	})
}

// start runs the Deployment's pod template as pod name.
func (k *kubelet) start(d *appsv1.Deployment, name string) *pod {
	t := k.t
	t.Helper()
	spec := d.Spec.Template.Spec
	c := spec.Containers[0]
	root := filepath.Join(k.base, name)
	if err := os.MkdirAll(filepath.Join(root, "tmp"), 0o1777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(root, "tmp"), 0o1777|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	volumes := map[string]corev1.Volume{}
	for _, v := range spec.Volumes {
		volumes[v.Name] = v
	}
	paths := map[string]string{} // mount path → host directory
	for _, m := range c.VolumeMounts {
		v, ok := volumes[m.Name]
		if !ok {
			t.Fatalf("volume mount %s names no volume", m.Name)
		}
		dir := filepath.Join(root, m.MountPath)
		paths[m.MountPath] = dir
		switch {
		case v.EmptyDir != nil:
			if err := os.MkdirAll(dir, 0o777); err != nil {
				t.Fatal(err)
			}
			_ = os.Chmod(dir, 0o777)
		case v.ConfigMap != nil:
			cm, ok := k.configMaps[v.ConfigMap.Name]
			if !ok {
				t.Fatalf("ConfigMap %s is not in the cluster", v.ConfigMap.Name)
			}
			k.project(dir, cm.Data)
		case v.Secret != nil:
			s, ok := k.secrets[v.Secret.SecretName]
			if !ok {
				t.Fatalf("Secret %s is not in the cluster", v.Secret.SecretName)
			}
			k.project(dir, s)
		default:
			t.Fatalf("volume %s: a kind this kubelet does not run", v.Name)
		}
	}
	env := map[string]string{}
	var envList []string
	for _, e := range c.Env {
		val := expand(e.Value, env)
		if f := e.ValueFrom; f != nil {
			switch {
			case f.SecretKeyRef != nil:
				v, ok := k.secrets[f.SecretKeyRef.Name][f.SecretKeyRef.Key]
				if !ok {
					t.Fatalf("env %s: Secret %s has no key %s", e.Name, f.SecretKeyRef.Name, f.SecretKeyRef.Key)
				}
				val = v
			case f.ResourceFieldRef != nil && f.ResourceFieldRef.Resource == "limits.memory":
				val = fmt.Sprint(c.Resources.Limits.Memory().Value())
			default:
				t.Fatalf("env %s: a source this kubelet does not resolve", e.Name)
			}
		}
		env[e.Name] = val
		envList = append(envList, e.Name+"="+val)
	}
	port := c.Ports[0].ContainerPort
	p := &pod{name: name, spec: spec, container: c, httpAddr: fmt.Sprintf("127.0.0.1:%d", freePort(t)), logs: &lockedBuffer{}, done: make(chan struct{})}
	var args []string
	for _, a := range append(append([]string(nil), c.Command[1:]...), c.Args...) {
		a = expand(a, env)
		a = strings.Replace(a, fmt.Sprintf("0.0.0.0:%d", port), p.httpAddr, 1)
		args = append(args, mapMountPath(a, paths))
	}
	if c.Command[0] != "/stepjet" {
		t.Fatalf("command %q: the image's entrypoint is /stepjet", c.Command)
	}
	p.cmd = exec.Command(k.bin, args...)
	p.cmd.Env = append(envList, "PATH=/", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt") // the image's own env
	p.cmd.Dir = filepath.Join(root, "tmp")                                                    // the image's WORKDIR
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if os.Geteuid() == 0 {
		uid, gid := spec.SecurityContext.RunAsUser, spec.SecurityContext.RunAsGroup
		if sc := c.SecurityContext; sc != nil && sc.RunAsUser != nil {
			uid, gid = sc.RunAsUser, sc.RunAsGroup
		}
		p.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(*uid), Gid: uint32(*gid)}}
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.exitErr = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		if !p.exited() {
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// project writes a ConfigMap's or Secret's keys as the kubelet does: into a timestamped
// directory, linked by ..data, each key a link through ..data.
func (k *kubelet) project(dir string, data map[string]string) {
	t := k.t
	ts := "..2026_12_07_00_00_00.000000001"
	if err := os.MkdirAll(filepath.Join(dir, ts), 0o755); err != nil {
		t.Fatal(err)
	}
	_ = os.Chmod(dir, 0o755)
	for key, val := range data {
		if err := os.WriteFile(filepath.Join(dir, ts, key), []byte(val), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Join("..data", key), filepath.Join(dir, key)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(ts, filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
}

func (p *pod) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// probe runs one of the container's HTTP probes against the pod.
func (p *pod) probe(pr *corev1.Probe) bool {
	if p.exited() {
		return false
	}
	client := http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://" + p.httpAddr + pr.HTTPGet.Path)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode >= 200 && resp.StatusCode < 400
}

func (p *pod) ready() bool { return p.probe(p.container.ReadinessProbe) }

// kill ends the pod at once (SIGKILL: a crash, an OOM kill, a lost node).
func (p *pod) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// terminate stops the pod as Kubernetes does: the preStop sleep, SIGTERM, and SIGKILL when the
// grace period runs out. It reports whether the pod exited on its own, and how.
func (p *pod) terminate() (exitedInTime bool, err error) {
	if lc := p.container.Lifecycle; lc != nil && lc.PreStop != nil && lc.PreStop.Sleep != nil {
		time.Sleep(time.Duration(lc.PreStop.Sleep.Seconds) * time.Second)
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	grace := time.Duration(*p.spec.TerminationGracePeriodSeconds) * time.Second
	select {
	case <-p.done:
		return true, p.exitErr
	case <-time.After(grace):
		p.kill()
		return false, p.exitErr
	}
}

// service is the rendered Service: a proxy on its port that sends each request to one of the
// pods whose readiness probe passes, as kube-proxy sends to a Service's ready endpoints.
type service struct {
	addr string
	mu   sync.Mutex
	pods []*pod
	next int
	srv  *http.Server
}

func startService(t *testing.T) *service {
	t.Helper()
	s := &service{addr: fmt.Sprintf("127.0.0.1:%d", freePort(t))}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.Out.URL.Scheme = "http"
			r.Out.URL.Host = r.In.Context().Value(endpointKey{}).(string)
			r.Out.Host = r.In.Host // SigV4 signs the Host header the client sent
		},
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, err error) {
			http.Error(w, err.Error(), http.StatusBadGateway)
		},
	}
	s.srv = &http.Server{Addr: s.addr, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ep := s.endpoint()
		if ep == "" {
			http.Error(w, "no ready endpoints", http.StatusServiceUnavailable)
			return
		}
		proxy.ServeHTTP(w, r.WithContext(contextWith(r, ep)))
	})}
	go func() { _ = s.srv.ListenAndServe() }()
	t.Cleanup(func() { s.srv.Close() })
	waitFor(t, 10*time.Second, "the Service's port", func() bool {
		_, err := http.Get("http://" + s.addr + "/")
		return err == nil
	})
	return s
}

type endpointKey struct{}

func (s *service) add(p *pod) {
	s.mu.Lock()
	s.pods = append(s.pods, p)
	s.mu.Unlock()
}

// endpoint picks the next ready pod (round robin), or "" when none is ready.
func (s *service) endpoint() string {
	s.mu.Lock()
	pods := append([]*pod(nil), s.pods...)
	start := s.next
	s.next++
	s.mu.Unlock()
	for i := range pods {
		p := pods[(start+i)%len(pods)]
		if p.ready() {
			return p.httpAddr
		}
	}
	return ""
}

func (s *service) url() *url.URL { return &url.URL{Scheme: "http", Host: s.addr, Path: "/"} }

// mapMountPath rewrites a flag's value (--flag=VALUE) that is a volume's mount path, or a path
// under one, to the pod's host directory for it. The longest mount path wins and the value is
// rewritten once: with /tmp mounted too, a value already rewritten to /tmp/stepjet-pods-…
// must not be rewritten again (it was, whenever map order visited /tmp second).
func mapMountPath(arg string, paths map[string]string) string {
	i := strings.IndexByte(arg, '=')
	if i < 0 {
		return arg
	}
	value := arg[i+1:]
	best := ""
	for mountPath := range paths {
		if (value == mountPath || strings.HasPrefix(value, strings.TrimSuffix(mountPath, "/")+"/")) && len(mountPath) > len(best) {
			best = mountPath
		}
	}
	if best == "" {
		return arg
	}
	return arg[:i+1] + paths[best] + value[len(best):]
}
