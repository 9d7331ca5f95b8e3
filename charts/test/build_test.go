package charttest

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

type corev1VolumeMount = corev1.VolumeMount

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
	buildOut  []byte
)

// stepjetBinary builds ../../cmd/stepjet once per test run, as the image does (static, trimmed).
func stepjetBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "stepjet-chart-test-")
		if err != nil {
			buildErr = err
			return
		}
		buildPath = filepath.Join(dir, "stepjet")
		cmd := exec.Command("go", "build", "-trimpath", "-o", buildPath, "./cmd/stepjet")
		cmd.Dir = "../.."
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("go build ./cmd/stepjet: %v\n%s", buildErr, buildOut)
	}
	return buildPath
}
