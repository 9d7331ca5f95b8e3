// Command image builds stepjet's container image with no Docker daemon, no registry and no base
// image to pull: a static `stepjet` binary (CGO_ENABLED=0, -trimpath) on an empty base, run as
// uid/gid 65532, with a CA bundle for HTTPS tasks and the OCI labels source/version/revision,
// written as one tarball that `docker load`, `podman load` and `crane push` accept (an OCI image
// layout with Docker's manifest.json beside it, as `docker save` writes since Docker 25).
//
// The same commit gives the same image digest: every timestamp is the commit's time, files are
// written in a fixed order with fixed owners, and the Go build is reproducible. It lives in its
// own module so the main module does not carry go-containerregistry's dependencies:
//
//	go run -C build/image . --out /tmp/stepjet.tar
//	docker load < /tmp/stepjet.tar      # or: podman load -i …, crane push /tmp/stepjet.tar REF
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `Usage: go run -C build/image . --out FILE [options]

Builds stepjet's container image as an OCI tarball and prints its digest.

Options:
`

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("image", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	var o Options
	fs.StringVar(&o.Out, "out", "", "write the image tarball here (required)")
	fs.StringVar(&o.Repo, "repo", "", "the stepjet repository (default: found from the working directory)")
	fs.StringVar(&o.Tag, "tag", "", "image reference recorded in the tarball (default ghcr.io/stepjet/stepjet:VERSION)")
	fs.StringVar(&o.Version, "version", "", "org.opencontainers.image.version (default: git describe --tags --always)")
	fs.StringVar(&o.Source, "source", DefaultSource, "org.opencontainers.image.source")
	fs.StringVar(&o.Arch, "arch", runtime.GOARCH, "target architecture (GOARCH)")
	fs.StringVar(&o.CABundle, "ca-bundle", DefaultCABundle, "CA certificates installed at /etc/ssl/certs/ca-certificates.crt")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if o.Out == "" || fs.NArg() != 0 {
		fs.Usage()
		return 2
	}
	res, err := Build(o)
	if err != nil {
		fmt.Fprintf(stderr, "image: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "%s %s\n", res.Ref, res.Digest)
	return 0
}
