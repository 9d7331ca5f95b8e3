package console

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func get(t *testing.T, srv *httptest.Server, path string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	// a bare Transport: no automatic gzip, so the test sees what the server sent
	c := &http.Client{Transport: &http.Transport{DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

// The index and every asset it names are served with their content types, the CSP and nosniff;
// hashed assets are cached for good, the index is revalidated, and an ETag gives a 304.
func TestHandlerServesTheBuiltConsole(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("GET /console/", &Handler{})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	resp, index := get(t, srv, "/console/")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("/console/: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for h, want := range map[string]string{"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("/console/ %s = %q, want %q", h, got, want)
		}
	}
	for _, must := range []string{"default-src 'self'", "script-src 'self'", "connect-src 'self'", "img-src 'self' data: blob:", "frame-ancestors 'none'"} {
		if !strings.Contains(CSP, must) {
			t.Errorf("CSP lacks %q", must)
		}
	}
	for _, d := range strings.Split(CSP, ";") {
		if d = strings.TrimSpace(d); strings.HasPrefix(d, "script-src") && d != "script-src 'self'" || strings.Contains(d, "unsafe-eval") {
			t.Errorf("CSP allows inline or evaluated scripts: %s", d)
		}
	}
	if regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]`).Match(index) {
		t.Errorf("index.html has an inline script, which the CSP refuses:\n%s", index)
	}

	refs := regexp.MustCompile(`(?:src|href)="(/console/assets/[^"]+)"`).FindAllSubmatch(index, -1)
	if len(refs) < 2 {
		t.Fatalf("index.html names %d assets, want the script and the style sheet:\n%s", len(refs), index)
	}
	types := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
	for _, m := range refs {
		p := string(m[1])
		resp, body := get(t, srv, p)
		ext := p[strings.LastIndex(p, "."):]
		if resp.StatusCode != 200 || len(body) == 0 {
			t.Fatalf("%s: %d, %d bytes", p, resp.StatusCode, len(body))
		}
		if want, ok := types[ext]; ok && resp.Header.Get("Content-Type") != want {
			t.Errorf("%s: Content-Type %q, want %q", p, resp.Header.Get("Content-Type"), want)
		}
		if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("%s: Cache-Control %q, want immutable (the name has the content's hash)", p, cc)
		}
		// gzip when asked, and the same bytes once inflated
		zresp, zbody := get(t, srv, p, "Accept-Encoding", "gzip, deflate")
		if zresp.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(zbody))
			if err != nil {
				t.Fatal(err)
			}
			plain, _ := io.ReadAll(zr)
			if !bytes.Equal(plain, body) {
				t.Errorf("%s: gzip body differs from the plain one", p)
			}
			if zresp.Header.Get("ETag") == resp.Header.Get("ETag") {
				t.Errorf("%s: the gzip and plain bodies share an ETag", p)
			}
		} else if len(body) > 4096 {
			t.Errorf("%s (%d bytes) not compressed for a client that accepts gzip", p, len(body))
		}
	}

	etag := resp.Header.Get("ETag")
	if r304, _ := get(t, srv, "/console/", "If-None-Match", etag); etag == "" || r304.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match %q: %d, want 304", etag, r304.StatusCode)
	}
	if r, _ := get(t, srv, "/console/assets/nope.js"); r.StatusCode != 404 {
		t.Errorf("missing asset: %d, want 404", r.StatusCode)
	}
	// the mux cleans ".." away with a redirect; whatever it ends at is not a file outside dist
	if r, body := get(t, srv, "/console/../go.mod"); r.StatusCode == 200 || bytes.Contains(body, []byte("module ")) {
		t.Errorf("path outside dist: %d %q", r.StatusCode, body)
	}
}

func TestHandlerRedirects(t *testing.T) {
	mux := http.NewServeMux()
	h := &Handler{}
	mux.Handle("GET /console/", h)
	mux.Handle("GET /console", h)
	mux.HandleFunc("GET /{$}", Root)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for _, p := range []string{"/", "/console"} {
		resp, _ := get(t, srv, p)
		if resp.StatusCode/100 != 3 || resp.Header.Get("Location") != Prefix {
			t.Errorf("GET %s: %d Location %q, want a redirect to %s", p, resp.StatusCode, resp.Header.Get("Location"), Prefix)
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{"": false, "gzip": true, "br, gzip;q=0.5": true, "gzip;q=0": false, "deflate": false, "GZIP": true} {
		if got := acceptsGzip(h); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", h, got, want)
		}
	}
}
