package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"
)

func init() {
	register(command{name: "version", summary: "print stepjet's version and source revision", run: versionCmd})
}

const versionHelp = `
Usage: stepjet version    (or stepjet --version)

Prints the module version stepjet was built as (a release tag with go install ...@vX.Y.Z;
"(devel)" for a build from a source tree), the source revision it was built from when the build
recorded one (go build in a git checkout; -buildvcs=false records none), and the Go version.

Examples:
  stepjet version
  stepjet --version
`

func versionCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("version", versionHelp, stderr)
	pos, code, ok := parseCommandArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 0 {
		fmt.Fprintln(stderr, "stepjet version: takes no arguments")
		return exitUsage
	}
	info, _ := debug.ReadBuildInfo()
	fmt.Fprintln(stdout, versionText(info))
	return exitOK
}

// versionText is one line: "stepjet VERSION (revision REV[, modified], TIME) GOVERSION".
func versionText(info *debug.BuildInfo) string {
	if info == nil {
		return "stepjet (devel) (no build information)"
	}
	version := info.Main.Version
	if version == "" {
		version = "(devel)"
	}
	var rev, at, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", modified"
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "stepjet %s", version)
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		fmt.Fprintf(&b, " (revision %s%s", rev, modified)
		if at != "" {
			fmt.Fprintf(&b, ", %s", at)
		}
		b.WriteString(")")
	} else {
		b.WriteString(" (no source revision recorded)")
	}
	fmt.Fprintf(&b, " %s", info.GoVersion)
	return b.String()
}

// buildVersion is the module version stepjet was built as ("(devel)" from a checkout), for
// service.version on telemetry.
func buildVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}
