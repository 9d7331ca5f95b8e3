package main

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

var (
	once     sync.Once
	built    Result
	builtTar string
	buildErr error
)

// buildOnce builds the image of this checkout once per test run.
func buildOnce(t *testing.T) (Result, string) {
	t.Helper()
	once.Do(func() {
		dir, err := os.MkdirTemp("", "stepjet-image-test-")
		if err != nil {
			buildErr = err
			return
		}
		builtTar = filepath.Join(dir, "stepjet.tar")
		built, buildErr = Build(Options{Out: builtTar})
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return built, builtTar
}

func TestSameCommitSameDigest(t *testing.T) {
	first, firstTar := buildOnce(t)
	again := filepath.Join(t.TempDir(), "again.tar")
	second, err := Build(Options{Out: again})
	if err != nil {
		t.Fatal(err)
	}
	if first.Digest != second.Digest {
		t.Fatalf("two builds of one commit: %s and %s", first.Digest, second.Digest)
	}
	a, _ := os.ReadFile(firstTar)
	b, _ := os.ReadFile(again)
	if !bytes.Equal(a, b) {
		t.Error("same digest but different tarballs")
	}
}

// The tarball reads back as the same image both ways tools read it: as Docker's format (what
// `docker load` before 25 and `crane push` read) and as an OCI layout (podman, Docker ≥ 25).
func TestTarballIsBothDockerAndOCI(t *testing.T) {
	res, path := buildOnce(t)
	img, err := tarball.ImageFromPath(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	untar(t, path, dir)
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	im, err := idx.IndexManifest()
	if err != nil || len(im.Manifests) != 1 || im.Manifests[0].Digest != res.Digest {
		t.Fatalf("OCI index %+v %v: want the one image %s", im, err, res.Digest)
	}
	oci, err := idx.Image(res.Digest)
	if err != nil {
		t.Fatal(err)
	}
	// Docker's format has no manifest of its own (readers derive one), so the two agree on the
	// image id (the config's digest) and the layers.
	dockerID, _ := img.ConfigName()
	ociID, _ := oci.ConfigName()
	dl, _ := img.Layers()
	ol, _ := oci.Layers()
	if dockerID != ociID || len(dl) != 1 || len(ol) != 1 {
		t.Fatalf("image id %s (Docker) vs %s (OCI), layers %d/%d", dockerID, ociID, len(dl), len(ol))
	}
	if a, _ := dl[0].Digest(); a != must(ol[0].Digest()) {
		t.Errorf("layer %s (Docker) vs %s (OCI)", a, must(ol[0].Digest()))
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	c := cf.Config
	if c.User != "65532:65532" || strings.Join(c.Entrypoint, " ") != "/stepjet" || cf.OS != "linux" {
		t.Errorf("config user %q entrypoint %q os %s", c.User, c.Entrypoint, cf.OS)
	}
	head := strings.TrimSpace(gitOutput("../..", "rev-parse", "HEAD"))
	for k, want := range map[string]string{"org.opencontainers.image.revision": head, "org.opencontainers.image.source": DefaultSource} {
		if c.Labels[k] != want {
			t.Errorf("label %s=%q, want %q", k, c.Labels[k], want)
		}
	}
	if c.Labels["org.opencontainers.image.version"] == "" {
		t.Error("no version label")
	}
}

// unpack extracts the image's root filesystem (its one layer) into a new directory.
func unpack(t *testing.T, path string) string {
	t.Helper()
	img, err := tarball.ImageFromPath(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	layers, err := img.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("%d layers, %v: want one", len(layers), err)
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	root := t.TempDir()
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	extract(t, tar.NewReader(rc), root)
	return root
}

func untar(t *testing.T, path, dir string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	extract(t, tar.NewReader(f), dir)
}

func extract(t *testing.T, tr *tar.Reader, root string) {
	t.Helper()
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(root, filepath.Clean("/"+h.Name))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(p, os.FileMode(h.Mode&0o777)|modeBits(h.Mode)); err != nil {
				t.Fatal(err)
			}
		case tar.TypeReg:
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, b, os.FileMode(h.Mode&0o777)); err != nil {
				t.Fatal(err)
			}
		default:
			t.Fatalf("unexpected entry %s (%c)", h.Name, h.Typeflag)
		}
	}
}

func modeBits(m int64) os.FileMode {
	if m&0o1000 != 0 {
		return os.ModeSticky
	}
	return 0
}

// The entrypoint runs from the unpacked root filesystem as uid/gid 65532. As root (CI and these
// machines), the test chroots into it and switches user: inside, the process sees only the
// image's files, so a missing CA bundle, /tmp or a dynamic-library dependency fails here as it
// would in a cluster. Without root it runs the binary by its path with the image's CA bundle
// (SSL_CERT_FILE) and working directory, as the current user, and says so.
func TestEntrypointRunsAsNonRootFromTheRootFilesystem(t *testing.T) {
	_, path := buildOnce(t)
	root := unpack(t, path)
	asRoot := os.Geteuid() == 0
	if !asRoot {
		t.Log("not root: running /stepjet by path as the current user (no chroot, no uid 65532)")
	}

	pem, err := os.ReadFile(filepath.Join(root, caPath))
	if err != nil || !x509.NewCertPool().AppendCertsFromPEM(pem) {
		t.Fatalf("the CA bundle at /%s holds no certificates: %v", caPath, err)
	}
	def := `{"StartAt":"Hi","States":{"Hi":{"Type":"Pass","Result":"hi","End":true}}}`
	if err := os.WriteFile(filepath.Join(root, "tmp", "hello.asl.json"), []byte(def), 0o644); err != nil {
		t.Fatal(err)
	}
	// inside maps an absolute path in the image to the path the process sees.
	inside := func(p string) string {
		if asRoot {
			return p
		}
		return filepath.Join(root, p)
	}
	inImage := func(args ...string) *exec.Cmd {
		for i, a := range args {
			if strings.HasPrefix(a, "/tmp/") {
				args[i] = inside(a)
			}
		}
		cmd := exec.Command(inside("/stepjet"), args...)
		cmd.Dir = inside("/tmp")
		cmd.Env = []string{"SSL_CERT_FILE=" + inside("/"+caPath)}
		if asRoot {
			cmd.Path = "/stepjet" // resolved inside the chroot
			cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: root, Credential: &syscall.Credential{Uid: UID, Gid: GID}}
		}
		return cmd
	}

	out, err := inImage("validate", "/tmp/hello.asl.json").CombinedOutput()
	if err != nil || !strings.Contains(string(out), `"OK"`) {
		t.Fatalf("stepjet validate in the image: %v\n%s", err, out)
	}

	httpAddr, natsAddr := freeAddr(t), freeAddr(t)
	serve := inImage("serve", "--http-addr", httpAddr, "--listen", natsAddr)
	var logs bytes.Buffer
	serve.Stdout, serve.Stderr = &logs, &logs
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- serve.Wait() }()
	defer func() {
		_ = serve.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = serve.Process.Kill()
			t.Error("stepjet serve did not stop on SIGTERM")
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+httpAddr+"/readyz", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		select {
		case err := <-done:
			t.Fatalf("stepjet serve exited: %v\n%s", err, logs.String())
		case <-ctx.Done():
			t.Fatalf("/readyz never answered 200\n%s", logs.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
	// It really ran as 65532: its data directory belongs to that user.
	st, err := os.Stat(filepath.Join(root, "tmp", "stepjet-data"))
	if err != nil {
		t.Fatal(err)
	}
	if sys := st.Sys().(*syscall.Stat_t); asRoot && (sys.Uid != UID || sys.Gid != GID) {
		t.Errorf("data directory owned by %d:%d", sys.Uid, sys.Gid)
	}
}

func must[T any](v T, _ error) T { return v }

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// The Dockerfile at the repository root builds the same image for Docker users: same entrypoint,
// command, user, working directory, environment, port and labels.
func TestDockerfileIsEquivalent(t *testing.T) {
	_, path := buildOnce(t)
	img, err := tarball.ImageFromPath(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	cf, _ := img.ConfigFile()
	c := cf.Config
	b, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	quoted := func(s []string) string { return `["` + strings.Join(s, `", "`) + `"]` }
	want := []string{
		"FROM scratch",
		"ENTRYPOINT " + quoted(c.Entrypoint),
		"CMD " + quoted(c.Cmd),
		"USER " + c.User,
		"WORKDIR " + c.WorkingDir,
		"ENV " + strings.Join(c.Env, " "),
		"EXPOSE 8083",
	}
	for _, w := range want {
		if !strings.Contains(df, "\n"+w+"\n") {
			t.Errorf("the Dockerfile has no line %q (the builder's image has it)", w)
		}
	}
	for k := range c.Labels {
		if k != "org.opencontainers.image.created" && !strings.Contains(df, k+"=") {
			t.Errorf("the Dockerfile does not set label %s", k)
		}
	}
}
