// Package console serves stepjet's web console: the front-end built from this folder's
// TypeScript (npm run build → dist/, committed) and embedded in the binary, so `go build` gives
// a working console with no Node on the machine. The console speaks only the AWS JSON API on
// the same origin; this package serves files and nothing else.
package console

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed all:dist
var dist embed.FS

// Prefix is where the console is mounted: Vite builds it with base "/console/" (vite.config.ts),
// so the asset URLs in index.html start with it.
const Prefix = "/console/"

// CSP is the Content-Security-Policy of every file but the page: everything from this origin
// only, no inline or evaluated scripts, no inline styles, no plugins, no framing
// (clickjacking), API calls to this origin only. data: and blob: images are the graph's PNG
// export and the favicon.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; " +
	"frame-ancestors 'none'"

// PageCSP is the policy index.html is served with: CSP, with style elements allowed only when
// they carry nonce. CodeMirror 6 (the designer's code editor) mounts its themes as <style>
// elements (style-mod uses constructed style sheets only in shadow roots); the page hands it
// the nonce, so no other inline style — an injected <style> or style="…" attribute — applies.
func PageCSP(nonce string) string {
	return strings.Replace(CSP, "style-src 'self'", "style-src 'self' 'nonce-"+nonce+"'", 1)
}

// NoncePlaceholder is what index.html (console/index.html, kept by the build) holds where each
// response puts its own nonce: <meta name="csp-nonce" content="__CSP_NONCE__">, read by the app.
const NoncePlaceholder = "__CSP_NONCE__"

// newNonce is a fresh CSP nonce: 128 random bits, base64 (the form nonce-source takes).
func newNonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return base64.StdEncoding.EncodeToString(b[:])
}

// asset is one embedded file, ready to serve.
type asset struct {
	body, gz    []byte // gz is nil when compressing does not pay
	ctype, etag string
	immutable   bool
	// noncePage: the body holds NoncePlaceholder, replaced per response by a fresh nonce that
	// the response's CSP names; such a body has no ETag and is not compressed (it is small).
	noncePage bool
}

// Handler serves the embedded console under Prefix. The zero value is ready to use.
type Handler struct {
	once   sync.Once
	assets map[string]*asset // by path below dist, "index.html" for the root
}

// contentTypes are set explicitly rather than from the machine's MIME tables, which differ
// between systems (a .js served as text/plain is refused by a browser under nosniff).
var contentTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".json":  "application/json",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".ico":   "image/x-icon",
	".woff2": "font/woff2",
	".txt":   "text/plain; charset=utf-8",
	".map":   "application/json",
}

func (h *Handler) load() {
	h.assets = map[string]*asset{}
	_ = fs.WalkDir(dist, "dist", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := dist.ReadFile(p)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, "dist/")
		ct, ok := contentTypes[path.Ext(rel)]
		if !ok {
			ct = "application/octet-stream"
		}
		sum := sha256.Sum256(body)
		a := &asset{body: body, ctype: ct, etag: `"` + hex.EncodeToString(sum[:12]) + `"`,
			// Vite names everything under assets/ by a hash of its content: a changed file is a
			// new URL, so browsers may keep these forever. index.html names them, so it is
			// fetched on every load (no-cache, no validator: see noncePage).
			immutable: strings.HasPrefix(rel, "assets/"),
			noncePage: ct == contentTypes[".html"] && bytes.Contains(body, []byte(NoncePlaceholder))}
		if !a.noncePage && compressible(ct) && len(body) > 1024 {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			_, _ = zw.Write(body)
			_ = zw.Close()
			if buf.Len() < len(body)*9/10 {
				a.gz = buf.Bytes()
			}
		}
		h.assets[rel] = a
		return nil
	})
}

func compressible(ct string) bool {
	return strings.HasPrefix(ct, "text/") || strings.HasPrefix(ct, "application/json") || ct == "image/svg+xml"
}

// ServeHTTP answers GET and HEAD for Prefix and the files below it; the console routes by the
// URL's fragment (#/machines/...), so every page is index.html and any other path is a 404.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.once.Do(h.load)
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", CSP)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("X-Frame-Options", "DENY")
	hdr.Set("Referrer-Policy", "no-referrer")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	rel, ok := strings.CutPrefix(r.URL.Path, Prefix)
	if !ok {
		if r.URL.Path+"/" == Prefix {
			http.Redirect(w, r, Prefix, http.StatusMovedPermanently)
			return
		}
		http.NotFound(w, r)
		return
	}
	if rel == "" {
		rel = "index.html"
	}
	a := h.assets[rel]
	if a == nil {
		http.NotFound(w, r)
		return
	}
	hdr.Set("Content-Type", a.ctype)
	if a.noncePage {
		// A new nonce per response, so a cached copy must never be reused: no-cache with no
		// validator (no ETag, no Last-Modified) makes every load a full 200 with its own nonce.
		nonce := newNonce()
		hdr.Set("Content-Security-Policy", PageCSP(nonce))
		hdr.Set("Cache-Control", "no-cache")
		body := bytes.ReplaceAll(a.body, []byte(NoncePlaceholder), []byte(nonce))
		// Written whole, not through ServeContent: no conditional answers and no ranges, which
		// would piece one page together from responses with different nonces.
		hdr.Set("Content-Length", strconv.Itoa(len(body)))
		if r.Method != http.MethodHead {
			_, _ = w.Write(body)
		}
		return
	}
	if a.immutable {
		hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hdr.Set("Cache-Control", "no-cache")
	}
	body, etag := a.body, a.etag
	if a.gz != nil {
		hdr.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			hdr.Set("Content-Encoding", "gzip")
			body, etag = a.gz, strings.TrimSuffix(a.etag, `"`)+`-gz"`
		}
	}
	hdr.Set("ETag", etag)
	// ServeContent answers If-None-Match (304), HEAD and ranges; the zero modtime sends no
	// Last-Modified (embedded files have none).
	http.ServeContent(w, r, rel, time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip (and does not refuse it
// with q=0).
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

// Root answers GET / on the API port, which the AWS SDKs never send (they POST): browsers that
// open the server's address are sent to the console.
func Root(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, Prefix, http.StatusFound)
}
