package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// noRedirect sees serve's answers as a browser first gets them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func httpGet(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := noRedirect.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// serve offers the console at /console/ with its CSP, GET / points there, and the SDKs' POST /
// still reaches the API; --console=false takes the console away (404) and GET / answers 405 as
// it did before there was a console.
func TestServeConsole(t *testing.T) {
	t.Run("on", func(t *testing.T) {
		sv := startServe(t)
		base := "http://" + sv.httpAddr
		resp, _ := httpGet(t, base+"/")
		if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/console/" {
			t.Errorf("GET /: %d Location %q, want 302 to /console/", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, body := httpGet(t, base+"/console/")
		if resp.StatusCode != 200 || !strings.Contains(body, `<div id="app">`) {
			t.Fatalf("GET /console/: %d\n%s", resp.StatusCode, body)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("GET /console/: CSP %q", csp)
		}
		if code, out := apiPost(t, sv.httpAddr, "ListStateMachines", map[string]any{}); code != 200 || out["stateMachines"] == nil {
			t.Errorf("POST / ListStateMachines beside the console: %d %v", code, out)
		}
	})
	t.Run("off", func(t *testing.T) {
		sv := startServe(t, "--console=false")
		base := "http://" + sv.httpAddr
		if resp, _ := httpGet(t, base+"/console/"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("--console=false: GET /console/ answered %d, want 404", resp.StatusCode)
		}
		if resp, _ := httpGet(t, base+"/"); resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("--console=false: GET / answered %d, want 405", resp.StatusCode)
		}
		if code, _ := apiPost(t, sv.httpAddr, "ListStateMachines", map[string]any{}); code != 200 {
			t.Errorf("--console=false: POST / ListStateMachines answered %d", code)
		}
	})
}

// serve --help says where the console is and how to turn it off.
func TestServeHelpMentionsTheConsole(t *testing.T) {
	var out, errOut strings.Builder
	dispatch([]string{"serve", "--help"}, &out, &errOut)
	help := out.String() + errOut.String()
	for _, want := range []string{"http://127.0.0.1:8083/console/", "--console=false", "-console", "docs/console.md"} {
		if !strings.Contains(help, want) {
			t.Errorf("serve --help does not mention %q:\n%s", want, help)
		}
	}
}
