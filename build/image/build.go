package main

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

const (
	// DefaultSource is the org.opencontainers.image.source label.
	DefaultSource = "https://github.com/stepjet/stepjet"
	// DefaultCABundle is Debian's CA bundle, which Go's crypto/x509 also reads at this path.
	DefaultCABundle = "/etc/ssl/certs/ca-certificates.crt"
	// DefaultRepository names the image in the tarball.
	DefaultRepository = "ghcr.io/stepjet/stepjet"

	// UID and GID the image runs as (distroless's "nonroot").
	UID = 65532
	GID = 65532

	binaryPath = "stepjet"                             // /stepjet, the entrypoint
	caPath     = "etc/ssl/certs/ca-certificates.crt"   // where Go looks first on Linux
	modulePath = "module github.com/stepjet/stepjet\n" // how Build recognises the repository
)

// Options say what to build. Zero values are filled from the repository.
type Options struct {
	Out      string // tarball path
	Repo     string // repository root
	Tag      string // full reference recorded in the tarball
	Version  string
	Source   string
	Arch     string
	CABundle string
}

// Result is what Build wrote.
type Result struct {
	Ref      string
	Digest   v1.Hash // the image manifest's digest: what a registry will call it
	Revision string
	Created  time.Time
}

// Build compiles stepjet and writes its image as an OCI tarball.
func Build(o Options) (Result, error) {
	var err error
	if o.Repo == "" {
		if o.Repo, err = findRepo(); err != nil {
			return Result{}, err
		}
	}
	if o.Source == "" {
		o.Source = DefaultSource
	}
	if o.CABundle == "" {
		o.CABundle = DefaultCABundle
	}
	if o.Arch == "" {
		o.Arch = "amd64"
	}
	rev, created, err := commit(o.Repo)
	if err != nil {
		return Result{}, err
	}
	if o.Version == "" {
		o.Version = gitOutput(o.Repo, "describe", "--tags", "--always")
	}
	if o.Tag == "" {
		o.Tag = DefaultRepository + ":" + strings.TrimPrefix(o.Version, "v")
	}
	bin, err := compile(o.Repo, o.Arch)
	if err != nil {
		return Result{}, err
	}
	ca, err := os.ReadFile(o.CABundle)
	if err != nil {
		return Result{}, fmt.Errorf("the CA bundle HTTPS tasks need: %w", err)
	}
	img, err := image(o, rev, created, bin, ca)
	if err != nil {
		return Result{}, err
	}
	digest, err := img.Digest()
	if err != nil {
		return Result{}, err
	}
	if err := writeTarball(o.Out, o.Tag, img); err != nil {
		return Result{}, err
	}
	return Result{Ref: o.Tag, Digest: digest, Revision: rev, Created: created}, nil
}

// findRepo walks up from the working directory to stepjet's go.mod.
func findRepo() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.HasPrefix(b, []byte(modulePath)) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the stepjet repository (give --repo)")
		}
		dir = parent
	}
}

// commit returns HEAD's revision and commit time: the image's revision label and every
// timestamp in it, so that a commit has one digest.
func commit(repo string) (string, time.Time, error) {
	out := gitOutput(repo, "log", "-1", "--format=%H %ct")
	rev, ts, ok := strings.Cut(out, " ")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if !ok || err != nil || len(rev) != 40 {
		return "", time.Time{}, fmt.Errorf("cannot read the commit of %s (is it a git checkout?): %q", repo, out)
	}
	return rev, time.Unix(sec, 0).UTC(), nil
}

func gitOutput(repo string, args ...string) string {
	out, _ := exec.Command("git", append([]string{"-C", repo}, args...)...).Output()
	return strings.TrimSpace(string(out))
}

// compile builds a static, path-free stepjet binary.
func compile(repo, arch string) ([]byte, error) {
	dir, err := os.MkdirTemp("", "stepjet-image-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "stepjet")
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=auto", "-ldflags=-s -w -buildid=", "-o", out, "./cmd/stepjet")
	cmd.Dir = repo
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch, "GOFLAGS=")
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build ./cmd/stepjet: %v\n%s", err, b)
	}
	return os.ReadFile(out)
}

// rootfs is the image's one layer: the binary, the CA bundle, passwd/group naming 65532, and a
// world-writable /tmp (the working directory, so `stepjet serve` with no flags has somewhere to
// keep its data).
func rootfs(bin, ca []byte, at time.Time) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	dir := func(name string, mode int64) error {
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: mode, ModTime: at, Format: tar.FormatPAX})
	}
	file := func(name string, mode int64, data []byte) error {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Size: int64(len(data)), ModTime: at, Format: tar.FormatPAX}); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	steps := []error{
		dir("etc", 0o755),
		file("etc/group", 0o644, []byte("root:x:0:\nnonroot:x:65532:\n")),
		file("etc/passwd", 0o644, []byte("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/tmp:/sbin/nologin\n")),
		dir("etc/ssl", 0o755),
		dir("etc/ssl/certs", 0o755),
		file(caPath, 0o644, ca),
		file(binaryPath, 0o755, bin),
		dir("tmp", 0o1777),
		tw.Close(),
	}
	return buf.Bytes(), errors.Join(steps...)
}

// image assembles the OCI image on an empty base.
func image(o Options, rev string, at time.Time, bin, ca []byte) (v1.Image, error) {
	fs, err := rootfs(bin, ca, at)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(fs)), nil },
		tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	base := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	img, err := mutate.Append(base, mutate.Addendum{Layer: layer, MediaType: types.OCILayer,
		History: v1.History{Created: v1.Time{Time: at}, CreatedBy: "go run -C build/image . (stepjet " + o.Version + ")"}})
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.Architecture, cf.OS, cf.Created = o.Arch, "linux", v1.Time{Time: at}
	cf.Config = v1.Config{
		Entrypoint: []string{"/" + binaryPath},
		// The chart passes its own arguments; this default makes `docker run IMAGE` a server
		// reachable from outside the container.
		Cmd:        []string{"serve", "--http-addr=0.0.0.0:8083"},
		User:       fmt.Sprintf("%d:%d", UID, GID),
		WorkingDir: "/tmp",
		Env:        []string{"PATH=/", "SSL_CERT_FILE=/" + caPath},
		ExposedPorts: map[string]struct{}{
			"8083/tcp": {},
		},
		Labels: map[string]string{
			"org.opencontainers.image.title":       "stepjet",
			"org.opencontainers.image.description": "AWS Step Functions Express workflows on NATS JetStream",
			"org.opencontainers.image.source":      o.Source,
			"org.opencontainers.image.version":     o.Version,
			"org.opencontainers.image.revision":    rev,
			"org.opencontainers.image.created":     at.Format(time.RFC3339),
			"org.opencontainers.image.licenses":    "Apache-2.0",
		},
	}
	return mutate.ConfigFile(img, cf)
}

// writeTarball writes the image as an OCI image layout (oci-layout, index.json, blobs/) plus
// Docker's manifest.json naming the same blobs, in a fixed order with fixed metadata.
func writeTarball(path, ref string, img v1.Image) error {
	manifest, err := img.RawManifest()
	if err != nil {
		return err
	}
	config, err := img.RawConfigFile()
	if err != nil {
		return err
	}
	layers, err := img.Layers()
	if err != nil {
		return err
	}
	digest, err := img.Digest()
	if err != nil {
		return err
	}
	mt, _ := img.MediaType()
	blobs := [][]byte{config, manifest}
	var layerPaths []string
	for _, l := range layers {
		rc, err := l.Compressed()
		if err != nil {
			return err
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return err
		}
		blobs = append(blobs, b)
		layerPaths = append(layerPaths, blobPath(b))
	}
	tagPart := ref[strings.LastIndexByte(ref, ':')+1:]
	index, _ := json.Marshal(map[string]any{
		"schemaVersion": 2,
		"mediaType":     types.OCIImageIndex,
		"manifests": []any{map[string]any{
			"mediaType": mt, "digest": digest.String(), "size": len(manifest),
			"annotations": map[string]string{"org.opencontainers.image.ref.name": tagPart, "io.containerd.image.name": ref},
		}},
	})
	dockerManifest, _ := json.Marshal([]any{map[string]any{"Config": blobPath(config), "RepoTags": []string{ref}, "Layers": layerPaths}})

	f, err := os.Create(path)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(f)
	put := func(name string, mode int64, data []byte) error {
		h := &tar.Header{Name: name, Mode: mode, Size: int64(len(data)), ModTime: time.Unix(0, 0), Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if data == nil {
			h.Typeflag, h.Name = tar.TypeDir, name+"/"
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	steps := []error{put("blobs", 0o755, nil), put("blobs/sha256", 0o755, nil)}
	seen := map[string]bool{}
	for _, b := range blobs {
		if p := blobPath(b); !seen[p] {
			seen[p] = true
			steps = append(steps, put(p, 0o444, b))
		}
	}
	steps = append(steps,
		put("oci-layout", 0o444, []byte(`{"imageLayoutVersion":"1.0.0"}`)),
		put("index.json", 0o444, index),
		put("manifest.json", 0o444, dockerManifest),
		tw.Close(), f.Close())
	return errors.Join(steps...)
}

func blobPath(b []byte) string {
	sum := sha256.Sum256(b)
	return "blobs/sha256/" + hex.EncodeToString(sum[:])
}
