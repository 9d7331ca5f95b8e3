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
// hashed assets are cached for good, the index is fetched anew each time, and an asset's ETag
// gives a 304.
func TestHandlerServesTheBuiltConsole(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("GET /console/", &Handler{})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	resp, index := get(t, srv, "/console/")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("/console/: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"} {
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

	asset := string(refs[0][1])
	aresp, _ := get(t, srv, asset)
	etag := aresp.Header.Get("ETag")
	if r304, _ := get(t, srv, asset, "If-None-Match", etag); etag == "" || r304.StatusCode != http.StatusNotModified {
		t.Errorf("%s If-None-Match %q: %d, want 304", asset, etag, r304.StatusCode)
	}
	if aresp.Header.Get("Content-Security-Policy") != CSP {
		t.Errorf("%s: CSP %q, want %q", asset, aresp.Header.Get("Content-Security-Policy"), CSP)
	}
	if r, _ := get(t, srv, "/console/assets/nope.js"); r.StatusCode != 404 {
		t.Errorf("missing asset: %d, want 404", r.StatusCode)
	}
	// the mux cleans ".." away with a redirect; whatever it ends at is not a file outside dist
	if r, body := get(t, srv, "/console/../go.mod"); r.StatusCode == 200 || bytes.Contains(body, []byte("module ")) {
		t.Errorf("path outside dist: %d %q", r.StatusCode, body)
	}
}

var (
	metaNonce = regexp.MustCompile(`<meta name="csp-nonce" content="([^"]*)"`)
	cspNonce  = regexp.MustCompile(`style-src 'self' 'nonce-([A-Za-z0-9+/=]+)';`)
)

// No inline style applies without the page's nonce: each index.html response carries a fresh
// nonce in its CSP and in the page (where the editor reads it), never the placeholder, and is
// never answered from a cache that would hold another response's nonce.
func TestPageNonce(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("GET /console/", &Handler{})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	head, err := http.Head(srv.URL + "/console/")
	if err != nil {
		t.Fatal(err)
	}
	head.Body.Close()
	if head.StatusCode != 200 || cspNonce.FindStringSubmatch(head.Header.Get("Content-Security-Policy")) == nil {
		t.Errorf("HEAD /console/: %d, CSP %q", head.StatusCode, head.Header.Get("Content-Security-Policy"))
	}
	seen := map[string]bool{}
	for i := 0; i < 3; i++ {
		resp, body := get(t, srv, "/console/", "Accept-Encoding", "gzip")
		csp := resp.Header.Get("Content-Security-Policy")
		if strings.Contains(csp, "unsafe-inline") {
			t.Fatalf("CSP allows inline styles: %s", csp)
		}
		h, m := cspNonce.FindStringSubmatch(csp), metaNonce.FindSubmatch(body)
		if h == nil || m == nil {
			t.Fatalf("response %d: nonce in CSP %v, in page %q\nCSP %s\n%s", i, h, m, csp, body)
		}
		if string(m[1]) != h[1] || len(h[1]) < 22 || bytes.Contains(body, []byte(NoncePlaceholder)) {
			t.Fatalf("response %d: page nonce %q, CSP nonce %q", i, m[1], h[1])
		}
		if seen[h[1]] {
			t.Fatalf("nonce %q served twice", h[1])
		}
		seen[h[1]] = true
		if csp != PageCSP(h[1]) {
			t.Errorf("CSP %q, want %q", csp, PageCSP(h[1]))
		}
		if resp.Header.Get("ETag") != "" || resp.Header.Get("Last-Modified") != "" || resp.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("index.html: ETag %q, Last-Modified %q, Cache-Control %q: a cache could revalidate a page with a stale nonce",
				resp.Header.Get("ETag"), resp.Header.Get("Last-Modified"), resp.Header.Get("Cache-Control"))
		}
		// a validator from anywhere never turns into a 304 for the page, nor a range into a
		// piece of a page whose nonce is another response's
		if r, _ := get(t, srv, "/console/", "If-None-Match", `"x"`, "If-Modified-Since", "Mon, 07 Dec 2026 00:00:00 GMT"); r.StatusCode != 200 {
			t.Errorf("conditional GET of index.html: %d, want 200", r.StatusCode)
		}
		if r, b := get(t, srv, "/console/", "Range", "bytes=0-9"); r.StatusCode != 200 || r.Header.Get("Accept-Ranges") != "" || !metaNonce.Match(b) {
			t.Errorf("ranged GET of index.html: %d, Accept-Ranges %q, %d bytes; want the whole page", r.StatusCode, r.Header.Get("Accept-Ranges"), len(b))
		}
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
